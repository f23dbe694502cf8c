"""The core indicators, checked against figures computed by hand on a small,
fixed history (October 2026 in Villeneuve), and the periods they cover."""
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from grc_core.extensions import db
from grc_core.indicators import core
from grc_core.indicators.periods import Period, PeriodError, buckets, period_of, trend
from grc_core.indicators.durations import bin_of, figures
from grc_core.models import Commune, Contact, Request, RequestEvent
from grc_core.plugin_api.testing import in_commune
from grc_core.plugin_api import IndicatorFilters
from tests.test_requests import setup_commune

UTC = timezone.utc
NOW = datetime.now(UTC)
OCTOBER = IndicatorFilters(start=date(2026, 10, 1), end=date(2026, 10, 31), today=date(2026, 11, 28))


def at(day: str, hour: int = 8, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=UTC)


def add(town, reference, type_id, service, channel, received, *, closed=None, due=None, first=None,
        kind=None, reopened=0):
    kind = kind or ("closed" if closed else "new")
    state = {"new": "nouvelle", "open": "en_cours", "closed": "close"}[kind]
    request = Request(reference=reference, request_type_id=type_id, service_id=service, channel=channel,
                      priority="normale", received_at=received, closed_at=closed, due_at=due,
                      first_response_at=first, state=state, state_kind=kind, data={}, workflow_id=town.workflow,
                      reopened_count=reopened)
    db.session.add(request)
    db.session.flush()
    return request


def event(request, at_, to_state, kind="transition"):
    db.session.add(RequestEvent(request_id=request.id, at=at_, kind=kind, to_state=to_state, details={}))


@pytest.fixture
def town(app):
    """R1–R7 of the module's docstring table, and four contacts."""
    town = setup_commune(app)
    with in_commune(app, town.id):
        v, a = town.voirie, town.accueil
        r1 = add(town, "2026-00001", town.bacs, v, "guichet", at("2026-10-05"), closed=at("2026-10-07"),
                 due=at("2026-10-10"), first=at("2026-10-05", 10))
        r2 = add(town, "2026-00002", town.bacs, v, "telephone", at("2026-10-06"), closed=at("2026-10-16"),
                 due=at("2026-10-12"), reopened=1)
        add(town, "2026-00003", town.attestation, a, "guichet", at("2026-10-10"), closed=at("2026-10-11"))
        add(town, "2026-00004", town.bacs, v, "email", at("2026-10-20"), due=at("2026-10-25"),
            first=at("2026-10-21"), kind="open")
        # 22:30 UTC on 30 September is 00:30 on 1 October in Paris: October's.
        add(town, "2026-00005", town.bacs, v, "guichet", at("2026-09-30", 22, 30))
        add(town, "2026-00006", town.attestation, a, "courrier", at("2026-09-15"), closed=at("2026-10-02"))
        # Open for almost two years: must not weigh on the processing time.
        add(town, "2025-00001", town.bacs, v, "guichet", at("2025-01-10"))
        for request, taken in ((r1, at("2026-10-05", 10)), (r2, at("2026-10-08"))):
            event(request, request.received_at, "nouvelle", kind="created")
            event(request, taken, "en_cours")
            event(request, request.closed_at, "close")
        for outcome, channel in (("answered", "guichet"), ("answered", "guichet"), ("redirected", "guichet"),
                                 ("answered", "telephone")):
            db.session.add(Contact(at=at("2026-10-12"), channel=channel, subject="Question", outcome=outcome))
        db.session.add(Contact(at=at("2026-11-02"), channel="guichet", subject="Hors période", outcome="redirected"))
        db.session.commit()
    return town


def compute(app, town, indicator, filters=OCTOBER):
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        return indicator(commune, filters)


def series(result, code=None):
    chosen = result.series[0] if code is None else next(s for s in result.series if s.code == code)
    return {key: value for (key, _label), value in zip(result.categories, chosen.values) if value}


def test_received_in_the_period_counts_local_days(app, town):
    result = compute(app, town, core.received_over_time)
    assert result.value == 5
    assert series(result) == {"2026-10-01": 1, "2026-10-05": 1, "2026-10-06": 1, "2026-10-10": 1, "2026-10-20": 1}
    assert len(result.categories) == 31
    assert result.drilldown["2026-10-05"] == {"kind": "all", "received_from": "2026-10-05",
                                              "received_to": "2026-10-05"}


