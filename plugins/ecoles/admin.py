"""Back-office views of the reference data and of the enrolments.

SecureModelView scopes every list, form and relation choice to the current
commune (TenantMixin); new rows get the current commune. Each view declares
who opens it, edits and deletes (``permission``, ``edit_permission``,
``delete_permission``): the reference data are the managers' (``ecoles.manage``);
enrolments are assigned by the service (``ecoles.assign``) — only those of
the requests the agent may read (the core's access rule on ``request_id``) —
and deleted by managers only.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.validators import NumberRange, Optional

from grc_core.plugin_api import SecureModelView

from . import rules

from .models import (
    ACTIVITY_KINDS, ENROLMENT_STATUSES, LEVEL_CHOICES, SCHOOL_KINDS, SIDES, Activity, Enrolment, LevelCapacity,
    School, SchoolYear, SectorStreet, TariffGrid, TariffTranche,
)

CATEGORY = _l("Schools")
MANAGE = "ecoles.manage"
ASSIGN = "ecoles.assign"
GRID_KINDS = (("cantine", _l("School meals")), ("periscolaire", _l("After-school care service")))


def _choices(choices):
    return {"choices": list(choices)}


def _formatter(choices):
    mapping = dict(choices)
    return lambda view, context, model, name: mapping.get(getattr(model, name), getattr(model, name))


class SchoolView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("code", "name", "kind", "address", "director", "active")
    column_labels = {"code": _l("Code"), "name": _l("Name"), "kind": _l("Kind"), "address": _l("Address"),
                     "uai": _l("UAI number"), "director": _l("Head of school"), "active": _l("Open")}
    column_searchable_list = ("code", "name", "address")
    column_default_sort = "name"
    column_formatters = {"kind": _formatter(SCHOOL_KINDS)}
    form_columns = ("code", "name", "kind", "address", "uai", "director", "active")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": _choices(SCHOOL_KINDS)}


class CapacityView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("school", "level", "capacity")
    column_labels = {"school": _l("School"), "level": _l("Level"), "capacity": _l("Places")}
    column_formatters = {"level": _formatter(LEVEL_CHOICES)}
    form_columns = ("school", "level", "capacity")
    form_overrides = {"level": SelectField}
    form_args = {"level": _choices(LEVEL_CHOICES), "capacity": {"validators": [NumberRange(min=0)]}}


class SchoolYearView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("start_year", "rentree", "end", "enrolment_open")
    column_labels = {"start_year": _l("Year of the rentrée"), "rentree": _l("Rentrée"), "end": _l("End"),
                     "enrolment_open": _l("Enrolment open")}
    column_default_sort = ("start_year", True)
    form_columns = ("start_year", "rentree", "end", "enrolment_open")
    form_args = {"start_year": {"validators": [NumberRange(min=2000, max=2100)]}}


class SectorView(SecureModelView):
    """The carte scolaire; problems (inverted ranges, overlaps) shown on the list."""

    permission = edit_permission = delete_permission = MANAGE
    column_list = ("street", "from_number", "to_number", "side", "school")
    column_labels = {"street": _l("Street"), "from_number": _l("From number"), "to_number": _l("To number"),
                     "side": _l("Side"), "school": _l("School")}
    column_searchable_list = ("street",)
    column_default_sort = "street"
    column_formatters = {"side": _formatter(SIDES)}
    form_columns = ("street", "from_number", "to_number", "side", "school")
    form_overrides = {"side": SelectField}
    form_args = {"side": _choices(SIDES), "from_number": {"validators": [NumberRange(min=1)]},
                 "to_number": {"validators": [Optional(), NumberRange(min=1)]}}

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        low, high = getattr(form, "from_number", None), getattr(form, "to_number", None)
        if low is not None and high is not None and high.data is not None and low.data and high.data < low.data:
            high.errors.append(_("The last number is lower than the first one."))
            return False
        return True


def _grid_problems(view, context, model, name):
    # The checks of the délibération's grid (rules.validate_grid), in the reader's language.
    problems = rules.validate_grid(model.as_rule(), cantine_a_un_euro=model.cantine_a_un_euro)
    return "; ".join(str(problem) for problem in problems) or _("No problem found.")


class TariffGridView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("name", "kind", "school_year", "cantine_a_un_euro", "problems")
    column_labels = {"name": _l("Name"), "kind": _l("Service"), "school_year": _l("School year"),
                     "cantine_a_un_euro": _l("Canteen at 1 €"), "problems": _l("Check of the grid")}
    column_formatters = {"kind": _formatter(GRID_KINDS), "problems": _grid_problems}
    form_columns = ("name", "kind", "school_year", "cantine_a_un_euro")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": _choices(GRID_KINDS)}
    column_descriptions = {"cantine_a_un_euro": _l("At least three tranches; at most 1 € for a QF up to 1 000 €.")}


class TrancheView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("grid", "label", "qf_min", "qf_max", "price")
    column_labels = {"grid": _l("Tariff grid"), "label": _l("Label"), "qf_min": _l("QF from (€)"),
                     "qf_max": _l("QF to (€)"), "price": _l("Price (€)")}
    column_default_sort = "qf_min"
    form_columns = ("grid", "label", "qf_min", "qf_max", "price")
    form_args = {"qf_min": {"validators": [NumberRange(min=0)]},
                 "qf_max": {"validators": [Optional(), NumberRange(min=0)]},
                 "price": {"validators": [NumberRange(min=0)]}}

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        low, high = getattr(form, "qf_min", None), getattr(form, "qf_max", None)
        if low is not None and high is not None and high.data is not None and low.data is not None \
                and high.data < low.data:
            high.errors.append(_("The upper bound is lower than the lower bound."))
            return False
        return True


class ActivityView(SecureModelView):
    permission = edit_permission = delete_permission = MANAGE
    column_list = ("kind", "school", "school_year", "capacity", "grid")
    column_labels = {"kind": _l("Service"), "school": _l("School"), "school_year": _l("School year"),
                     "capacity": _l("Places"), "grid": _l("Tariff grid")}
    column_formatters = {"kind": _formatter(ACTIVITY_KINDS)}
    form_columns = ("kind", "school", "school_year", "capacity", "grid")
    form_overrides = {"kind": SelectField}
    form_args = {"kind": _choices(ACTIVITY_KINDS), "capacity": {"validators": [NumberRange(min=0)]}}


class EnrolmentView(SecureModelView):
    """Enrolments: the service assigns a school by hand when the carte
    scolaire could not (unknown street) — never a reason to block."""

    permission = edit_permission = ASSIGN
    # An enrolment is deleted by the reference data's managers only.
    delete_permission = MANAGE
    # Enrolments come from requests (rules.py); the view assigns and corrects them.
    can_create = False
    column_list = ("child", "school_year", "level", "school", "status", "canteen", "matin", "soir", "mercredi",
                   "tariff_label")
    column_labels = {"child": _l("Child"), "school_year": _l("School year"), "level": _l("Level"),
                     "school": _l("School"), "status": _l("Status"), "canteen": _l("Canteen"),
                     "matin": _l("Morning"), "soir": _l("Evening"), "mercredi": _l("Wednesday"),
                     "tariff_label": _l("Tariff tranche"), "sector_message": _l("Carte scolaire")}
    column_formatters = {"level": _formatter(LEVEL_CHOICES), "status": _formatter(ENROLMENT_STATUSES)}
    column_filters = ("status", "level")
    # Found by the child's name or the school, as the service is asked at the counter.
    column_searchable_list = ("child.last_name", "child.first_name", "school.name")
    form_columns = ("school", "level", "status", "canteen", "matin", "soir", "mercredi", "sector_message")
    form_overrides = {"level": SelectField, "status": SelectField}
    form_args = {"level": _choices(LEVEL_CHOICES), "status": _choices(ENROLMENT_STATUSES)}
    form_widget_args = {"sector_message": {"readonly": True}}

    def on_model_change(self, form, model, is_created):
        if model.school is not None and model.level and not model.school.accepts(model.level):
            raise ValueError(_("This school does not take this level."))


def views() -> list:
    return [
        SchoolView(School, name=_l("Schools"), category=CATEGORY, endpoint="ecoles_schools"),
        CapacityView(LevelCapacity, name=_l("Capacities"), category=CATEGORY, endpoint="ecoles_capacities"),
        SchoolYearView(SchoolYear, name=_l("School years"), category=CATEGORY, endpoint="ecoles_years"),
        SectorView(SectorStreet, name=_l("Carte scolaire"), category=CATEGORY, endpoint="ecoles_sectors"),
        ActivityView(Activity, name=_l("Canteen and after-school"), category=CATEGORY, endpoint="ecoles_activities"),
        TariffGridView(TariffGrid, name=_l("Tariff grids"), category=CATEGORY, endpoint="ecoles_grids"),
        TrancheView(TariffTranche, name=_l("Tariff tranches"), category=CATEGORY, endpoint="ecoles_tranches"),
        EnrolmentView(Enrolment, name=_l("Enrolments"), category=CATEGORY, endpoint="ecoles_enrolments"),
    ]
