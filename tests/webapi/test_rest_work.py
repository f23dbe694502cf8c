"""The REST API works on a request as the request page does
(grc_core.webapi.rest.work): transitions with their fields under the
engine's rules, messages and attachments — and refuses what the page
refuses, with a stable code, the field at fault and nothing stored."""
from __future__ import annotations

import copy
import io

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Attachment, Message, Request, RequestEvent, Workflow
from grc_core.plugin_api.testing import in_commune
from grc_core.storage import storage
from tests.test_requests import WORKFLOW
from tests.webapi.support import api_commune, make_key

FILED = {"request_type": "voirie.signalement", "data": {"nature": "eclairage"}, "subject": "Lampadaire éteint"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The street workflow, with a transition asking for a field of the form and one of its own, and one
# only its timer applies.
STREET_WORKFLOW = copy.deepcopy(WORKFLOW)
STREET_WORKFLOW["transitions"] += [
    {"code": "planifier", "label": "Planifier", "source": ["en_cours"], "target": "attente",
     "roles": ["admin", "manager"], "permission": None, "comment_required": False,
     "required_fields": ["remarques"], "notify_citizen": False, "set_due_days": None,
     "fields": [{"name": "intervention_le", "label": "Intervention le", "type": "date", "required": True}]},
    {"code": "expirer", "label": "Expirer", "source": ["attente"], "target": "close", "roles": [],
     "permission": None, "comment_required": False, "required_fields": [], "notify_citizen": False,
     "set_due_days": None},
]
STREET_WORKFLOW["timers"] = [{"code": "sans_reponse", "state": "attente", "transition": "expirer",
                              "delay_days": 30, "delay_months": 0, "anchor": "entered_state"}]


@pytest.fixture
def town(app):
    town = api_commune(app)
    with in_commune(app, town.id):
        db.session.get(Workflow, town.workflow).definition = STREET_WORKFLOW
        db.session.commit()
    town.read = {"X-API-Key": make_key(app, town.id, scopes=("read",), name="Lecture", role="admin")}
    town.write = {"X-API-Key": make_key(app, town.id, scopes=("read", "write"), name="Connecteur", role="admin")}
    town.desk = {"X-API-Key": make_key(app, town.id, scopes=("read", "write"), name="Guichet", role="accueil")}
    return town


@pytest.fixture
def reference(client, town):
    response = client.post("/api/v1/requests", json=FILED, headers=town.write)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["request"]["reference"]


def history(app, town, reference) -> list[tuple[str, str | None]]:
    with in_commune(app, town.id):
        row = db.session.scalar(select(Request).where(Request.reference == reference))
        return [(e.kind, e.to_state) for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == row.id).order_by(RequestEvent.id))]


def count(app, town, model) -> int:
    with in_commune(app, town.id):
        return db.session.scalar(select(func.count()).select_from(model))


# --- transitions ------------------------------------------------------------------------------

def test_the_transitions_a_key_may_apply_are_listed_with_their_fields(client, town, reference):
    answer = client.get(f"/api/v1/requests/{reference}/transitions", headers=town.desk).get_json()
    assert answer["commune"]["slug"] == "villeneuve"
    assert [t["code"] for t in answer["items"]] == ["prendre"]
    client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "prendre"}, headers=town.write)
    items = client.get(f"/api/v1/requests/{reference}/transitions", headers=town.read).get_json()["items"]
    planifier = next(t for t in items if t["code"] == "planifier")
    assert planifier["required_fields"] == ["remarques"]
    assert planifier["fields"][0]["name"] == "intervention_le" and planifier["fields"][0]["required"] is True
    assert "expirer" not in [t["code"] for t in items]


def test_a_transition_with_its_fields_moves_the_request_like_the_request_page(app, client, town, reference):
    taken = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "prendre"},
                        headers=town.desk)
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["request"]["state"] == "en_cours"
    planned = client.post(f"/api/v1/requests/{reference}/transitions", headers=town.write, json={
        "transition": "planifier", "comment": "Nacelle réservée",
        "fields": {"remarques": "Accès par la cour", "intervention_le": "2026-12-10"}})
    assert planned.status_code == 200, planned.get_json()
    answer = planned.get_json()
    assert answer["event"]["from_state"] == "en_cours" and answer["event"]["to_state"] == "attente"
    assert answer["request"]["data"]["remarques"] == "Accès par la cour"
    assert history(app, town, reference)[-2:] == [("transition", "en_cours"), ("transition", "attente")]
    with in_commune(app, town.id):
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.to_state == "attente"))
        assert event.details["transition_fields"] == {"intervention_le": "2026-12-10"}
        assert event.details["comment"] == "Nacelle réservée" and event.actor_id is None


