"""Deadlines of requests: SLA in working days, legal delays in calendar months.

Dates are stored in UTC; the days that count are those of the commune's
clock (Europe/Paris). SQLite gives stored datetimes back without a time
zone: :func:`as_utc` reads them as the UTC they were written in.

Working days are those of :func:`grc_core.calendar.is_working_day` (no
Saturday, Sunday or French public holiday from the ``holidays`` package;
Alsace-Moselle adds Good Friday and 26 December — chosen per commune from
its INSEE code).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..calendar import add_months, is_working_day

PARIS = ZoneInfo("Europe/Paris")
# Bas-Rhin, Haut-Rhin, Moselle: the local law adds two public holidays.
ALSACE_MOSELLE_DEPARTEMENTS = ("57", "67", "68")
END_OF_DAY = time(23, 59, 59)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime; a naive one (SQLite) is taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def local_date(moment: datetime) -> date:
    """The day ``moment`` falls on in the commune (Europe/Paris)."""
    return as_utc(moment).astimezone(PARIS).date()


def end_of_day(day: date) -> datetime:
    """23:59:59 of ``day`` in Europe/Paris, as UTC."""
    return datetime.combine(day, END_OF_DAY, tzinfo=PARIS).astimezone(timezone.utc)


def is_alsace_moselle(commune) -> bool:
    return str(getattr(commune, "insee_code", "") or "")[:2] in ALSACE_MOSELLE_DEPARTEMENTS


def add_working_days(start: date, days: int, *, alsace_moselle: bool = False) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself when 0).

    ``start`` does not count: a request received on Friday with 1 working day
    is due on Monday (Tuesday if Monday is a public holiday); received on a
    Saturday with 1 working day, on Monday.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError("days must be an int >= 0")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, alsace_moselle=alsace_moselle):
            remaining -= 1
    return day


def sla_due_at(received_at: datetime, sla_days: int | None, *, alsace_moselle: bool = False) -> datetime | None:
    """End of the ``sla_days``-th working day after ``received_at`` (Europe/Paris), in UTC.

    None when there is no SLA (``sla_days`` None or 0).
    """
    if not sla_days:
        return None
    due_day = add_working_days(local_date(received_at), sla_days, alsace_moselle=alsace_moselle)
    return end_of_day(due_day)


def legal_due_date(start: date, months: int) -> date:
    """Last day of a delay of ``months`` calendar months started on ``start``
    (C. proc. civ. art. 641 al. 2, see :func:`grc_core.calendar.add_months`)."""
    return add_months(start, months)


def after_delay(anchor: datetime, *, days: int = 0, months: int = 0) -> datetime:
    """``anchor`` moved by calendar months then calendar days, on the commune's
    clock (a month after 10:00 on 31 January is 10:00 on 28 February), as UTC."""
    local = as_utc(anchor).astimezone(PARIS)
    day = add_months(local.date(), months) + timedelta(days=days)
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=PARIS).astimezone(timezone.utc)
