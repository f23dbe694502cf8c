"""Tests of grc_core/calendar.py: calendar months, ages, public holidays, working days.

Pure functions of dates: no app, no database.
"""

from __future__ import annotations

import ast
import datetime as dt
import sys
from pathlib import Path

import holidays
import pytest
from dateutil.relativedelta import relativedelta

from grc_core import calendar as cal
from grc_core.calendar import (
    add_months,
    add_years,
    age_on,
    birthday,
    is_public_holiday,
    is_working_day,
    next_working_day,
    public_holidays,
)

D = dt.date


# ---------------------------------------------------------------------------
# add_months / add_years (C. proc. civ. art. 641 al. 2)
# ---------------------------------------------------------------------------

ADD_MONTHS_CASES = [
    # (start, months, expected)
    (D(2026, 1, 2), 1, D(2026, 2, 2)),  # congrès des notaires example: DP filed 2 Jan -> until 2 Feb
    (D(2026, 10, 8), 1, D(2026, 11, 8)),  # CE 17 juin 2024 n°461667 pattern
    (D(2026, 1, 15), 1, D(2026, 2, 15)),
    (D(2025, 1, 15), 2, D(2025, 3, 15)),
    (D(2025, 1, 31), 1, D(2025, 2, 28)),  # 31 Jan, non-leap year
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # 31 Jan, leap year
    (D(2100, 1, 31), 1, D(2100, 2, 28)),  # 2100 is not a leap year
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
    (D(2000, 1, 31), 1, D(2000, 2, 29)),  # 2000 is one
    (D(2026, 1, 30), 1, D(2026, 2, 28)),
    (D(2028, 1, 30), 1, D(2028, 2, 29)),
    (D(2026, 1, 29), 1, D(2026, 2, 28)),
    (D(2024, 1, 29), 1, D(2024, 2, 29)),
    (D(2026, 2, 28), 1, D(2026, 3, 28)),  # from a short month: same number, not month end
    (D(2024, 2, 29), 1, D(2024, 3, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),  # 31 -> 30-day month
    (D(2026, 4, 30), 1, D(2026, 5, 30)),  # 30 -> 31-day month keeps 30
    (D(2026, 5, 31), 1, D(2026, 6, 30)),
    (D(2024, 8, 31), 1, D(2024, 9, 30)),
    (D(2026, 7, 31), 1, D(2026, 8, 31)),
    (D(2026, 8, 31), 3, D(2026, 11, 30)),
    (D(2026, 12, 31), 2, D(2027, 2, 28)),  # across the year end
    (D(2027, 12, 31), 2, D(2028, 2, 29)),
    (D(2025, 11, 30), 3, D(2026, 2, 28)),
    (D(2026, 11, 30), 3, D(2027, 2, 28)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),  # 29 Feb + 1 year
    (D(2024, 2, 29), 36, D(2027, 2, 28)),
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2025, 5, 5), 0, D(2025, 5, 5)),
    (D(2026, 3, 10), 0, D(2026, 3, 10)),
    (D(2025, 12, 15), 1, D(2026, 1, 15)),
    (D(2025, 12, 15), 13, D(2027, 1, 15)),
    # negative
    (D(2025, 3, 31), -1, D(2025, 2, 28)),
    (D(2024, 3, 31), -1, D(2024, 2, 29)),
    (D(2026, 11, 30), -2, D(2026, 9, 30)),
    (D(2026, 5, 31), -3, D(2026, 2, 28)),
    (D(2024, 4, 30), -2, D(2024, 2, 29)),
    (D(2026, 1, 15), -1, D(2025, 12, 15)),
    (D(2026, 1, 31), -13, D(2024, 12, 31)),
    (D(2025, 2, 28), -12, D(2024, 2, 28)),
]


@pytest.mark.parametrize(("start", "months", "expected"), ADD_MONTHS_CASES)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_agrees_with_relativedelta():
    """Same results as ``dateutil.relativedelta`` (the helper the plugins used before)."""
    start = D(1999, 11, 1)
    for offset in range(0, 3 * 366, 7):
        day = start + dt.timedelta(days=offset)
        for months in (-25, -13, -12, -1, 1, 2, 3, 11, 12, 24, 48, 1200):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)


@pytest.mark.parametrize(
    ("start", "months", "error"),
    [
        (dt.datetime(2025, 1, 31, 12, 0), 1, TypeError),
        ("2025-01-31", 1, TypeError),
        (D(2025, 1, 31), 1.0, TypeError),
        (D(2025, 1, 31), True, TypeError),
        (D(9999, 12, 1), 1, ValueError),
        (D(1, 1, 31), -1, ValueError),
    ],
)
def test_add_months_rejects_bad_values(start, months, error):
    with pytest.raises(error):
        add_months(start, months)


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (D(2026, 3, 10), 3, D(2029, 3, 10)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
        (D(2024, 2, 29), 4, D(2028, 2, 29)),
        (D(2096, 2, 29), 4, D(2100, 2, 28)),
        (D(2024, 2, 29), -1, D(2023, 2, 28)),
        (D(1949, 12, 31), 75, D(2024, 12, 31)),
    ],
)
def test_add_years(start, years, expected):
    assert add_years(start, years) == expected
    assert add_years(start, years) == add_months(start, 12 * years)