@pytest.mark.parametrize("body, status, code, field", [
    ({"transition": "planifier", "fields": {"intervention_le": "2026-12-10"}}, 400, "missing_field",
     "fields.remarques"),
    ({"transition": "planifier", "fields": {"remarques": "Cour"}}, 400, "invalid_request", "fields.intervention_le"),
    ({"transition": "planifier", "fields": {"remarques": "Cour", "intervention_le": "demain"}}, 400,
     "invalid_request", "fields.intervention_le"),
    ({"transition": "attendre"}, 400, "missing_field", "comment"),
    ({"transition": "voler"}, 400, "unknown_transition", "transition"),
    ({"transition": "prendre"}, 409, "invalid_state", "transition"),
    ({"transition": "expirer"}, 403, "forbidden", "transition"),
    ({"transition": "clore", "version": 1}, 409, "transition_refused", "transition"),
    ({"transition": 3}, 400, "invalid_parameter", "transition"),
    ({"transition": "clore", "fields": ["x"]}, 400, "invalid_parameter", "fields"),
    ({"transition": "planifier", "fields": {"remarques": "Co\u0000ur", "intervention_le": "2026-12-10"}}, 400,
     "invalid_parameter", "fields.remarques"),
])
def test_a_refused_transition_names_its_reason_and_changes_nothing(app, client, town, reference, body, status,
                                                                   code, field):
    client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "prendre"}, headers=town.write)
    before = history(app, town, reference)
    response = client.post(f"/api/v1/requests/{reference}/transitions", json=body, headers=town.write)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == (code, field), error
    assert history(app, town, reference) == before


def test_the_timer_only_transition_is_refused_even_in_its_state(app, client, town, reference):
    client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "prendre"}, headers=town.write)
    client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "attendre", "comment": "Pièce ?"},
                headers=town.write)
    before = history(app, town, reference)
    response = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "expirer"},
                           headers=town.write)
    assert response.status_code == 403
    assert "timer" in response.get_json()["error"]["message"]
    assert history(app, town, reference) == before


def test_the_role_of_the_key_decides_and_a_read_key_writes_nothing(app, client, town, reference):
    client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "prendre"}, headers=town.desk)
    before = history(app, town, reference)
    refused = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "clore"},
                          headers=town.desk)
    assert refused.status_code == 403 and refused.get_json()["error"]["field"] == "transition"
    read_only = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": "clore"},
                            headers=town.read)
    assert read_only.status_code == 403 and read_only.get_json()["error"]["code"] == "forbidden"
    assert history(app, town, reference) == before


def test_malformed_json_and_methods_the_resource_does_not_take(app, client, town, reference):
    before = history(app, town, reference)
    response = client.post(f"/api/v1/requests/{reference}/transitions", data="{transition: prendre",
                           content_type="application/json", headers=town.write)
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "body"
    for method in ("put", "delete", "patch"):
        answer = getattr(client, method)(f"/api/v1/requests/{reference}/transitions", headers=town.write)
        assert answer.status_code == 405 and answer.get_json()["error"]["code"] == "method_not_allowed"
        assert "POST" in answer.headers["Allow"]
    assert client.delete(f"/api/v1/requests/{reference}/attachments", headers=town.write).status_code == 405
    assert history(app, town, reference) == before


# --- messages and attachments ---------------------------------------------------------------

def test_messages_are_listed_oldest_first(client, town, reference):
    for body, public in (("Vu avec l'équipe", False), ("Nous intervenons jeudi.", True)):
        assert client.post(f"/api/v1/requests/{reference}/messages", json={"body": body, "public": public},
                           headers=town.write).status_code == 201
    answer = client.get(f"/api/v1/requests/{reference}/messages", headers=town.read).get_json()
    assert answer["commune"]["slug"] == "villeneuve"
    assert [(m["body"], m["public"]) for m in answer["items"]] == [
        ("Vu avec l'équipe", False), ("Nous intervenons jeudi.", True)]


