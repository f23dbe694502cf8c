"""The closing surveys' results on a known data set: per channel and per
month (the figures computed exactly), the comments' filters, the exports,
and the agent-level figures — an agent's own only, every agent's for
managers (checked on the server: 403, 404 for another commune's agent)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Request, User, db
from grc_core.plugin_api.testing import file_request_as, in_commune
from plugins.enquetes.models import SurveyInvitation
from plugins.enquetes.tests.test_surveys import client_of, configure, town  # noqa: F401  (town: the fixture)

PERIOD = "from=2026-09-01&to=2026-10-31"
# channel, agent, sent on, score, resolved, comment (score None: sent, not answered).
DATA = (
    ("email", "agent@a.fr", datetime(2026, 9, 10, 9, tzinfo=timezone.utc), 5, "yes", "Parfait"),
    ("email", "agent@a.fr", datetime(2026, 9, 20, 9, tzinfo=timezone.utc), 2, "no", "Trop lent"),
    ("sms", "chef@a.fr", datetime(2026, 10, 5, 9, tzinfo=timezone.utc), 4, "partly", ""),
    ("portal", "chef@a.fr", datetime(2026, 10, 15, 9, tzinfo=timezone.utc), None, "", ""),
    # Outside the period: counted nowhere.
    ("email", "agent@a.fr", datetime(2026, 11, 15, 9, tzinfo=timezone.utc), 1, "no", "Hors période"),
)


@pytest.fixture
def answered(town):
    configure(town)
    app, commune = town["app"], town["commune"]
    with in_commune(app, commune):
        users = {u.email: u.id for u in db.session.scalars(select(User))}
    for channel, agent, at, score, resolved, comment in DATA:
        request_id = file_request_as(app, commune, "agent@a.fr", town["type"], town["oui"], {}, now=at)
        with in_commune(app, commune):
            request = db.session.get(Request, request_id)
            db.session.add(SurveyInvitation(
                request_id=request_id, citizen_id=town["oui"], request_type_id=town["type"],
                service_id=request.service_id, closed_at=at, due_at=at, site_url="https://villeneuve.example.org/",
                status="sent" if score is None else "answered", sent_at=at, expires_at=at + timedelta(days=30),
                score=score, resolved=resolved, comment=comment, channel=channel, agent_id=users[agent],
                answered_at=None if score is None else at + timedelta(hours=2),
                completed_at=None if score is None else at + timedelta(hours=2)))
            db.session.commit()
    return {**town, "users": users}


def cells(page, table_id):
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    return [[c.strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


def test_results_per_channel_and_per_month_are_exact(answered):
    page = client_of(answered["app"], "chef@a.fr").get(f"/admin/enquetes/results/?{PERIOD}").get_data(as_text=True)
    # Invited, answers, rate, mean, 1..5, resolved (yes among those who said), net (4–5 minus 1–2).
    assert cells(page, "results-channels") == [
        ["Citizen portal (for an account, else by e-mail)", "1", "0", "0.0 %", "—", "0", "0", "0", "0", "0", "—", "—"],
        ["E-mail", "2", "2", "100.0 %", "3.5", "0", "1", "0", "0", "1", "50.0 %", "0.0"],
        ["SMS (to a mobile number, else by e-mail)", "1", "1", "100.0 %", "4.0", "0", "0", "0", "1", "0", "0.0 %",
         "100.0"],
    ]
    assert cells(page, "results-months") == [
        ["September 2026", "2", "2", "100.0 %", "3.5", "0", "1", "0", "0", "1", "50.0 %", "0.0"],
        ["October 2026", "2", "1", "50.0 %", "4.0", "0", "0", "0", "1", "0", "0.0 %", "100.0"],
    ]
    assert cells(page, "results-total") == [
        ["All", "4", "3", "75.0 %", "3.67", "0", "1", "0", "1", "1", "33.3 %", "33.3"]]
    # One channel only.
    sms = client_of(answered["app"], "chef@a.fr").get(f"/admin/enquetes/results/?{PERIOD}&channel=sms")
    assert cells(sms.get_data(as_text=True), "results-total")[0][:3] == ["All", "1", "1"]


@pytest.mark.parametrize("query, shown", [
    ("", ["Trop lent", "Parfait"]),
    ("&v_score=2", ["Trop lent"]),
    ("&v_resolved=yes", ["Parfait"]),
    ("&v_words=LENT", ["Trop lent"]),
    ("&v_score=9&v_resolved=peut-etre", ["Trop lent", "Parfait"]),  # malformed filters: ignored
])
def test_the_comments_are_filtered(answered, query, shown):
    page = client_of(answered["app"], "chef@a.fr").get(f"/admin/enquetes/results/?{PERIOD}{query}").get_data(
        as_text=True)
    listed = re.findall(r"<q>(.*?)</q>", page.split('id="verbatims"')[1]) if 'id="verbatims"' in page else []
    assert listed == shown
    assert "Hors période" not in page


def test_the_export_has_the_channels_months_and_filtered_comments(answered):
    export = client_of(answered["app"], "chef@a.fr").get(f"/admin/enquetes/results/export.csv?{PERIOD}&v_score=2")
    text = export.get_data().decode("utf-8-sig")
    assert export.status_code == 200
    assert "Channel;E-mail;2;2;100.0;3.5;0;1;0;0;1;50.0;0.0" in text.replace("\r", "")
    assert "Month;October 2026;2;1;50.0;4.0;0;0;0;1;0;0.0;100.0" in text.replace("\r", "")
    assert "Trop lent" in text and "Parfait" not in text


def test_an_agent_sees_his_own_figures_only(answered):
    app, users = answered["app"], answered["users"]
    agent = client_of(app, "agent@a.fr")
    page = agent.get(f"/admin/enquetes/agents/?{PERIOD}").get_data(as_text=True)
    assert cells(page, "agent-total") == [
        ["All", "2", "2", "100.0 %", "3.5", "0", "1", "0", "0", "1", "50.0 %", "0.0"]]
    assert 'id="agent"' not in page  # no choice of another agent
    assert "Parfait" not in page  # figures only
    # Another agent's figures: refused on the server, page and export alike.
    assert agent.get(f"/admin/enquetes/agents/?agent={users['chef@a.fr']}").status_code == 403
    assert agent.get(f"/admin/enquetes/agents/export.csv?agent={users['chef@a.fr']}").status_code == 403
    assert client_of(app, "elu@a.fr").get(f"/admin/enquetes/agents/?agent={users['agent@a.fr']}").status_code == 403


def test_a_manager_reads_every_agent_of_his_commune(answered):
    app, users = answered["app"], answered["users"]
    chef = client_of(app, "chef@a.fr")
    page = chef.get(f"/admin/enquetes/agents/?{PERIOD}&agent={users['agent@a.fr']}").get_data(as_text=True)
    assert cells(page, "agent-total")[0][:5] == ["All", "2", "2", "100.0 %", "3.5"] and 'id="agent"' in page
    own = chef.get(f"/admin/enquetes/agents/?{PERIOD}").get_data(as_text=True)
    assert cells(own, "agent-total")[0][:5] == ["All", "2", "1", "50.0 %", "4.0"]
    assert chef.get(f"/admin/enquetes/agents/?agent={users['admin@b.fr']}").status_code == 404
    assert chef.get("/admin/enquetes/agents/?agent=abc").status_code == 404
    # The export names the agent, a formula in his name written as text.
    with in_commune(app, answered["commune"]):
        db.session.get(User, users["agent@a.fr"]).full_name = "=1+1 Agent"
        db.session.commit()
    export = chef.get(f"/admin/enquetes/agents/export.csv?{PERIOD}&agent={users['agent@a.fr']}")
    text = export.get_data().decode("utf-8-sig")
    assert export.status_code == 200 and "'=1+1 Agent" in text and "Type;Signalement voirie;2;2;100.0" in text
    assert chef.get(f"/admin/enquetes/agents/export.xlsx?agent={users['agent@a.fr']}").status_code == 200


def test_months_and_numbers_read_in_the_readers_language(answered):
    """Months in words and decimal commas on a French page (« septembre 2026 », « 100,0 % »), in time order."""
    page = client_of(answered["app"], "chef@a.fr").get(
        f"/admin/enquetes/results/?{PERIOD}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    months = cells(page, "results-months")
    assert [row[0] for row in months] == ["septembre 2026", "octobre 2026"]
    assert months[0][3:5] == ["100,0 %", "3,5"] and months[1][-1] == "100,0"
