"""The daily counters and the monthly histograms of durations of the
dashboards follow every change of a request — filing, closing, reopening, a
new service, a deletion — in its transaction, and give the same figures as
the requests themselves."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.indicators import core, daily
from grc_core.models import (
    Citizen, Commune, Membership, Request, RequestChannelStat, RequestDayStat, RequestDurationStat, User,
)
from grc_core.plugin_api.testing import in_commune, make_agent
from grc_core.plugin_api import IndicatorFilters
from grc_core.requests.service import create_request
from grc_core.workflows.deadlines import local_date
from grc_core.workflows.engine import apply_transition
from tests.test_indicators import OCTOBER, town  # noqa: F401 — the fixture
from tests.test_requests import make_citizen, setup_commune

COUNTED = ("received_over_time", "throughput", "backlog", "received_by_type", "received_by_service",
           "received_by_domain", "received_by_channel", "sla_compliance", "reopened", "processing_time",
           "first_response_time")


def counters(app, commune_id) -> dict:
    with in_commune(app, commune_id):
        rows = db.session.scalars(select(RequestDayStat)).all()
        return {(r.day, r.service_id, r.request_type_id): tuple(getattr(r, m) for m in daily.MEASURES)
                for r in rows if any(getattr(r, m) for m in daily.MEASURES)}


def per_channel(app, commune_id) -> dict:
    with in_commune(app, commune_id):
        return {(r.day, r.service_id, r.channel): r.received
                for r in db.session.scalars(select(RequestChannelStat)) if r.received}


def histograms(app, commune_id) -> dict:
    """The per-state rows (the processing time's roll-up over every state apart)."""
    with in_commune(app, commune_id):
        return {(r.month, r.service_id, r.request_type_id, r.measure, r.bin_hours): r.count
                for r in db.session.scalars(select(RequestDurationStat)) if r.count and r.state != "*"}


def recounted(app, commune_id) -> tuple[dict, dict, dict]:
    """The counters and histograms recomputed from scratch, then put back as they were."""
    with in_commune(app, commune_id):
        daily.rebuild(commune_id)
        db.session.flush()
        rows = db.session.scalars(select(RequestDayStat)).all()
        days = {(r.day, r.service_id, r.request_type_id): tuple(getattr(r, m) for m in daily.MEASURES)
                for r in rows if any(getattr(r, m) for m in daily.MEASURES)}
        bins = {(r.month, r.service_id, r.request_type_id, r.measure, r.bin_hours): r.count
                for r in db.session.scalars(select(RequestDurationStat)) if r.count and r.state != "*"}
        channels = {(r.day, r.service_id, r.channel): r.received
                    for r in db.session.scalars(select(RequestChannelStat)) if r.received}
        db.session.rollback()
        return days, bins, channels


def kept(app, commune_id) -> tuple[dict, dict, dict]:
    return counters(app, commune_id), histograms(app, commune_id), per_channel(app, commune_id)


def test_counters_follow_filing_closing_reopening_moving_and_deleting(app):
    place = setup_commune(app)
    make_agent(app, place.id, "agent@a.fr", "admin")
    citizen = make_citizen(app, place.id)
    with in_commune(app, place.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        request, errors = create_request(request_type=place.bacs, citizen=db.session.get(Citizen, citizen),
                                         channel="guichet",
                                         formdata={"motif": "Bac cassé"}, actor=agent)
        assert not errors
        db.session.commit()
        request_id = request.id
    today = local_date(datetime.now(timezone.utc))
    assert counters(app, place.id) == {(today, place.voirie, place.bacs): (1, 0, 0, 0, 0)}
    assert per_channel(app, place.id) == {(today, place.voirie, "guichet"): 1}
    assert histograms(app, place.id) == {}
    with in_commune(app, place.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        request = db.session.get(Request, request_id)
        membership = db.session.scalar(select(Membership).where(Membership.user_id == agent.id))
        for code in ("prendre", "clore"):
            apply_transition(request, code, actor=agent, membership=membership)
    assert counters(app, place.id) == {(today, place.voirie, place.bacs): (1, 1, 1, 1, 0)}
    # Taken and closed within the second: both durations in the bin of none.
    month = today.replace(day=1)
    assert histograms(app, place.id) == {(month, place.voirie, place.bacs, "processing", 0): 1,
                                         (month, place.voirie, place.bacs, "first_response", 0): 1}
    with in_commune(app, place.id):
        request = db.session.get(Request, request_id)
        request.closed_at, request.state_kind, request.reopened_count = None, "open", 1
        request.service_id = place.accueil
        db.session.commit()
    assert counters(app, place.id) == {(today, place.accueil, place.bacs): (1, 0, 0, 0, 0)}
    assert histograms(app, place.id) == {(month, place.accueil, place.bacs, "first_response", 0): 1}
    assert per_channel(app, place.id) == {(today, place.accueil, "guichet"): 1}
    assert kept(app, place.id) == recounted(app, place.id)
    with in_commune(app, place.id):
        db.session.delete(db.session.get(Request, request_id))
        db.session.commit()
    assert kept(app, place.id) == ({}, {}, {})


def test_a_rolled_back_change_leaves_the_counters_as_they_were(app, town):  # noqa: F811
    before = kept(app, town.id)
    with in_commune(app, town.id):
        db.session.add(Request(reference="2026-09999", request_type_id=town.bacs, service_id=town.voirie,
                               channel="guichet", priority="normale", state="nouvelle", state_kind="new",
                               data={}, workflow_id=town.workflow))
        db.session.flush()
        db.session.rollback()
    assert kept(app, town.id) == before


def test_the_counters_match_a_recount(app, town):  # noqa: F811
    assert kept(app, town.id) == recounted(app, town.id)


@pytest.mark.parametrize("name", COUNTED)
def test_counters_and_requests_give_the_same_figures(app, town, monkeypatch, name):  # noqa: F811
    indicator = getattr(core, name)
    twelve_months = IndicatorFilters(start=date(2025, 11, 1), end=date(2026, 10, 31), today=OCTOBER.today,
                                     granularity="month")
    voirie = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today,
                              service_ids=frozenset({town.voirie}), request_type="bacs")
    # Whole October from the histograms, the days of September and
    # November around it from the requests.
    around = IndicatorFilters(start=date(2026, 9, 15), end=date(2026, 11, 3), today=OCTOBER.today)
    this_month = IndicatorFilters(start=date(2026, 10, 1), end=date(2026, 10, 16), today=date(2026, 10, 16))
    guichet = IndicatorFilters(start=OCTOBER.start, end=OCTOBER.end, today=OCTOBER.today, channel="guichet")
    for filters in (OCTOBER, twelve_months, voirie, around, this_month, guichet):
        with in_commune(app, town.id):
            commune = db.session.get(Commune, town.id)
            from_counters = indicator(commune, filters)
            monkeypatch.setattr(daily, "answers", lambda f: False)
            monkeypatch.setattr(daily, "answers_per_channel", lambda f: False)
            from_requests = indicator(commune, filters)
            monkeypatch.undo()
        assert from_counters == from_requests
        assert from_counters.value is not None or name not in ("processing_time", "first_response_time")


def test_grc_indicators_rebuild(app, town):  # noqa: F811
    with in_commune(app, town.id):
        db.session.execute(RequestDayStat.__table__.delete())
        db.session.execute(RequestDurationStat.__table__.delete())
        db.session.execute(RequestChannelStat.__table__.delete())
        db.session.commit()
    assert kept(app, town.id) == ({}, {}, {})
    result = app.test_cli_runner().invoke(cli, ["indicators", "rebuild", "--commune", "villeneuve"])
    assert result.exit_code == 0, result.output
    assert "ligne(s) de compteurs et d'histogrammes recalculée(s)" in result.output
    assert kept(app, town.id) == recounted(app, town.id) != ({}, {}, {})


def test_another_communes_requests_never_reach_the_counters_read(app, town):  # noqa: F811
    """Same type codes, same services, same days: the other commune's rows stay its own."""
    from tests.test_indicators import add, at, compute

    names = ("received_by_channel", "processing_time", "first_response_time", "throughput", "received_by_type")
    before = {name: compute(app, town, getattr(core, name)) for name in names}
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    with in_commune(app, other.id):
        for n in range(5):
            add(other, f"2026-0900{n}", other.bacs, other.voirie, "web", at("2026-10-03"),
                closed=at("2026-10-20"), first=at("2026-10-04"))
        db.session.commit()
    assert {name: compute(app, town, getattr(core, name)) for name in names} == before
    assert compute(app, other, core.processing_time).value == 17.0


def test_the_processing_times_roll_up_is_the_sum_of_its_states(app, town):
    """Under the state « * », each (month, service, type, bin) of the processing
    time holds the sum of its closing states' rows — kept so by every flush."""
    from collections import Counter

    from grc_core.indicators.durations import ANY_STATE, PROCESSING

    with in_commune(app, town.id):
        rows = [(r.month, r.service_id, r.request_type_id, r.measure, r.state, r.bin_hours, r.count)
                for r in db.session.scalars(select(RequestDurationStat)) if r.count]
    summed, rolled = Counter(), {}
    for month, service, type_id, measure, state, upper, n in rows:
        if measure != PROCESSING:
            continue
        if state == ANY_STATE:
            rolled[(month, service, type_id, upper)] = n
        else:
            summed[(month, service, type_id, upper)] += n
    assert summed and rolled == dict(summed)


def test_the_migration_rolls_up_the_stored_processing_times(tmp_path_factory):
    """c0a1e0000034 on a database holding histograms: each (month, service,
    type, bin) of the processing time gets the sum of its states under « * »;
    the first response time, kept without states, gets nothing."""
    import flask_migrate
    from sqlalchemy import text

    from grc_core import create_app
    from grc_core.plugin_api.testing import database_url_for_tests, reset_database

    url = database_url_for_tests(tmp_path_factory, "duration_rollup", own=True)
    reset_database(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "PLUGINS": [],
                      "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    with app.app_context():
        flask_migrate.upgrade(revision="c0a1e0000033")
        db.session.execute(text(
            "INSERT INTO commune (id, name, insee_code, slug, hostnames, settings, active, created_at) "
            "VALUES (7, 'Ville', '45001', 'ville', '', '{}', :yes, '2026-01-01 00:00:00')"), {"yes": True})
        for measure, state, upper, count in [("processing", "close", 24, 3), ("processing", "refusee", 24, 2),
                                             ("processing", "close", 48, 1), ("first_response", "", 24, 5)]:
            db.session.execute(text(
                "INSERT INTO request_duration_stat (commune_id, measure, month, service_id, request_type_id, state, "
                "bin_hours, count) VALUES (7, :m, '2026-11-01', 1, 2, :s, :b, :c)"),
                {"m": measure, "s": state, "b": upper, "c": count})
        db.session.commit()
        flask_migrate.upgrade(revision="heads")
        rolled = db.session.execute(text(
            "SELECT measure, bin_hours, count FROM request_duration_stat WHERE state = '*' ORDER BY bin_hours")).all()
        assert [tuple(row) for row in rolled] == [("processing", 24, 5), ("processing", 48, 1)]
        db.session.remove()
        db.engine.dispose()