def test_received_by_channel_service_type_and_domain(app, town):
    channels = compute(app, town, core.received_by_channel)
    assert series(channels) == {"guichet": 3, "telephone": 1, "email": 1}
    assert channels.categories[0] == ("guichet", "Guichet")
    services = compute(app, town, core.received_by_service)
    assert series(services) == {str(town.voirie): 4, str(town.accueil): 1}
    types = compute(app, town, core.received_by_type)
    assert series(types) == {str(town.bacs): 4, str(town.attestation): 1}
    assert types.drilldown[str(town.bacs)]["type"] == str(town.bacs)
    domains = compute(app, town, core.received_by_domain)
    assert domains.value == 5 and domains.categories == (("", "Types de demande propres à la commune"),)


def test_a_service_filter_narrows_every_figure(app, town):
    accueil_only = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today,
                                    service_ids=frozenset({town.accueil}))
    assert compute(app, town, core.received_over_time, accueil_only).value == 1
    assert compute(app, town, core.throughput, accueil_only).value == 2
    assert compute(app, town, core.received_not_processed, accueil_only).value == 0
    nothing = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today, service_ids=frozenset())
    assert compute(app, town, core.received_over_time, nothing).value == 0


def test_in_services_with_none_narrows_nothing_as_documented(app, town):
    # IndicatorFilters.service_ids is None for "every service": a plugin passes it on as it is.
    from sqlalchemy import func, select

    from grc_core.indicators import sql

    with in_commune(app, town.id):
        count = lambda ids: db.session.scalar(
            select(func.count(Request.id)).where(sql.in_services(Request.service_id, ids)))
        assert count(None) == db.session.scalar(select(func.count(Request.id))) == 7
        assert count(frozenset({town.accueil})) == 2


def test_throughput_and_processing_time_count_only_requests_closed_in_the_period(app, town):
    closed = compute(app, town, core.throughput)
    assert closed.value == 4
    assert series(closed) == {"2026-10-02": 1, "2026-10-07": 1, "2026-10-11": 1, "2026-10-16": 1}
    # Durations 17, 2, 10 and 1 days; the request open since 2025 is not one of them.
    times = compute(app, town, core.processing_time)
    assert times.value == 6.0
    assert dict(zip([k for k, _l in times.categories], zip(*(s.values for s in times.series)))) == {
        str(town.bacs): (6.0, 10.0, 2), str(town.attestation): (9.0, 17.0, 2)}
    assert "4 demande" in times.note
    # The previous period's figure beside a number: the same value, without the table per type.
    value_only = compute(app, town, core.processing_time, replace(OCTOBER, value_only=True))
    assert value_only.value == 6.0 and value_only.categories == ()


def test_time_between_two_workflow_states(app, town):
    taken_to_closed = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today,
                                       states=("en_cours", "close"))
    # R1: 10:00 on the 5th → 8:00 on the 7th (1.92 days); R2: the 8th → the 16th (8 days).
    result = compute(app, town, core.processing_time, taken_to_closed)
    assert result.value == 5.0
    received_to_taken = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today,
                                         states=("received", "en_cours"))
    assert compute(app, town, core.processing_time, received_to_taken).value == 1.0


def test_first_response_counts_the_unanswered_apart(app, town):
    result = compute(app, town, core.first_response_time)
    assert result.value == 0.5  # median of 2 hours and 1 day
    assert result.series[0].values == (0.5, 1.0, 3)


def test_sla_reopened_and_first_contact_resolution(app, town):
    sla = compute(app, town, core.sla_compliance)
    assert sla.value == 50.0 and series(sla, "count") == {str(town.voirie): 2}
    reopened = compute(app, town, core.reopened)
    assert reopened.value == 25.0 and reopened.series[0].values == (1, 4)
    contacts = compute(app, town, core.first_contact_resolution)
    assert contacts.value == 75.0
    assert series(contacts, "rate") == {"guichet": 66.7, "telephone": 100.0}


def test_backlog_is_rebuilt_day_by_day(app, town):
    result = compute(app, town, core.backlog)
    assert result.value == 3  # R4, R5 and the old one
    values = dict(zip([k for k, _l in result.categories], result.series[0].values))
    assert values["2026-10-01"] == 3 and values["2026-10-05"] == 3 and values["2026-10-06"] == 4
    assert values["2026-10-31"] == 3


def test_the_queue_as_it_stands(app, town):
    new = compute(app, town, core.received_not_processed)
    assert new.value == 2 and series(new) == {str(town.voirie): 2}
    channels = compute(app, town, core.in_progress_by_channel)
    assert series(channels) == {"guichet": 2, "email": 1}
    assert compute(app, town, core.overdue).value == 1
    per_agent = compute(app, town, core.workload_per_agent)
    assert per_agent.categories == (("None", "Personne (à attribuer)"),)
    assert per_agent.drilldown["None"] == {"kind": "active", "assignee": "none"}
    by_service = compute(app, town, core.by_service)
    assert series(by_service, "new") == {str(town.voirie): 2} and series(by_service, "open") == {str(town.voirie): 1}


