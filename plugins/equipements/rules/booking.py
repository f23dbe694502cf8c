"""Whether a facility may be booked for a period: conflicts, capacity, opening
hours, closures, the past and the notice period.

The maire sets the conditions of use of municipal premises (CGCT L2144-3:
administration of the property, running of the services, public order): the
opening hours, closures, capacity and notice are the commune's data and
settings; these functions apply them. Periods are half-open, [start, end):
a booking ending at 14:00 leaves the hall free at 14:00. Moments are aware
datetimes in the commune's time zone.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from grc_core.plugin_api import RuleText, lazy_ngettext
from grc_core.plugin_api import lazy_text as _l

from .common import capitalized, fmt_day, fmt_moment, joined, overlaps, weekday_name

DEFAULT_NOTICE_DAYS = 15
#: The names of the days (0 = Monday), written in the reader's language when shown.
WEEKDAYS = tuple(weekday_name(number) for number in range(7))
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


def parse_hhmm(text: str) -> int:
    """Minutes after midnight of ``HH:MM``; ``24:00`` is the end of the day.
    Raises ``ValueError`` on anything else."""
    match = _HHMM.match((text or "").strip())
    if not match or (match.group(1) == "24" and match.group(2) != "00"):
        raise ValueError(_l("Unreadable time: « %(text)s » (expected HH:MM, for example 08:30).", text=text))
    return int(match.group(1)) * 60 + int(match.group(2))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class OpeningHours:
    """The days the facility opens (0 = Monday) and its hours, in minutes after
    midnight (``closes`` 1440 = midnight at the end of the day)."""

    days: frozenset[int]
    opens: int
    closes: int

    @classmethod
    def parse(cls, days: str, opens: str, closes: str) -> "OpeningHours":
        """From the admin's text: days as digits ``"0123456"``, hours ``HH:MM``."""
        numbers = frozenset(int(c) for c in days if c.isdigit() and int(c) < 7)
        return cls(numbers, parse_hhmm(opens), parse_hhmm(closes))

    def describe(self) -> RuleText:
        names = joined(", ", (WEEKDAYS[d] for d in sorted(self.days))) if self.days else _l("no day")
        return _l("%(days)s, from %(opens)s to %(closes)s", days=names, opens=_hhmm(self.opens),
                  closes=_hhmm(self.closes))


@dataclass(frozen=True)
class Occupation:
    """A period that already holds the facility (a booking, an option, a slot)."""

    start: datetime
    end: datetime
    label: str


@dataclass(frozen=True)
class Problem:
    """Why a booking is refused; ``field`` is ``start``, ``end`` or ``attendance``; ``message`` is lazy
    (``str()`` writes it in the reader's language)."""

    field: str
    message: RuleText


@dataclass(frozen=True)
class BookingInput:
    start: datetime
    end: datetime
    now: datetime
    attendance: int | None = None
    capacity: int | None = None
    opening: OpeningHours | None = None
    closures: Sequence[tuple[date, date, str]] = ()
    occupied: Sequence[Occupation] = ()
    notice_days: int = DEFAULT_NOTICE_DAYS
    #: How the messages name the facility (« Salle des fêtes »); by default « the facility ».
    facility: object = _l("the facility")
    exempt_from_notice: bool = False