# ---------------------------------------------------------------------------
# birthday / age_on (29 February → 28 February in non-leap years)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "years", "expected"),
    [
        (D(2000, 5, 10), 18, D(2018, 5, 10)),
        (D(2000, 5, 10), 0, D(2000, 5, 10)),
        (D(2000, 2, 29), 18, D(2018, 2, 28)),  # non-leap year: 28 February
        (D(2000, 2, 29), 20, D(2020, 2, 29)),  # leap year: 29 February
        (D(2008, 2, 29), 16, D(2024, 2, 29)),
        (D(2008, 2, 29), 25, D(2033, 2, 28)),
        (D(2084, 2, 29), 16, D(2100, 2, 28)),  # 2100 is not a leap year
        (D(2000, 2, 28), 1, D(2001, 2, 28)),
        (D(2000, 3, 1), 1, D(2001, 3, 1)),
    ],
)
def test_birthday(born, years, expected):
    assert birthday(born, years) == expected


def test_birthday_rejects_negative_years():
    with pytest.raises(ValueError):
        birthday(D(2000, 1, 1), -1)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(1960, 6, 15), D(2025, 6, 14), 64),
        (D(1960, 6, 15), D(2025, 6, 15), 65),  # reached on the birthday
        (D(1960, 6, 15), D(1960, 6, 15), 0),
        (D(1960, 12, 31), D(2025, 1, 1), 64),
        (D(2022, 9, 1), D(2025, 8, 31), 2),
        (D(2022, 9, 1), D(2025, 9, 1), 3),
        # 29 February births
        (D(1960, 2, 29), D(2025, 2, 27), 64),
        (D(1960, 2, 29), D(2025, 2, 28), 65),  # birthday of a non-leap year
        (D(1960, 2, 29), D(2025, 3, 1), 65),
        (D(1960, 2, 29), D(2024, 2, 28), 63),  # leap year: not yet
        (D(1960, 2, 29), D(2024, 2, 29), 64),
        (D(2000, 2, 29), D(2018, 2, 27), 17),
        (D(2000, 2, 29), D(2018, 2, 28), 18),
        (D(2020, 2, 29), D(2023, 2, 27), 2),
        (D(2020, 2, 29), D(2023, 2, 28), 3),
        (D(2020, 2, 29), D(2021, 2, 27), 0),
        (D(2020, 2, 29), D(2021, 2, 28), 1),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


def test_age_on_is_consistent_with_birthday():
    for born in (D(2000, 2, 29), D(2001, 3, 1), D(1999, 12, 31), D(2004, 2, 28)):
        for years in range(0, 30):
            day = birthday(born, years)
            assert age_on(born, day) == years, (born, years)
            if years:
                assert age_on(born, day - dt.timedelta(days=1)) == years - 1, (born, years)


def test_age_on_rejects_date_before_birth_and_datetimes():
    with pytest.raises(ValueError):
        age_on(D(2000, 1, 2), D(2000, 1, 1))
    with pytest.raises(TypeError):
        age_on(dt.datetime(2000, 1, 2), D(2020, 1, 1))


# ---------------------------------------------------------------------------
# Public holidays (holidays.France; C. trav. L3133-1, L3134-13)
# ---------------------------------------------------------------------------


def test_public_holidays_2026():
    assert public_holidays(2026) == {
        D(2026, 1, 1),
        D(2026, 4, 6),  # lundi de Pâques
        D(2026, 5, 1),
        D(2026, 5, 8),
        D(2026, 5, 14),  # Ascension
        D(2026, 5, 25),  # lundi de Pentecôte
        D(2026, 7, 14),
        D(2026, 8, 15),
        D(2026, 11, 1),
        D(2026, 11, 11),
        D(2026, 12, 25),
    }
    assert public_holidays(2026, alsace_moselle=True) - public_holidays(2026) == {
        D(2026, 4, 3),  # Vendredi saint
        D(2026, 12, 26),
    }


