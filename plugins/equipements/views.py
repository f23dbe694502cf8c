"""Back-office pages of the plugin: the calendar of the facilities (month or
week, one facility or all) and the convention d'occupation of a booking.

The calendar is a plain server-rendered table: bookings, options with their
expiry, requests waiting for a decision, closures. Its facility comes from
the query string and is read through the commune's scoped query (another
commune's id finds nothing). The convention is served for a request the
agent may read (the core's loader: another commune's request, a disabled
domain → 404).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import Response, abort, request
from flask_admin import expose
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import SecureView, db, local_date, parse_int, readable_request_or_404, utcnow

from . import rules, services
from .models import Closure, Facility, Slot, label_of, SLOT_STATUSES
from .request_types import CRENEAUX, RESERVATION, WEEKDAY_CHOICES



def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return local_date(utcnow())


def calendar_range(day: date, view: str) -> tuple[date, date]:
    """First Monday shown and the day after the last day shown."""
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return first, first + timedelta(days=7)
    first_of_month = day.replace(day=1)
    first = first_of_month - timedelta(days=first_of_month.weekday())
    next_month = (first_of_month + timedelta(days=32)).replace(day=1)
    last = next_month + timedelta(days=(7 - next_month.weekday()) % 7)
    return first, last


def calendar_weeks(first: date, last: date, facility_id: int | None) -> list[list[dict]]:
    start, end = services.at(first, 0), services.at(last, 0)
    slots = select(Slot).where(Slot.status != "annulee", Slot.start_at < end, Slot.end_at > start)
    closed = select(Closure).where(Closure.first_day < last, Closure.last_day >= first)
    if facility_id is not None:
        slots = slots.where(Slot.facility_id == facility_id)
        closed = closed.where(Closure.facility_id == facility_id)
    slots = list(db.session.scalars(slots.order_by(Slot.start_at)))
    closures = list(db.session.scalars(closed))
    weeks, day = [], first
    while day < last:
        week = []
        for _ in range(7):
            day_start, day_end = services.at(day, 0), services.at(day + timedelta(days=1), 0)
            entries = [{
                "time": f"{services.local(s.start_at):%H:%M}–{services.local(s.end_at):%H:%M}",
                "facility": s.facility.name, "purpose": s.booking.purpose or s.booking.organiser,
                "status": s.status, "status_label": label_of(SLOT_STATUSES, s.status),
                "expires": format_date(s.booking.option_expires_on, "short") if s.status == "option" and
                s.booking.option_expires_on else "",
                "request_id": s.booking.request_id,
            } for s in slots if services.aware(s.start_at) < day_end and services.aware(s.end_at) > day_start]
            week.append({"day": day, "entries": entries,
                         "closures": [f"{c.facility.name} : {c.reason or 'fermé'}" for c in closures
                                      if c.first_day <= day <= c.last_day]})
            day += timedelta(days=1)
        weeks.append(week)
    return weeks


class CalendarView(SecureView):
    permission = "equipements.calendar"

    @expose("/")
    def index(self):
        view = "week" if request.args.get("view") == "week" else "month"
        day = _day(request.args.get("day"))
        facilities = list(db.session.scalars(select(Facility).where(Facility.active.is_(True))
                                             .order_by(Facility.name)))
        facility_id = parse_int(request.args.get("facility"), low=1, high=2**31 - 1)
        facility = next((f for f in facilities if f.id == facility_id), None)
        first, last = calendar_range(day, view)
        step = timedelta(days=7) if view == "week" else timedelta(days=31)
        anchor = first if view == "week" else day.replace(day=1)
        if view == "week":
            title = _("Week of %(day)s", day=format_date(first, "short"))
        else:
            title = format_date(day, "LLLL yyyy").capitalize()
        return self.render("equipements/calendar.html", weeks=calendar_weeks(first, last, facility and facility.id),
                           facilities=facilities, facility=facility, view=view, day=day, title=title,
                           month=day.month, previous=(anchor - step).replace(day=1) if view == "month" else anchor - step,
                           following=(anchor + step).replace(day=1) if view == "month" else anchor + step,
                           weekdays=[name for _code, name in WEEKDAY_CHOICES], today=local_date(utcnow()))


class ConventionView(SecureView):
    permission = "equipements.calendar"

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        # Conventions are reached from a request's page, never listed.
        abort(404)

    @expose("/<id:request_id>.pdf")
    def pdf(self, request_id):
        req = readable_request_or_404(request_id)
        if req.request_type.code not in (RESERVATION, CRENEAUX):
            abort(404)
        booking = services.booking_of(req.id)
        if booking is None or booking.convention_pdf is None:
            abort(404)
        return Response(booking.convention_pdf, mimetype="application/pdf", headers={
            "Content-Disposition": f'inline; filename="convention-{req.reference}.pdf"',
            "X-Content-Type-Options": "nosniff"})