def test_due_this_week(app, town):
    from grc_core.indicators.sql import local_midnight
    from grc_core.workflows.deadlines import local_date

    # The clock of this test, not the module's NOW (minutes old in a long run): due halfway
    # between now and the end of the commune's week, so neither overdue nor next week.
    now = datetime.now(UTC)
    today = local_date(now)
    end_of_week = local_midnight(today + timedelta(days=7 - today.weekday()))
    with in_commune(app, town.id):
        add(town, "2026-00100", town.bacs, town.voirie, "guichet", now, due=now + (end_of_week - now) / 2,
            kind="open")
        db.session.commit()
    filters = IndicatorFilters(start=today, end=today, today=today)
    assert compute(app, town, core.due_this_week, filters).value == 1


# --- pure helpers ------------------------------------------------------------------

@pytest.mark.parametrize("days, expected_median, expected_p90", [
    ([], None, None),
    ([4], 4.0, 4.0),
    ([1, 2, 10, 17], 6.0, 17.0),
    (list(range(1, 11)), 5.5, 9.0),
    (list(range(1, 12)), 6.0, 10.0),
    (list(range(1, 71)), 35.5, 63.0),
])
def test_median_and_nearest_rank_percentile_of_a_histogram(days, expected_median, expected_p90):
    histogram = {}
    for d in days:
        histogram[d * 24] = histogram.get(d * 24, 0) + 1
    assert figures(histogram) == (len(days), expected_median, expected_p90)


HOUR, DAY = 3600, 86400


@pytest.mark.parametrize("today, start, end, months, add, remove", [
    # This month up to today: its histogram, less the days still to come (empty).
    ("2026-11-28", "2026-11-01", "2026-11-28", ["2026-11-01"], [], [("2026-11-29", "2026-11-30")]),
    # However early in the month: its days so far are all in the period.
    ("2026-12-07", "2026-12-01", "2026-12-07", ["2026-12-01"], [], [("2026-12-08", "2026-12-31")]),
    ("2026-12-01", "2026-12-01", "2026-12-01", ["2026-12-01"], [], [("2026-12-02", "2026-12-31")]),
    # Today alone, a week into the month: from the requests.
    ("2026-12-07", "2026-12-07", "2026-12-07", [], [("2026-12-07", "2026-12-07")], []),
    # Last month like for like: less its last three days.
    ("2026-11-28", "2026-10-01", "2026-10-28", ["2026-10-01"], [], [("2026-10-29", "2026-10-31")]),
    # Twelve months.
    ("2026-11-28", "2025-12-01", "2026-11-28",
     [f"{y}-{m:02d}-01" for y, m in [(2025, 12)] + [(2026, m) for m in range(1, 12)]],
     [], [("2026-11-29", "2026-11-30")]),
    # A day, a week across two months: from the requests.
    ("2026-11-28", "2026-11-28", "2026-11-28", [], [("2026-11-28", "2026-11-28")], []),
    ("2026-11-28", "2026-09-28", "2026-10-04", [], [("2026-09-28", "2026-09-30"), ("2026-10-01", "2026-10-04")], []),
    # Around a whole month; half of a leap February is enough.
    ("2026-11-28", "2026-09-25", "2026-11-03", ["2026-10-01"],
     [("2026-09-25", "2026-09-30"), ("2026-11-01", "2026-11-03")], []),
    ("2028-03-01", "2028-02-01", "2028-02-15", ["2028-02-01"], [], [("2028-02-16", "2028-02-29")]),
    ("2028-03-01", "2028-02-01", "2028-02-14", [], [("2028-02-01", "2028-02-14")], []),
    # The first week of a month now over: a quarter of its days, from the requests.
    ("2026-12-07", "2026-11-01", "2026-11-07", [], [("2026-11-01", "2026-11-07")], []),
])
def test_a_period_reads_the_months_it_mostly_covers_from_the_histograms(today, start, end, months, add, remove):
    from grc_core.indicators.durations import plan

    days = lambda pairs: [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in pairs]  # noqa: E731
    assert plan(date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(today)) == (
        [date.fromisoformat(m) for m in months], days(add), days(remove))


