"""Back-office views of the reference data (facilities, closures, stock,
categories, tariffs) and of the bookings and loans.

SecureModelView scopes every list, form and relation choice to the current
commune (TenantMixin); new rows get the current commune. Reference data are
the managers' (``equipements.manage``). Bookings and loans come from
requests: the view lists them (only those of requests the agent may read —
the core's rule on ``request_id``) and never creates them.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import NumberRange

from grc_core.plugin_api import SecureModelView

from . import rules
from .models import (
    BOOKING_STATUSES, CATEGORY_LABELS, DEPOSIT_STATUSES, FACILITY_KINDS, LOAN_STATUSES, UNIT_LABELS, Booking,
    Closure, EquipmentItem, Facility, Loan, TariffRate, UserCategory,
)

CATEGORY = _l("Facilities")
MANAGE = "equipements.manage"
CALENDAR = "equipements.calendar"
DECIDE = "equipements.decide"


def _choices(choices):
    return {"choices": list(choices)}


def _formatter(choices):
    mapping = dict(choices)
    return lambda view, context, model, name: mapping.get(getattr(model, name), getattr(model, name))


class FacilityView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("code", "name", "kind", "capacity", "open_days", "opens", "closes", "deposit", "active")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "capacity": _l("Capacity"),
                     "open_days": _l("Opening days"), "opens": _l("Opens at"), "closes": _l("Closes at"),
                     "included_equipment": _l("Equipment included"), "rules_document": _l("Rules of use"),
                     "deposit": _l("Deposit (€)"), "active": _l("In service")}
    column_descriptions = {"open_days": _l("Digits of the opening days, 0 = Monday … 6 = Sunday: 0123456 every day."),
                           "opens": _l("HH:MM"), "closes": _l("HH:MM; 24:00 for midnight.")}
    column_searchable_list = ("code", "name")
    column_default_sort = "name"
    column_formatters = {"kind": _formatter(FACILITY_KINDS)}
    form_columns = ("code", "name", "kind", "capacity", "open_days", "opens", "closes", "included_equipment",
                    "rules_document", "deposit", "active")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": _choices(FACILITY_KINDS), "capacity": {"validators": [NumberRange(min=1, max=100000)]},
                 "deposit": {"validators": [NumberRange(min=0)]}}

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        days, opens, closes = (getattr(form, name, None) for name in ("open_days", "opens", "closes"))
        if days is None or opens is None or closes is None:
            return True
        if not days.data or any(c not in "0123456" for c in days.data):
            days.errors.append(_("Digits from 0 (Monday) to 6 (Sunday), e.g. 0123456."))
            return False
        try:
            hours = rules.OpeningHours.parse(days.data, opens.data, closes.data)
        except ValueError as error:
            opens.errors.append(str(error))
            return False
        if hours.closes <= hours.opens:
            closes.errors.append(_("The closing time is not after the opening time."))
            return False
        return True


class ClosureView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("facility", "first_day", "last_day", "reason")
    column_labels = {"facility": _l("Facility"), "first_day": _l("First day"), "last_day": _l("Last day"),
                     "reason": _l("Reason")}
    column_default_sort = ("first_day", True)
    form_columns = ("facility", "first_day", "last_day", "reason")

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        first, last = getattr(form, "first_day", None), getattr(form, "last_day", None)
        if first is not None and last is not None and first.data and last.data and last.data < first.data:
            last.errors.append(_("The last day is before the first one."))
            return False
        return True


class ItemView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("code", "name", "stock", "active")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "stock": _l("Stock"), "active": _l("In service")}
    column_default_sort = "name"
    form_columns = ("code", "name", "stock", "active")
    form_args = {"stock": {"validators": [NumberRange(min=0, max=1000000)]}}


class CategoryView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("code", "label", "free_use", "free_use_decision")
    column_labels = {"code": _l("Category"), "label": _l("Label"), "free_use": _l("Free use"),
                     "free_use_decision": _l("Decision of free use")}
    column_descriptions = {"free_use": _l("Free use decided by the commune (CG3P L2125-1; CGCT L2144-3 for the "
                                          "commune's associations).")}
    column_formatters = {"code": _formatter(CATEGORY_LABELS)}
    form_columns = ("code", "label", "free_use", "free_use_decision")
    form_overrides = {"code": SelectField}
    form_args = {"code": _choices(CATEGORY_LABELS)}


class RateView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("facility", "category", "unit", "price")
    column_labels = {"facility": _l("Facility"), "category": _l("Category"), "unit": _l("Duration"),
                     "price": _l("Price (€)")}
    column_formatters = {"category": _formatter(CATEGORY_LABELS), "unit": _formatter(UNIT_LABELS)}
    column_filters = ("category", "unit")
    form_columns = ("facility", "category", "unit", "price")
    form_overrides = {"category": SelectField, "unit": SelectField}
    form_args = {"category": _choices(CATEGORY_LABELS), "unit": _choices(UNIT_LABELS),
                 "price": {"validators": [NumberRange(min=0)]}}


class BookingView(SecureModelView):
    """Bookings come from requests and change through their workflow."""

    permission = CALENDAR
    edit_permission = DECIDE
    delete_permission = MANAGE
    can_create = False
    column_list = ("facility", "start_at", "end_at", "purpose", "category", "status", "amount", "deposit",
                   "deposit_status")
    column_labels = {"facility": _l("Facility"), "start_at": _l("Start"), "end_at": _l("End"),
                     "purpose": _l("Purpose of the booking"), "category": _l("Category"), "status": _l("Status"),
                     "amount": _l("Fee (€)"), "deposit": _l("Deposit (€)"), "deposit_status": _l("Security deposit"),
                     "insurance_reference": _l("Insurance")}
    column_formatters = {"category": _formatter(CATEGORY_LABELS), "status": _formatter(BOOKING_STATUSES),
                         "deposit_status": _formatter(DEPOSIT_STATUSES)}
    column_filters = ("status", "deposit_status", "category")
    column_default_sort = ("start_at", True)
    form_columns = ("purpose", "insurance_reference")


class LoanView(SecureModelView):
    permission = CALENDAR
    edit_permission = DECIDE
    delete_permission = MANAGE
    can_create = False
    column_list = ("start_at", "end_at", "mode", "place", "status", "return_notes")
    column_labels = {"start_at": _l("Start"), "end_at": _l("End"), "mode": _l("Delivery"), "place": _l("Place"),
                     "status": _l("Status"), "return_notes": _l("Return")}
    column_formatters = {"status": _formatter(LOAN_STATUSES)}
    column_filters = ("status",)
    column_default_sort = ("start_at", True)
    form_columns = ("place", "return_notes")


def views() -> list:
    return [
        FacilityView(Facility, name=_l("Facilities"), category=CATEGORY, endpoint="equipements_facilities"),
        ClosureView(Closure, name=_l("Closures"), category=CATEGORY, endpoint="equipements_closures"),
        ItemView(EquipmentItem, name=_l("Equipment stock"), category=CATEGORY, endpoint="equipements_items"),
        CategoryView(UserCategory, name=_l("User categories"), category=CATEGORY, endpoint="equipements_categories"),
        RateView(TariffRate, name=_l("Tariffs"), category=CATEGORY, endpoint="equipements_rates"),
        BookingView(Booking, name=_l("Bookings"), category=CATEGORY, endpoint="equipements_bookings"),
        LoanView(Loan, name=_l("Loans"), category=CATEGORY, endpoint="equipements_loans"),
    ]
