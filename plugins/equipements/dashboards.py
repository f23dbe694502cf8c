"""Indicators of the facilities domain and where they are shown.

Each ``compute(commune, filters)`` runs in the commune (tenancy scoping) and
belongs to the facilities service: a viewer whose ``filters.service_ids``
excludes it gets nothing. Periods are the filters' local days; figures of
the present state carry the dimension ``now``. Charts drill down to the
calendar of the facility or to the request queue of the request type.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grc_core.plugin_api import IndicatorDecl, IndicatorResult, RequestType, Series, Service, Unit, WidgetDecl, db

from . import services
from .models import CATEGORY_LABELS, HOLDING, Booking, EquipmentItem, Facility, Loan, LoanLine, Slot
from .request_types import RESERVATION, SERVICE

CALENDAR_URL = "/admin/equipements/calendrier/?facility={id}&day={day}"
LIVE = ("option", "confirmee", "en_cours", "terminee", "soldee")


def _hidden(filters) -> bool:
    if filters.service_ids is None:
        return False
    return db.session.scalar(select(Service.id).where(Service.code == SERVICE)) not in filters.service_ids


def _bounds(filters):
    return services.at(filters.start, 0), services.at(filters.end + timedelta(days=1), 0)


def occupancy(commune, filters) -> IndicatorResult:
    """Hours held (confirmed and options) against the hours open, per facility, over the period."""
    note = _("Hours booked (confirmed and options) against the opening hours of the period, closures deducted.")
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    start, end = _bounds(filters)
    facilities = list(db.session.scalars(select(Facility).where(Facility.active.is_(True)).order_by(Facility.name)))
    held = Counter()
    for slot in db.session.scalars(select(Slot).where(Slot.status.in_(HOLDING), Slot.start_at < end,
                                                      Slot.end_at > start)):
        first, last = max(services.aware(slot.start_at), start), min(services.aware(slot.end_at), end)
        held[slot.facility_id] += (last - first).total_seconds() / 3600
    rates = []
    for facility in facilities:
        hours = facility.opening()
        open_hours = 0.0
        day = filters.start
        closed = services.closures(facility)
        while day <= filters.end:
            if day.weekday() in hours.days and not any(a <= day <= b for a, b, _ in closed):
                open_hours += (hours.closes - hours.opens) / 60
            day += timedelta(days=1)
        rates.append(round(100 * held[facility.id] / open_hours, 1) if open_hours else 0.0)
    total_open = sum(1 for _ in facilities)
    return IndicatorResult(
        value=round(sum(rates) / total_open, 1) if total_open else None,
        categories=tuple((str(f.id), f.name) for f in facilities),
        series=(Series("occupation", _("Occupancy rate (%)"), tuple(rates)),),
        drilldown={str(f.id): CALENDAR_URL.format(id=f.id, day=filters.start.isoformat()) for f in facilities},
        note=note)


def bookings_per_category(commune, filters) -> IndicatorResult:
    note = _("Bookings (refused or cancelled requests aside) starting in the period, per user category.")
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    start, end = _bounds(filters)
    counts = dict(db.session.execute(
        select(Booking.category, func.count(Booking.id)).where(Booking.status.in_(LIVE), Booking.start_at >= start,
                                                               Booking.start_at < end).group_by(Booking.category)).all())
    type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == RESERVATION))
    return IndicatorResult(
        value=sum(counts.values()), categories=CATEGORY_LABELS,
        series=(Series("reservations", _("Bookings"), tuple(float(counts.get(k, 0)) for k, _label in CATEGORY_LABELS)),),
        drilldown={k: {"type": type_id} for k, _ in CATEGORY_LABELS} if type_id else {}, note=note)


def revenue_and_deposits(commune, filters) -> IndicatorResult:
    note = _("Fees of the confirmed bookings starting in the period; deposits held today; deductions from deposits "
             "decided for the bookings of the period.")
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    start, end = _bounds(filters)
    in_period = (Booking.status.in_(LIVE[1:]), Booking.start_at >= start, Booking.start_at < end)
    fees = db.session.scalar(select(func.coalesce(func.sum(Booking.amount), 0)).where(*in_period))
    kept = db.session.scalar(select(func.coalesce(func.sum(Booking.deposit_kept), 0)).where(*in_period))
    held = db.session.scalar(select(func.coalesce(func.sum(Booking.deposit), 0)).where(
        Booking.deposit_status == "detenue"))
    values = tuple(float(Decimal(v)) for v in (fees, held, kept))
    return IndicatorResult(
        value=values[0], categories=(("redevances", _("Fees")), ("cautions", _("Deposits held")),
                                     ("retenues", _("Deducted from deposits"))),
        series=(Series("euros", _("Amount (€)"), values),), note=note)


def equipment_out(commune, filters) -> IndicatorResult:
    note = _("Equipment out (delivered or collected, not yet returned) today, against the stock.")
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    out = dict(db.session.execute(
        select(LoanLine.item_id, func.sum(LoanLine.quantity)).join(Loan, Loan.id == LoanLine.loan_id)
        .where(Loan.status == "sorti").group_by(LoanLine.item_id)).all())
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.active.is_(True))
                                    .order_by(EquipmentItem.name)))
    return IndicatorResult(
        value=float(sum(out.values())) if out else 0.0, categories=tuple((str(i.id), i.name) for i in items),
        series=(Series("sorti", _("Out"), tuple(float(out.get(i.id, 0)) for i in items)),
                Series("stock", _("Stock"), tuple(float(i.stock) for i in items))), note=note)


def upcoming_events(commune, filters) -> IndicatorResult:
    note = _("Confirmed or optional bookings starting in the next 30 days, per facility.")
    if _hidden(filters):
        return IndicatorResult(value=None, note=note)
    start = services.at(filters.today, 0)
    end = services.at(filters.today + timedelta(days=30), 0)
    counts = dict(db.session.execute(
        select(Booking.facility_id, func.count(Booking.id)).where(
            Booking.status.in_(("option", "confirmee")), Booking.season.is_(False), Booking.start_at >= start,
            Booking.start_at < end).group_by(Booking.facility_id)).all())
    facilities = list(db.session.scalars(select(Facility).where(Facility.active.is_(True)).order_by(Facility.name)))
    return IndicatorResult(
        value=float(sum(counts.values())), categories=tuple((str(f.id), f.name) for f in facilities),
        series=(Series("evenements", _("Events"), tuple(float(counts.get(f.id, 0)) for f in facilities)),),
        drilldown={str(f.id): CALENDAR_URL.format(id=f.id, day=filters.today.isoformat()) for f in facilities},
        note=note)


def indicators() -> list[IndicatorDecl]:
    return [
        IndicatorDecl("equipements.occupation", _l("Occupancy rate per facility"), "%", compute=occupancy,
                      description=_l("Hours booked against opening hours over the period.")),
        IndicatorDecl("equipements.categories", _l("Bookings per user category"), Unit(_l("booking"), _l("bookings")),
                      compute=bookings_per_category),
        IndicatorDecl("equipements.finances", _l("Fees and deposits"), "€", compute=revenue_and_deposits),
        IndicatorDecl("equipements.materiel_sorti", _l("Equipment out"), Unit(_l("unit"), _l("units")),
                      compute=equipment_out, dimensions=("now",)),
        IndicatorDecl("equipements.a_venir", _l("Upcoming events (30 days)"), Unit(_l("event"), _l("events")),
                      compute=upcoming_events, dimensions=("now",)),
    ]


def widgets() -> list[WidgetDecl]:
    return [
        WidgetDecl("equipements.occupation_barres", _l("Occupancy rate per facility"), "equipements.occupation",
                   kind="bar", dashboard="equipements", order=10),
        WidgetDecl("equipements.categories_barres", _l("Bookings per user category"), "equipements.categories",
                   kind="bar", dashboard="equipements", order=20),
        WidgetDecl("equipements.finances_table", _l("Fees and deposits"), "equipements.finances", kind="table",
                   dashboard="equipements", order=30),
        WidgetDecl("equipements.materiel_table", _l("Equipment out"), "equipements.materiel_sorti", kind="table",
                   dashboard="equipements", order=40),
        WidgetDecl("equipements.a_venir_barres", _l("Upcoming events (30 days)"), "equipements.a_venir", kind="bar",
                   dashboard="equipements", order=50),
        WidgetDecl("equipements.occupation_strategique", _l("Occupancy rate of the facilities"),
                   "equipements.occupation", kind="number", dashboard="strategic", order=70),
    ]