@pytest.mark.parametrize(
    ("day", "national"),
    [
        (D(2025, 4, 21), True),   # lundi de Pâques 2025
        (D(2025, 5, 29), True),   # Ascension 2025
        (D(2025, 6, 9), True),    # lundi de Pentecôte 2025
        (D(2024, 4, 1), True),    # lundi de Pâques 2024
        (D(2024, 5, 9), True),    # Ascension 2024
        (D(2024, 5, 20), True),   # lundi de Pentecôte 2024
        (D(2027, 3, 29), True),   # lundi de Pâques 2027
        (D(2027, 5, 6), True),    # Ascension 2027
        (D(2027, 5, 17), True),   # lundi de Pentecôte 2027
        (D(2025, 7, 14), True),
        (D(2026, 7, 14), True),
        (D(2025, 1, 1), True),
        (D(2025, 12, 25), True),
        (D(2025, 4, 20), False),  # Easter Sunday: a Sunday, not a separate holiday
        (D(2025, 7, 13), False),
        (D(2025, 4, 18), False),  # Good Friday: not outside Alsace-Moselle
        (D(2025, 12, 26), False),
    ],
)
def test_is_public_holiday(day, national):
    assert is_public_holiday(day) is national
    if national:
        assert is_public_holiday(day, alsace_moselle=True)


@pytest.mark.parametrize(
    "day", [D(2025, 4, 18), D(2025, 12, 26), D(2026, 4, 3), D(2026, 12, 26), D(2027, 3, 26)]
)
def test_alsace_moselle_good_friday_and_26_december(day):
    assert is_public_holiday(day) is False
    assert is_public_holiday(day, alsace_moselle=True) is True


def test_alsace_and_moselle_subdivisions_agree():
    for year in range(2020, 2041):
        assert public_holidays(year, alsace_moselle=True) == set(holidays.France(years=year, subdiv="6AE"))


def test_national_holidays_match_the_holidays_package():
    for year in range(2008, 2041):
        expected = set(holidays.France(years=year))
        assert len(expected) in (10, 11), year  # 10 when two coincide (1 May = Ascension in 2008)
        assert public_holidays(year) == expected, year
        days = (D(year, 1, 1) + dt.timedelta(days=i) for i in range(366))
        assert {d for d in days if d.year == year and is_public_holiday(d)} == expected, year


def test_public_holidays_are_cached():
    assert public_holidays(2031) is public_holidays(2031)
    assert public_holidays(2031, alsace_moselle=True) is public_holidays(2031, alsace_moselle=True)


# ---------------------------------------------------------------------------
# Working days (C. proc. civ. art. 642 al. 2)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "alsace", "working", "next_day"),
    [
        (D(2026, 5, 13), False, True, D(2026, 5, 13)),   # plain Wednesday
        (D(2026, 5, 14), False, False, D(2026, 5, 15)),  # Ascension Thursday → Friday
        (D(2026, 5, 16), False, False, D(2026, 5, 18)),  # Saturday → Monday
        (D(2026, 5, 23), False, False, D(2026, 5, 26)),  # Pentecost weekend → Tuesday
        (D(2026, 4, 4), False, False, D(2026, 4, 7)),    # Easter weekend + Monday → Tuesday
        (D(2026, 4, 3), False, True, D(2026, 4, 3)),     # Good Friday outside Alsace-Moselle
        (D(2026, 4, 3), True, False, D(2026, 4, 7)),     # Alsace-Moselle: Fri + weekend + Mon
        (D(2026, 12, 25), False, False, D(2026, 12, 28)),
        (D(2025, 12, 26), False, True, D(2025, 12, 26)),
        (D(2025, 12, 26), True, False, D(2025, 12, 29)),
        (D(2026, 12, 31), False, True, D(2026, 12, 31)),
        (D(2027, 1, 1), False, False, D(2027, 1, 4)),    # 1 January (Friday) then weekend
        (D(2026, 7, 14), False, False, D(2026, 7, 15)),
        (D(2026, 11, 11), False, False, D(2026, 11, 12)),
    ],
)
def test_working_days(day, alsace, working, next_day):
    assert is_working_day(day, alsace_moselle=alsace) is working
    assert next_working_day(day, alsace_moselle=alsace) == next_day


def test_working_day_functions_reject_datetimes():
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 5, 14))
    with pytest.raises(TypeError):
        next_working_day(dt.datetime(2026, 5, 14))
    with pytest.raises(TypeError):
        is_public_holiday(dt.datetime(2026, 5, 14))


# ---------------------------------------------------------------------------
# Purity
# ---------------------------------------------------------------------------


def test_module_imports_only_stdlib_and_holidays():
    """No Flask, no database, no other grc_core module: importable without an app."""
    tree = ast.parse(Path(cal.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative import"
            roots.add((node.module or "").split(".")[0])
    assert roots - {"holidays", "__future__"} <= set(sys.stdlib_module_names)
    assert "grc_core" not in roots


def test_every_public_function_has_a_documented_source():
    for name in cal.__all__:
        doc = getattr(cal, name).__doc__
        assert doc, name
        assert "art." in doc or "L3133-1" in doc or "holidays" in doc, name
    assert "641" in add_months.__doc__
    assert "28 February" in birthday.__doc__
