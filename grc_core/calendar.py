"""Shared calendar arithmetic of the legal rules: months, ages, public holidays.

Pure functions of plain :class:`datetime.date` values: no Flask, no database,
no application, no import from the rest of ``grc_core``.  The plugins' pure
``rules`` modules import these helpers, so that every plugin counts months,
ages and working days the same way.  Only the standard library and the
``holidays`` package are used.

Conventions
-----------

* **Calendar months** (:func:`add_months`, :func:`add_years`): a delay
  expressed in months or years expires on the day bearing the same number
  (« quantième ») as the starting day; when the target month has no such day,
  on the last day of that month — code de procédure civile, art. 641 al. 2
  (« A défaut d'un quantième identique, le délai expire le dernier jour du
  mois »), same rule as EU regulation 1182/71 art. 3-2 c).  So 31 January +
  1 month = 28 February (29 in a leap year) and 29 February + 1 year =
  28 February.  The returned day is the *last day* of the delay, which
  expires at 24:00 that day (art. 642 al. 1).
* **Ages** (:func:`birthday`, :func:`age_on`): an age is reached on the
  birthday, from 00:00.  A person born on **29 February** reaches an age, in
  a non-leap year, on **28 February** — the anniversary is computed by
  :func:`add_years`, i.e. the art. 641 al. 2 rule above (the last day of
  February stands for the missing 29th).  This single convention is used by
  every plugin (recensement, majority, consent at 13, school levels, 65th
  birthday of the registre des personnes vulnérables…); the other reading
  found in practice (1 March) is deliberately not used.
* **Public holidays** (:func:`is_public_holiday`, :func:`is_working_day`,
  :func:`next_working_day`) come from the ``holidays`` package
  (``holidays.France``), never from a hand-written list: the eleven *fêtes
  légales* of code du travail art. L3133-1 (1er janvier, lundi de Pâques,
  1er mai, 8 mai, Ascension, lundi de Pentecôte, 14 juillet, Assomption,
  Toussaint, 11 novembre, Noël), plus, with ``alsace_moselle=True``, the two
  local holidays of Alsace-Moselle (C. trav. L3134-13: Vendredi saint and
  26 décembre), taken from the package's subdivision ``"57"`` (Moselle; the
  package's ``"6AE"``, Alsace = Bas-Rhin + Haut-Rhin, has the same two days).
  The package applies Good Friday to the whole of the three départements (the
  text says « dans les communes ayant un temple protestant ou une église
  mixte », in practice observed everywhere).  Overseas local holidays are not
  covered.  Historical years follow the package's data (e.g. no lundi de
  Pentecôte in 2005-2007).  A working day is a day that is neither a
  Saturday, a Sunday nor a public holiday (C. proc. civ. art. 642 al. 2:
  « samedi, dimanche ou jour férié ou chômé »).
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache

import holidays as _holidays

__all__ = [
    "add_months",
    "add_years",
    "birthday",
    "age_on",
    "public_holidays",
    "is_public_holiday",
    "is_working_day",
    "next_working_day",
]

#: ``holidays.France`` subdivision used for Alsace-Moselle (Moselle, "57";
#: Alsace, "6AE", carries the same Good Friday and 26 December).
ALSACE_MOSELLE_SUBDIVISION = "57"


def _require_date(value: object, name: str) -> _dt.date:
    """Reject anything that is not a plain ``date`` (a ``datetime`` included)."""
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")
    return value


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _require_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return value


# ---------------------------------------------------------------------------
# Calendar months and years
# ---------------------------------------------------------------------------


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Return ``day`` moved by ``months`` calendar months (negative allowed).

    The day number is kept; when the target month is too short the result is
    clamped to its last day: 31 January + 1 = 28 February (29 in a leap year),
    29 February 2024 + 12 = 28 February 2025, 31 March - 1 = 28/29 February,
    31 August + 1 = 30 September.  From a short month the day number is kept,
    not the month end (28 February + 1 = 28 March).

    Source: code de procédure civile, art. 641 al. 2 — a delay expressed in
    months expires on the day bearing the same number (« quantième ») as the
    starting day, « à défaut d'un quantième identique, le délai expire le
    dernier jour du mois »; EU regulation 1182/71 art. 3-2 c) has the same rule
    (GDPR periods).  The returned day is therefore the last day of an
    ``months``-month delay triggered on ``day``.

    Raises ``TypeError`` for a ``datetime`` or a non-``date`` ``day`` and for a
    non-``int`` (or ``bool``) ``months``; ``ValueError`` outside years 1-9999.
    """
    _require_date(day, "day")
    _require_int(months, "months")
    year, month_index = divmod(day.year * 12 + (day.month - 1) + months, 12)
    month = month_index + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    last = _days_in_month(year, month)
    return _dt.date(year, month, day.day if day.day <= last else last)