def test_a_file_is_checked_stored_and_listed(app, client, town, reference):
    response = client.post(f"/api/v1/requests/{reference}/attachments", headers=town.write,
                           data={"file": (io.BytesIO(PDF), "plan.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    [added] = response.get_json()["items"]
    assert added["filename"] == "plan.pdf" and added["content_type"] == "application/pdf"
    assert added["size"] == len(PDF)
    listed = client.get(f"/api/v1/requests/{reference}/attachments", headers=town.read).get_json()["items"]
    assert listed == [added]
    with in_commune(app, town.id):
        from grc_core.requests.attachments import key_of

        stored = db.session.scalar(select(Attachment))
        assert b"".join(storage().chunks(key_of(stored))) == PDF
    assert ("attachment", None) in history(app, town, reference)


@pytest.mark.parametrize("upload, words", [
    ((io.BytesIO(b"MZ\x90\x00 not a pdf at all"), "plan.pdf"), "not accepted"),
    ((io.BytesIO(PDF), "photo.jpg"), "does not match"),
    ((io.BytesIO(b""), "vide.pdf"), "empty"),
    ((io.BytesIO(PDF + b"0" * (1024 * 1024 + 1)), "gros.pdf"), "too large"),
])
def test_a_lying_empty_or_oversized_file_is_refused_and_nothing_is_stored(app, client, town, reference, upload,
                                                                          words):
    app.config["GRC"]["MAX_ATTACHMENT_MB"] = 1
    try:
        response = client.post(f"/api/v1/requests/{reference}/attachments", headers=town.write,
                                data={"file": upload}, content_type="multipart/form-data")
    finally:
        app.config["GRC"]["MAX_ATTACHMENT_MB"] = 10
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("invalid_file", "file") and words in error["message"]
    assert count(app, town, Attachment) == 0


def test_no_file_and_a_read_key_attach_nothing(app, client, town, reference):
    nothing = client.post(f"/api/v1/requests/{reference}/attachments", headers=town.write, data={},
                          content_type="multipart/form-data")
    assert nothing.status_code == 400 and nothing.get_json()["error"]["field"] == "file"
    read_only = client.post(f"/api/v1/requests/{reference}/attachments", headers=town.read,
                            data={"file": (io.BytesIO(PDF), "plan.pdf")}, content_type="multipart/form-data")
    assert read_only.status_code == 403
    assert client.post(f"/api/v1/requests/{reference}/messages", json={"body": "x"},
                       headers=town.read).status_code == 403
    assert count(app, town, Attachment) == 0 and count(app, town, Message) == 0


def test_another_communes_key_reaches_none_of_it(app, client, town, reference):
    other = api_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    key = {"X-API-Key": make_key(app, other.id, scopes=("read", "write"), role="admin")}
    before = history(app, town, reference)
    for method, path, kwargs in (
            ("get", "transitions", {}), ("post", "transitions", {"json": {"transition": "prendre"}}),
            ("get", "messages", {}), ("get", "attachments", {}),
            ("post", "attachments", {"data": {"file": (io.BytesIO(PDF), "plan.pdf")},
                                     "content_type": "multipart/form-data"})):
        response = getattr(client, method)(f"/api/v1/requests/{reference}/{path}", headers=key, **kwargs)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]["code"] == "not_found"
    assert history(app, town, reference) == before and count(app, town, Attachment) == 0


def test_a_transition_that_notifies_writes_the_citizens_email_like_the_request_page(app, client, town):
    from grc_core.models import Citizen, OutboxMessage
    from grc_core.requests.service import create_request

    with in_commune(app, town.id):
        citizen = Citizen(first_name="Jeanne", last_name="Martin", email="jeanne@example.org")
        db.session.add(citizen)
        db.session.commit()
        created, errors = create_request(request_type=town.street, citizen=citizen, channel="guichet",
                                         formdata={"nature": "eclairage"}, actor=None)
        assert not errors
        reference = created.reference
        sent_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    for code in ("prendre", "clore"):
        response = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": code},
                               headers=town.write)
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["request"]["status"] == "closed"
    with in_commune(app, town.id):
        sent = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))[sent_before:]
        assert [message.recipient for message in sent] == ["jeanne@example.org"]
    assert history(app, town, reference)[-2:] == [("transition", "close"), ("notification", None)]
