"""A confidential type (the ``secret`` test plugin's, guarded like the CCAS's)
is never surveyed unless the commune enables it for that type, and its
results stay hidden below the type's minimum count of answers."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Citizen, Consent, OutboxMessage, RequestType, db, local_date, utcnow
from grc_core.plugin_api.testing import (
    apply_as, build_test_app, empty_tables, file_request_as, in_commune, login, make_agent, make_commune, post_form,
    run_tick,
)
from plugins.enquetes import surveys
from plugins.enquetes.models import SurveyInvitation


@pytest.fixture(scope="module")
def secret_app(tmp_path_factory):
    app = build_test_app(tmp_path_factory, plugins=["enquetes", "secret"],
                         extra_plugins={"secret": "tests.plugins.secret"}, name="enquetes_secret", own_database=True)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def town(secret_app):
    app = secret_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["enquetes", "secret"],
                           hostnames="villeneuve.example.org")
    make_agent(app, commune, "admin@a.fr", "admin", permissions=["secret.read"])
    make_agent(app, commune, "chef@a.fr", "manager")
    with in_commune(app, commune):
        citizen = Citizen(first_name="Alice", last_name="Habitant", email="alice@x.fr")
        db.session.add(citizen)
        db.session.flush()
        db.session.add(Consent(citizen_id=citizen.id, channel="email", purpose=surveys.PURPOSE))
        db.session.commit()
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "secret.dossier"))
        citizen_id = citizen.id
    yield {"app": app, "commune": commune, "citizen": citizen_id, "type": type_id}
    empty_tables(app)


def configure(town, **change):
    client = town["app"].test_client()
    login(client, "admin@a.fr")
    settings = {"enabled": "y", "trigger_states": ["clos"], "delay": "0", "delay_unit": "hours", "valid_days": "30",
                "bad_action": "none", "reopen_transition": "", "min_count": "5", **change}
    assert post_form(client, f"/admin/enquetes/settings/{town['type']}", settings).status_code == 302


def close_one(town, at):
    request_id = file_request_as(town["app"], town["commune"], "admin@a.fr", town["type"], town["citizen"],
                                 {"motif": "Aide"}, now=at)
    apply_as(town["app"], town["commune"], "admin@a.fr", request_id, "clore", now=at)
    return request_id


def invited(town):
    with in_commune(town["app"], town["commune"]):
        return list(db.session.scalars(select(SurveyInvitation.request_id)))


def test_never_surveyed_unless_enabled_for_the_type(town):
    configure(town)
    close_one(town, utcnow())
    assert invited(town) == []
    configure(town, confidential_allowed="y")
    second = close_one(town, utcnow())
    assert invited(town) == [second]


def test_results_hidden_below_the_minimum_count(town):
    configure(town, confidential_allowed="y", min_count="2")
    app = town["app"]
    at = utcnow() - timedelta(days=1)
    close_one(town, at)
    run_tick(app, at + timedelta(minutes=1))
    with in_commune(app, town["commune"]):
        body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.subject.contains("votre avis"))).one()
    link = re.search(r"https://villeneuve\.example\.org(/c/villeneuve/enquetes/r/\S+)/5\b", body).group(1)
    app.test_client().get(f"{link}/5")
    chief = app.test_client()
    chief.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(chief, "chef@a.fr")
    page = chief.get("/admin/enquetes/results/").get_data(as_text=True)
    assert "too few answers for no one to be recognised: Dossier secret." in page
    assert "100.0 %" not in page and ">5.0<" not in page
    assert "Dossier secret" not in chief.get("/admin/enquetes/results/export.csv").get_data(as_text=True)
    # Nor on the agent-level figures of whoever handled it.
    with in_commune(app, town["commune"]):
        agent_id = db.session.scalar(select(SurveyInvitation.agent_id))
    assert agent_id is not None
    agent_page = chief.get(f"/admin/enquetes/agents/?agent={agent_id}").get_data(as_text=True)
    assert "too few answers for no one to be recognised: Dossier secret." in agent_page
    assert "100.0 %" not in agent_page
    assert "Dossier secret" not in chief.get(f"/admin/enquetes/agents/export.csv?agent={agent_id}").get_data(
        as_text=True)
    configure(town, confidential_allowed="y", min_count="1")
    page = chief.get("/admin/enquetes/results/").get_data(as_text=True)
    assert "too few answers" not in page and "100.0 %" in page
    assert "100.0 %" in chief.get(f"/admin/enquetes/agents/?agent={agent_id}").get_data(as_text=True)
    # The chief may not read the file: its figures, never its comment or reference.
    assert 'id="verbatims"' not in page or "secret" not in page.split('id="verbatims"')[1]


def test_dashboard_figures_leave_out_a_confidential_type_below_its_count(town):
    """Below its threshold a confidential type counts in no dashboard figure; above, its answers count
    in the figure, and a viewer who may not read the files sees them counted, not listed."""
    from html import unescape

    configure(town, confidential_allowed="y", min_count="2")
    app = town["app"]
    at = utcnow() - timedelta(days=1)
    request_id = close_one(town, at)
    with in_commune(app, town["commune"]):
        invitation = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.request_id == request_id))
        invitation.status, invitation.sent_at, invitation.score, invitation.answered_at = "answered", at, 5, at
        db.session.commit()
    chief = app.test_client()
    chief.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(chief, "chef@a.fr")

    def figure():
        day = local_date(at).isoformat()
        html = chief.get(f"/admin/dashboards/strategic/?period=custom&start={day}&end={day}").get_data(as_text=True)
        start = html.index('data-widget="enquetes.satisfaction.strategic"')
        section = html[start:html.index("</section>", start)]
        link = re.search(r'class="grc-number"[^>]*>\s*<a href="([^"]+)"', section)
        return re.search(r'data-value="([^"]*)"', section).group(1), unescape(link.group(1)) if link else None

    assert figure()[0] == ""
    configure(town, confidential_allowed="y", min_count="1")
    value, link = figure()
    assert value == "5.0"
    page = chief.get(link).get_data(as_text=True)
    assert "1 closing survey counted" in page and "1 of them is a request you may not read" in page
    assert "secret" not in page.split('id="surveyed-requests"')[1].lower()
