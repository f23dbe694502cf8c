"""Deadlines: working days with French public holidays, calendar months."""
from datetime import date, datetime, timezone

import pytest

from grc_core.workflows.deadlines import (
    add_working_days, after_delay, as_utc, is_alsace_moselle, legal_due_date, local_date, sla_due_at,
)


def test_working_days_skip_weekends_and_public_holidays():
    # Friday 10 July 2026 + 2: Monday 13, then 14 July (Tuesday, fête nationale) is skipped.
    assert add_working_days(date(2026, 7, 10), 2) == date(2026, 7, 15)
    # Ascension 2026 is Thursday 14 May.
    assert add_working_days(date(2026, 5, 13), 1) == date(2026, 5, 15)
    assert add_working_days(date(2026, 5, 13), 0) == date(2026, 5, 13)
    # Received on a Saturday: the first working day after it is Monday.
    assert add_working_days(date(2026, 3, 7), 1) == date(2026, 3, 9)


def test_alsace_moselle_adds_good_friday_and_saint_stephen():
    # Good Friday 2026 is 3 April; Easter Monday 6 April is a holiday everywhere.
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 3)
    assert add_working_days(date(2026, 4, 2), 1, alsace_moselle=True) == date(2026, 4, 7)
    assert add_working_days(date(2025, 12, 24), 1, alsace_moselle=True) == date(2025, 12, 29)

    class Commune:
        def __init__(self, insee_code):
            self.insee_code = insee_code

    assert is_alsace_moselle(Commune("57463")) and is_alsace_moselle(Commune("67482"))
    assert not is_alsace_moselle(Commune("45234")) and not is_alsace_moselle(None)


def test_bad_day_counts_are_refused():
    for days in (-1, True, 1.5):
        with pytest.raises(ValueError):
            add_working_days(date(2026, 1, 5), days)


def test_sla_due_at_is_the_end_of_the_working_day_in_paris():
    # Received Thursday 23:30 in Paris on 31 December 2026 (22:30 UTC).
    received = datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc)
    assert local_date(received) == date(2026, 12, 31)
    # 1 January is a holiday, 2 January a Saturday: Monday 4 January 2027, 23:59:59 CET.
    assert sla_due_at(received, 1) == datetime(2027, 1, 4, 22, 59, 59, tzinfo=timezone.utc)
    assert sla_due_at(received, None) is None and sla_due_at(received, 0) is None


def test_naive_datetimes_read_back_from_sqlite_are_utc():
    assert as_utc(datetime(2026, 1, 1, 12, 0)) == datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def test_legal_delays_count_calendar_months():
    assert legal_due_date(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert legal_due_date(date(2026, 3, 15), 2) == date(2026, 5, 15)
    # 10:00 in Paris on 31 January + 1 month = 10:00 on 28 February (winter time both).
    start = datetime(2026, 1, 31, 9, 0, tzinfo=timezone.utc)
    assert after_delay(start, months=1) == datetime(2026, 2, 28, 9, 0, tzinfo=timezone.utc)
    # Across the change to summer time the wall-clock hour is kept: 10:00 → 10:00 (08:00 UTC).
    assert after_delay(start, months=2, days=1) == datetime(2026, 4, 1, 8, 0, tzinfo=timezone.utc)
