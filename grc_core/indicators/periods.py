"""Periods of the dashboards: presets, custom ranges, the previous period to
compare with, and the time buckets of a series.

Pure functions of dates (no database, no request), so that a figure's period
can be checked by hand. Days are local (Europe/Paris) calendar days; a period
includes both its first and its last day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

PRESETS = ("today", "week", "month", "12m", "custom")
# Beyond this a custom period says more about a typo than about the commune.
MAX_DAYS = 10 * 366
EARLIEST = date(2000, 1, 1)


class PeriodError(ValueError):
    """A period nobody can mean; ``code`` says why (the page words it):
    ``unknown``, ``missing``, ``inverted``, ``too_early``, ``future``, ``too_long``."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Period:
    preset: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def granularity(self) -> str:
        """The bucket that keeps a chart readable: ≤ 62 points."""
        if self.days <= 62:
            return "day"
        if self.days <= 190:
            return "week"
        return "month"

    def previous(self) -> "Period":
        """What to compare with, like for like: the same days of last week
        (Monday to Wednesday against Monday to Wednesday), of last month (the
        1st to the 28th against the 1st to the 28th, shortened at a month's
        end), the 12 months before, or as many days just before."""
        if self.preset == "week":
            return Period(self.preset, self.start - timedelta(days=7), self.end - timedelta(days=7))
        if self.preset == "month":
            return Period(self.preset, self.start - relativedelta(months=1), self.end - relativedelta(months=1))
        if self.preset == "12m":
            start = self.start - relativedelta(months=12)
            return Period(self.preset, start, self.start - timedelta(days=1))
        return Period(self.preset, self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def period_of(preset: str, today: date, start: date | None = None, end: date | None = None) -> Period:
    """The period a dashboard shows.

    ``week`` is the current week from Monday, ``month`` the current month from
    the 1st, ``12m`` the twelve months ending this month (from the 1st of the
    month, a year ago); all end today. ``custom`` needs ``start`` and ``end``.
    Raises :class:`PeriodError` with the reason for an unknown preset, an
    inverted range, a range in the future, before 2000 or longer than ten
    years.
    """
    if preset == "today":
        return Period(preset, today, today)
    if preset == "week":
        return Period(preset, today - timedelta(days=today.weekday()), today)
    if preset == "month":
        return Period(preset, today.replace(day=1), today)
    if preset == "12m":
        return Period(preset, today.replace(day=1) - relativedelta(months=11), today)
    if preset != "custom":
        raise PeriodError("unknown")
    if start is None or end is None:
        raise PeriodError("missing")
    if end < start:
        raise PeriodError("inverted")
    if start < EARLIEST:
        raise PeriodError("too_early")
    if start > today:
        raise PeriodError("future")
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError("too_long")
    return Period(preset, start, end)


def bucket_start(day: date, granularity: str) -> date:
    """The first day of the bucket ``day`` falls in (weeks start on Monday)."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def buckets(start: date, end: date, granularity: str) -> list[date]:
    """First days of the buckets covering ``start``..``end``, in order."""
    step = {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1)}[granularity]
    current = bucket_start(start, granularity)
    out = []
    while current <= end:
        out.append(current)
        current = current + step
    return out


def trend(current: float | None, previous: float | None) -> float | None:
    """Change in percent from ``previous`` to ``current``; None when it means nothing."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous * 100


def tone(change: float | None, better: str | None) -> str:
    """``"good"``, ``"bad"`` or ``"neutral"``: a change is good when the figure
    went the way it should (``better``: ``"higher"``, ``"lower"`` or None)."""
    if not change or better not in ("higher", "lower"):
        return "neutral"
    rose = change > 0
    return "good" if rose == (better == "higher") else "bad"