def add_years(day: _dt.date, years: int) -> _dt.date:
    """Return ``day`` moved by ``years`` years: ``add_months(day, 12 * years)``.

    Same rule (C. proc. civ. art. 641 al. 2): 29 February + 1 year =
    28 February; 29 February + 4 years = 29 February.
    """
    return add_months(day, 12 * _require_int(years, "years"))


# ---------------------------------------------------------------------------
# Ages
# ---------------------------------------------------------------------------


def birthday(birth_date: _dt.date, years: int) -> _dt.date:
    """Date on which a person born on ``birth_date`` reaches ``years`` years.

    The age is reached on the anniversary day (from 00:00), computed with
    :func:`add_years`.  Convention for a birth on **29 February**: in a
    non-leap year the anniversary is **28 February** — the last day of the
    month stands for the missing 29th, as for any delay in years (C. proc.
    civ. art. 641 al. 2).  Born 29/02/2008: 16 on 29/02/2024, 18 on
    28/02/2026; born 29/02/2084: 16 on 28/02/2100 (not a leap year).
    No text settles the question (interpretation); the other reading found in
    practice, 1 March, is not used: 28 February keeps ages consistent with
    every month/year delay of the project, is favourable to the applicant for
    age-based rights (majority, 65 ans of the registre des personnes
    vulnérables) and protective where an age triggers a safeguard (consent of
    a child of 13).

    Raises ``ValueError`` if ``years`` is negative.
    """
    _require_date(birth_date, "birth_date")
    if _require_int(years, "years") < 0:
        raise ValueError("years must be >= 0")
    return add_months(birth_date, 12 * years)


def age_on(birth_date: _dt.date, on_date: _dt.date) -> int:
    """Age in completed years on ``on_date`` (birthday to birthday).

    The person is ``n`` years old from his ``n``-th :func:`birthday` included
    (29 February births: 28 February in non-leap years, C. proc. civ.
    art. 641 al. 2).  Born 29/02/2000: 17 on 27/02/2018, 18 on 28/02/2018.

    Raises ``ValueError`` if ``on_date`` is before ``birth_date``.
    """
    _require_date(birth_date, "birth_date")
    _require_date(on_date, "on_date")
    if on_date < birth_date:
        raise ValueError("on_date is before birth_date")
    years = on_date.year - birth_date.year
    if birthday(birth_date, years) > on_date:
        years -= 1
    return years


# ---------------------------------------------------------------------------
# Public holidays and working days
# ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _holidays_of(year: int, alsace_moselle: bool) -> frozenset[_dt.date]:
    """The holidays of ``year``, built once per (year, region) from ``holidays.France``."""
    subdiv = ALSACE_MOSELLE_SUBDIVISION if alsace_moselle else None
    return frozenset(_holidays.France(years=year, subdiv=subdiv, expand=False).keys())


def public_holidays(year: int, *, alsace_moselle: bool = False) -> frozenset[_dt.date]:
    """Public holidays (jours fériés) of metropolitan France in ``year``.

    Source: ``holidays.France`` — C. trav. L3133-1 (eleven fêtes légales);
    with ``alsace_moselle=True``, also Vendredi saint and 26 décembre
    (C. trav. L3134-13; package subdivision ``"57"``).  Cached per year.
    """
    return _holidays_of(_require_int(year, "year"), bool(alsace_moselle))


def is_public_holiday(day: _dt.date, *, alsace_moselle: bool = False) -> bool:
    """True when ``day`` is a public holiday (see :func:`public_holidays`).

    C. trav. L3133-1 (and L3134-13 with ``alsace_moselle=True``), from the
    ``holidays`` package.
    """
    _require_date(day, "day")
    return day in _holidays_of(day.year, bool(alsace_moselle))


def is_working_day(day: _dt.date, *, alsace_moselle: bool = False) -> bool:
    """True unless ``day`` is a Saturday, a Sunday or a public holiday.

    C. proc. civ. art. 642 al. 2 (« samedi, dimanche ou jour férié ou
    chômé »); holidays per :func:`is_public_holiday`.  A day the service is
    closed for another reason (« jour chômé » of a commune) is not known here.
    """
    _require_date(day, "day")
    return day.weekday() < 5 and day not in _holidays_of(day.year, bool(alsace_moselle))


def next_working_day(day: _dt.date, *, alsace_moselle: bool = False) -> _dt.date:
    """Return ``day`` if it is a working day, else the first working day after it.

    C. proc. civ. art. 642 al. 2: a delay that would expire on a Saturday,
    Sunday or public holiday is extended to the next working day (« premier
    jour ouvrable suivant »).  Whether a given delay is extended is the
    caller's rule, not this function's.
    """
    _require_date(day, "day")
    alsace_moselle = bool(alsace_moselle)
    one_day = _dt.timedelta(days=1)
    while day.weekday() >= 5 or day in _holidays_of(day.year, alsace_moselle):
        day += one_day
    return day
