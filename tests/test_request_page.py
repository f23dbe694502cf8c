"""The request page: what it shows (escaped), transitions, messages,
assignment, and two agents acting on the same request."""
import re

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import OutboxMessage, Request, RequestEvent
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from test_requests import file_request, make_citizen, setup_commune, signed_in, user_id

XSS = "<script>alert(1)</script>"
VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.citizen = make_citizen(app, town.id, first=f"Jeanne{XSS}")
    town.request, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, citizen_id=town.citizen,
                                   subject=f"Bacs {XSS}", location=XSS, data={"motif": f"Motif {XSS}", "nombre": "2"})
    return town


def page(client, request_id):
    return client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)


def post(client, request_id, action, data):
    data = {"csrf_token": csrf_token(client, f"/admin/requests/{request_id}/"), **data}
    return client.post(f"/admin/requests/{request_id}/{action}", data=data)


def test_the_page_shows_data_dates_state_and_history_with_user_text_escaped(app, town):
    client = signed_in(app, "agent@a.fr")
    html = page(client, town.request)
    assert XSS not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4  # subject, citizen, location, form data
    assert "-00001" in html
    assert "Nombre de poubelles" in html and "Nouvelle" in html
    assert "Prendre en charge" in html  # the transition this agent may apply
    assert 'data-kind="created"' in html and 'data-kind="routed"' in html
    assert f'href="/admin/citizens/{town.citizen}/"' in html  # the citizen's 360° page


def test_each_line_of_the_history_says_what_happened_and_who_did_it(app, town):
    with in_commune(app, town.id):
        filed = db.session.get(Request, town.request)
        db.session.add(RequestEvent(request_id=filed.id, commune_id=town.id, at=filed.received_at, kind="timer",
                                    actor_id=None, from_state="nouvelle", to_state="en_cours", details={}))
        db.session.commit()
    history = page(signed_in(app, "agent@a.fr"), town.request).split('id="history"')[1].split("</ol>")[0]
    lines = [" ".join(re.sub(r"<[^>]+>", " ", line).split()) for line in history.split("<li")[1:]]
    assert lines[0].endswith("· Agent Filed — Channel: Counter"), lines
    assert lines[-1].endswith("· System Automatic action — Nouvelle → En cours"), lines


def test_a_transition_moves_the_request_and_shows_in_the_history(app, town):
    client = signed_in(app, "agent@a.fr")
    version = VERSION.search(page(client, town.request)).group(1)
    response = post(client, town.request, "transition", {"transition": "prendre", "version": version})
    assert response.status_code == 302
    html = page(client, town.request)
    assert "Nouvelle → En cours" in html
    with in_commune(app, town.id):
        assert db.session.get(Request, town.request).state == "en_cours"


def test_a_refused_transition_says_why_and_changes_nothing(app, town):
    client = signed_in(app, "agent@a.fr")
    response = post(client, town.request, "transition", {"transition": "clore"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is not possible while the request is" in html
    with in_commune(app, town.id):
        assert db.session.get(Request, town.request).state == "nouvelle"


def test_two_agents_on_the_same_request_one_wins_the_other_is_told(app, town):
    make_agent(app, town.id, "agent2@a.fr", "agent", services=["voirie"])
    first, second = signed_in(app, "agent@a.fr"), signed_in(app, "agent2@a.fr")
    seen_first = VERSION.search(page(first, town.request)).group(1)
    seen_second = VERSION.search(page(second, town.request)).group(1)
    assert post(first, town.request, "transition", {"transition": "prendre", "version": seen_first}).status_code == 302
    late = post(second, town.request, "assign", {"assignee": "", "version": seen_second})
    assert late.status_code == 409
    assert "changed by someone else" in late.get_data(as_text=True)
    late = post(second, town.request, "transition", {"transition": "prendre", "version": seen_second})
    assert late.status_code == 409 and "changed by someone else" in late.get_data(as_text=True)
    with in_commune(app, town.id):
        kinds = [e.kind for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == town.request).order_by(RequestEvent.id))]
        assert kinds.count("transition") == 1 and "assigned" not in kinds


def test_messages_public_and_internal_are_shown_escaped_and_a_stale_one_keeps_its_text(app, town):
    client = signed_in(app, "agent@a.fr")
    version = VERSION.search(page(client, town.request)).group(1)
    assert post(client, town.request, "message",
                {"body": f"Bonjour {XSS}", "visibility": "public", "version": version}).status_code == 302
    html = page(client, town.request)
    assert XSS not in html and "Bonjour &lt;script&gt;" in html and "To the citizen" in html
    stale = post(client, town.request, "message", {"body": "Trop tard", "visibility": "note", "version": version})
    assert stale.status_code == 409 and "Trop tard</textarea>" in stale.get_data(as_text=True)
    with in_commune(app, town.id):
        bodies = [m.body for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
        # Plain-text e-mail: as written, then the links to the portal and to unsubscribe.
        assert bodies[-1].startswith(f"Bonjour {XSS}\n\n-- \n")
        assert db.session.get(Request, town.request).first_response_at is not None


def test_assignment_from_the_page(app, town):
    client = signed_in(app, "agent@a.fr")
    version = VERSION.search(page(client, town.request)).group(1)
    refused = post(client, town.request, "assign", {"assignee": "987654", "version": version})
    assert refused.status_code == 409 and "not an agent of the commune" in refused.get_data(as_text=True)
    me = user_id(app, "agent@a.fr")
    assert post(client, town.request, "assign", {"assignee": str(me), "version": version}).status_code == 302
    assert "Assigned to Agent" in page(client, town.request)
    with in_commune(app, town.id):
        assert db.session.get(Request, town.request).assignee_id == me


def test_another_communes_request_is_404(app, town):
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    make_agent(app, other.id, "agent@b.fr", "agent")
    client = signed_in(app, "agent@b.fr")
    assert client.get(f"/admin/requests/{town.request}/").status_code == 404
    response = client.post(f"/admin/requests/{town.request}/transition",
                           data={"csrf_token": csrf_token(client, "/admin/requests/"), "transition": "prendre"})
    assert response.status_code == 404


def test_an_elu_has_no_request_pages(app, town):
    make_agent(app, town.id, "elu@a.fr", "elu")
    client = signed_in(app, "elu@a.fr")
    assert client.get(f"/admin/requests/{town.request}/").status_code == 403
    assert client.get("/admin/requests/").status_code == 403
    assert client.get("/admin/intake/").status_code == 403
    assert 'data-count="todo"' not in client.get("/admin/").get_data(as_text=True)