def _minutes(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def opening_problems(start: datetime, end: datetime, opening: OpeningHours) -> list[Problem]:
    """Every day the booking touches must be an opening day; it starts no
    earlier than the opening and ends no later than the closing time."""
    problems = []
    day = start.date()
    last = (end - timedelta(microseconds=1)).date()
    while day <= last:
        if day.weekday() not in opening.days:
            problems.append(Problem("start", _l("The facility is closed on %(weekday)s %(day)s (opening: %(hours)s).",
                                                weekday=WEEKDAYS[day.weekday()], day=fmt_day(day),
                                                hours=opening.describe())))
            break
        day += timedelta(days=1)
    if not problems:
        if _minutes(start) < opening.opens or _minutes(start) >= opening.closes:
            problems.append(Problem("start", _l("Start outside the opening hours (%(hours)s).",
                                                hours=opening.describe())))
        end_minutes = _minutes(end) or 1440
        if end_minutes > opening.closes or end_minutes <= opening.opens:
            problems.append(Problem("end", _l("End outside the opening hours (%(hours)s).", hours=opening.describe())))
    return problems


def closure_problems(start: datetime, end: datetime, closures: Iterable[tuple[date, date, str]]) -> list[Problem]:
    """A closure (works, holidays) runs from its first to its last day, both included."""
    last = (end - timedelta(microseconds=1)).date()
    return [Problem("start", _l("The facility is closed from %(first)s to %(last)s (%(reason)s).", first=fmt_day(first),
                                last=fmt_day(until), reason=reason) if reason else
                    _l("The facility is closed from %(first)s to %(last)s.", first=fmt_day(first),
                       last=fmt_day(until)))
            for first, until, reason in closures if first <= last and start.date() <= until]


def conflicts(start: datetime, end: datetime, occupied: Iterable[Occupation]) -> list[Occupation]:
    """The occupations that share a moment with [start, end)."""
    return [o for o in occupied if overlaps(start, end, o.start, o.end)]


def notice_deadline(start: datetime, notice_days: int) -> date:
    """The last day on which a booking starting at ``start`` may be asked."""
    return start.date() - timedelta(days=notice_days)


def check_booking(booking: BookingInput) -> list[Problem]:
    """Every reason to refuse the booking, in the order the form shows them.

    Notice: the commune's setting « au moins N jours à l'avance » (practice:
    15 days, domain_rules §7, conf. C); the commune's own services are exempt.
    """
    start, end = booking.start, booking.end
    if end <= start:
        return [Problem("end", _l("The end of the booking must be after its start."))]
    problems = []
    if start < booking.now:
        problems.append(Problem("start", _l("The start date is past.")))
    elif not booking.exempt_from_notice and booking.now.date() > notice_deadline(start, booking.notice_days):
        problems.append(Problem("start", lazy_ngettext(
            "Too late: a booking is asked for at least %(num)d day in advance (by %(day)s at the latest).",
            "Too late: a booking is asked for at least %(num)d days in advance (by %(day)s at the latest).",
            booking.notice_days, day=fmt_day(notice_deadline(start, booking.notice_days)))))
    if booking.attendance is not None:
        if booking.attendance < 1:
            problems.append(Problem("attendance", _l("Give a number of participants of at least 1.")))
        elif booking.capacity is not None and booking.attendance > booking.capacity:
            problems.append(Problem("attendance", _l(
                "%(attendance)d participants exceed the capacity of %(facility)s (%(capacity)d people).",
                attendance=booking.attendance, facility=booking.facility, capacity=booking.capacity)))
    if booking.opening is not None:
        problems += opening_problems(start, end, booking.opening)
    problems += closure_problems(start, end, booking.closures)
    for other in conflicts(start, end, booking.occupied):
        problems.append(Problem("start", _l(
            "%(facility)s is already booked from %(start)s to %(end)s (%(label)s).",
            facility=capitalized(booking.facility), start=fmt_moment(other.start), end=fmt_moment(other.end),
            label=other.label)))
    return problems


def season_occurrences(first_day: date, last_day: date, weekday: int, starts: int, ends: int,
                       skip: Iterable[tuple[date, date, str]] = ()) -> list[tuple[date, int, int]]:
    """The weekly slots of a season: every ``weekday`` from ``first_day`` to
    ``last_day`` (both included), from ``starts`` to ``ends`` minutes, without
    the days of the ``skip`` periods (closures, school holidays)."""
    if ends <= starts:
        raise ValueError(_l("The end of the slot must be after its start."))
    skipped = [(a, b) for a, b, _ in skip]
    day = first_day + timedelta(days=(weekday - first_day.weekday()) % 7)
    slots = []
    while day <= last_day:
        if not any(a <= day <= b for a, b in skipped):
            slots.append((day, starts, ends))
        day += timedelta(days=7)
    return slots
