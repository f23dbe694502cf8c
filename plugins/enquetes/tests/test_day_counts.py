"""The closing surveys counted per day (day_counts.py): after every kind of
write — a survey sent, answered, followed up, moved, deleted — the counts
give the dashboards exactly what the surveys themselves give, for any
period and filter; recounting them from the surveys changes nothing."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from grc_core.plugin_api import IndicatorFilters, Service, db, utcnow
from grc_core.plugin_api.testing import in_commune, run_tick
from plugins.enquetes import day_counts, indicators
from plugins.enquetes.models import SurveyDayStat, SurveyInvitation

from .test_dashboard_figures import surveyed
from .test_surveys import closed_request, configure, survey_link, town  # noqa: F401  (the fixture)

NOVEMBER = IndicatorFilters(start=date(2026, 11, 1), end=date(2026, 11, 30), today=date(2026, 12, 7))


def both(town, filters: IndicatorFilters = NOVEMBER):
    """(from the counts, from the surveys): the rows the figures are made of, and the figures."""
    with town["app"].test_request_context(), in_commune(town["app"], town["commune"]):
        counted = sorted(day_counts.per_type(filters), key=str)
        read = sorted((tuple(int(n) if n is not None else None for n in row) for row in indicators._per_type(filters)),
                      key=str)
        figures = indicators.figures(filters)
    return counted, read, figures


def stored_rows(town):
    with in_commune(town["app"], town["commune"]):
        return sorted((r.day, r.request_type_id, r.service_id, r.sent, r.answered, r.score_sum, r.said, r.said_yes)
                      for r in db.session.scalars(select(SurveyDayStat)) if r.sent)


def recounted(town):
    with in_commune(town["app"], town["commune"]):
        day_counts.count_all(db.session.connection(), town["commune"])
        db.session.commit()
    return stored_rows(town)


def test_counts_follow_every_write_and_agree_with_the_surveys(town):
    ids = surveyed(town, [(5, "yes"), (4, "partly"), (2, "no"), (None, ""), (3, "")])
    counted, read, figures = both(town)
    assert counted == read and figures == {"mean": 3.5, "resolved": 33.3, "rate": 80.0}
    assert counted[0][1:] == (5, 4, 14, 3, 1)
    before = stored_rows(town)
    assert recounted(town) == before

    with in_commune(town["app"], town["commune"]):
        surveys = {s.request_id: s for s in db.session.scalars(select(SurveyInvitation))}
        waiting = surveys[ids[3]]
        waiting.status, waiting.score, waiting.resolved = "answered", 1, "no"   # answered late
        surveys[ids[4]].resolved = "yes"                                          # followed up
        surveys[ids[0]].sent_at = datetime(2026, 11, 30, 23, 30, tzinfo=timezone.utc)  # 1 December in Paris
        db.session.delete(surveys[ids[1]])
        db.session.commit()
    counted, read, figures = both(town)
    assert counted == read
    assert counted[0][1:] == (3, 3, 6, 3, 1)  # ids 2, 3 (now answered 1/5), 4 (now « yes »)
    december = replace(NOVEMBER, start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert both(town, december)[0] == both(town, december)[1] != []
    assert recounted(town) == stored_rows(town)


def test_the_counts_answer_the_filters_they_keep_and_leave_the_others_to_the_surveys(town):
    surveyed(town, [(5, "yes"), (1, "no")])
    with in_commune(town["app"], town["commune"]):
        service_id = db.session.scalar(select(Service.id).where(Service.code == "voirie"))
    for filters in (replace(NOVEMBER, service_ids=frozenset({service_id})),
                    replace(NOVEMBER, service_ids=frozenset({service_id + 1000})),
                    replace(NOVEMBER, request_type="voirie"),
                    replace(NOVEMBER, start=date(2026, 11, 11))):
        assert day_counts.answers(filters)
        counted, read, _figures = both(town, filters)
        assert counted == read, filters
    assert not day_counts.answers(replace(NOVEMBER, channel="web"))
    assert not day_counts.answers(replace(NOVEMBER, agent_id=1))


def test_the_surveys_sent_and_answered_through_the_application_are_counted(town):
    configure(town)
    closed = utcnow() - timedelta(days=2)
    closed_request(town, "oui", closed)
    filters = replace(NOVEMBER, start=(closed - timedelta(days=3)).date(), end=(closed + timedelta(days=3)).date())
    assert both(town, filters)[0] == []  # pending: not sent yet
    run_tick(town["app"], closed + timedelta(hours=25))
    counted, read, _figures = both(town, filters)
    assert counted == read and counted[0][1:] == (1, 0, 0, 0, 0)
    town["app"].test_client().get(f"{survey_link(town, 4)}/4")
    counted, read, figures = both(town, filters)
    assert counted == read and counted[0][1:] == (1, 1, 4, 0, 0) and figures["mean"] == 4.0
    assert recounted(town) == stored_rows(town)