@pytest.mark.parametrize("seconds, upper_hours", [
    (-5 * DAY, 0), (0, 0), (1, 0), (60, 1), (HOUR, 1), (HOUR + 60, 2), (47.5 * HOUR, 48), (2 * DAY, 48),
    (2 * DAY + 60, 72), (3 * DAY, 72), (3 * DAY + 60, 96), (400 * DAY, 400 * 24),
])
def test_durations_are_binned_to_the_hour_under_two_days_and_to_the_day_beyond(app, seconds, upper_hours):
    from sqlalchemy import literal, select

    from grc_core.indicators.durations import bin_expression

    assert bin_of(seconds) == upper_hours
    with app.app_context():
        assert db.session.scalar(select(bin_expression(literal(seconds / DAY)))) == upper_hours


@pytest.mark.parametrize("preset, start, end", [
    ("today", date(2026, 11, 28), date(2026, 11, 28)),
    ("week", date(2026, 11, 23), date(2026, 11, 28)),
    ("month", date(2026, 11, 1), date(2026, 11, 28)),
    ("12m", date(2025, 12, 1), date(2026, 11, 28)),
])
def test_presets_end_today(preset, start, end):
    period = period_of(preset, date(2026, 11, 28))
    assert (period.start, period.end) == (start, end)


def test_previous_periods():
    assert period_of("month", date(2026, 3, 31)).previous() == Period("month", date(2026, 2, 1), date(2026, 2, 28))
    assert period_of("month", date(2026, 11, 28)).previous() == Period("month", date(2026, 10, 1), date(2026, 10, 28))
    assert period_of("week", date(2026, 11, 25)).previous() == Period("week", date(2026, 11, 16), date(2026, 11, 18))
    assert period_of("12m", date(2026, 11, 28)).previous() == Period("12m", date(2024, 12, 1), date(2025, 11, 30))
    custom = period_of("custom", date(2026, 11, 28), date(2026, 10, 1), date(2026, 10, 10))
    assert custom.previous() == Period("custom", date(2026, 9, 21), date(2026, 9, 30))


@pytest.mark.parametrize("start, end, code", [
    (date(2026, 10, 10), date(2026, 10, 1), "inverted"),
    (date(1999, 12, 31), date(2026, 1, 1), "too_early"),
    (date(2026, 12, 1), date(2026, 12, 31), "future"),
    (date(2005, 1, 1), date(2026, 1, 1), "too_long"),
    (None, date(2026, 1, 1), "missing"),
])
def test_absurd_periods_are_refused_with_their_reason(start, end, code):
    with pytest.raises(PeriodError) as refused:
        period_of("custom", date(2026, 11, 28), start, end)
    assert refused.value.code == code
    with pytest.raises(PeriodError):
        period_of("fortnight", date(2026, 11, 28))


def test_granularity_and_buckets():
    assert period_of("month", date(2026, 11, 28)).granularity == "day"
    assert period_of("12m", date(2026, 11, 28)).granularity == "month"
    assert period_of("custom", date(2026, 11, 28), date(2026, 6, 1), date(2026, 9, 30)).granularity == "week"
    assert period_of("custom", date(2026, 11, 28), date(2024, 1, 1), date(2026, 1, 1)).granularity == "month"
    assert buckets(date(2026, 1, 31), date(2026, 4, 2), "month") == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert buckets(date(2026, 11, 25), date(2026, 12, 7), "week") == [
        date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]
    assert trend(120, 100) == 20.0 and trend(5, 0) is None and trend(None, 3) is None


def test_the_database_bins_durations_as_python_does(app, town):
    """duration_percentiles (binned by the database) against bin_of and the
    plain definitions of a median and a nearest-rank percentile."""
    import random
    import statistics

    from sqlalchemy import select

    from grc_core.indicators.durations import ALL, duration_percentiles
    from grc_core.indicators.sql import days_between

    rng = random.Random(3)
    with in_commune(app, town.id):
        for n in range(37):
            received = at("2026-06-01") + timedelta(minutes=rng.randrange(0, 120_000))
            add(town, f"2026-1{n:04d}", town.bacs if n % 3 else town.attestation, town.voirie, "web", received,
                closed=received + timedelta(minutes=rng.randrange(1, 50_000)))
        db.session.flush()
        statement = select(Request.request_type_id, days_between(Request.received_at, Request.closed_at)).where(
            Request.closed_at.is_not(None))
        computed = duration_percentiles(statement)
        rows = [(r.request_type_id, bin_of((r.closed_at - r.received_at).total_seconds()))
                for r in db.session.scalars(select(Request).where(Request.closed_at.is_not(None)))]
        db.session.rollback()
    for key in (town.bacs, town.attestation, ALL):
        bins = sorted(upper / 24 for k, upper in rows if key is ALL or k == key)
        count, middle, p90 = computed[key]
        assert count == len(bins)
        assert middle == pytest.approx(statistics.median(bins))
        assert p90 == pytest.approx(bins[-(-len(bins) * 9 // 10) - 1])
