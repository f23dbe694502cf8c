"""Signed webhooks (grc_core.webapi.webhooks): events written with the
change, posted to a real receiver on 127.0.0.1, signed as docs/api.md says
(its verification code runs here), retried with backoff, never sent to a
private address in production settings, never about a confidential file."""
from __future__ import annotations

import json
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Membership, Request, RequestType, User, WebhookDelivery, WebhookEndpoint, utcnow
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, make_commune
from grc_core.requests.service import add_message, create_request
from grc_core.webapi.webhooks import deliver_due, new_secret, target_problem
from grc_core.workflows.engine import apply_transition
from tests.webapi.support import api_commune, make_key

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def doc_verify():
    """The ``verify`` function of docs/api.md, as an integrator would paste it."""
    code = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 — our own documentation
    return namespace["verify"]


class Receiver:
    """An HTTP server on 127.0.0.1 answering each POST with the next of ``answers``
    (a status, ("redirect", url) or ("sleep", seconds))."""

    def __init__(self, answers=(200,)):
        self.answers = list(answers)
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                if isinstance(answer, tuple) and answer[0] == "sleep":
                    time.sleep(answer[1])
                    answer = 200
                if isinstance(answer, tuple):
                    self.send_response(302)
                    self.send_header("Location", answer[1])
                else:
                    self.send_response(answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/grc"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.thread.join()


@pytest.fixture
def receivers():
    made = []

    def make(answers=(200,)):
        made.append(Receiver(answers))
        return made[-1]
    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def town(app, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    monkeypatch.setitem(app.config["GRC"], "WEBHOOK_TIMEOUT_SECONDS", 1)
    return api_commune(app)


def due(app, now=None) -> dict:
    with app.app_context():
        return deliver_due(now)


def subscribe(app, town, url, events=("request.created", "request.state_changed", "message.added")) -> str:
    with in_commune(app, town.id):
        secret = new_secret()
        db.session.add(WebhookEndpoint(url=url, events=list(events), secret=secret))
        db.session.commit()
        return secret


def file_one(app, town, citizen=None) -> int:
    with in_commune(app, town.id):
        created, errors = create_request(request_type=town.street, citizen=citizen, channel="guichet",
                                         formdata={"nature": "eclairage"}, actor=None, subject="Jeanne Martin")
        assert not errors
        return created.id


def deliveries(app, town) -> list[tuple]:
    with in_commune(app, town.id):
        return [(d.event, d.status, d.attempts, d.response_code) for d in
                db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]


def test_every_event_is_posted_signed_and_the_documented_check_accepts_it(app, town, receivers):
    receiver = receivers()
    secret = subscribe(app, town, receiver.url)
    request_id = file_one(app, town)
    make_agent(app, town.id, "admin@a.fr", "admin")
    with in_commune(app, town.id):
        row = db.session.get(Request, request_id)
        admin = db.session.scalar(select(User))
        apply_transition(row, "prendre", actor=admin, membership=db.session.scalar(select(Membership)))
        add_message(row, "Équipe prévenue", public=False, actor=admin)
    assert [d[:2] for d in deliveries(app, town)] == [
        ("request.created", "pending"), ("request.state_changed", "pending"), ("message.added", "pending")]
    assert due(app) == {"delivered": 3, "failed": 0, "retrying": 0}
    verify = doc_verify()
    payloads = [verify(secret, headers, body) for headers, body in receiver.received]
    assert [p["type"] for p in payloads] == ["request.created", "request.state_changed", "message.added"]
    assert payloads[1]["data"]["from_state"] == "nouvelle" and payloads[1]["data"]["to_state"] == "en_cours"
    assert payloads[2]["data"] == {**payloads[2]["data"], "public": False, "commune": "villeneuve"}
    # Thin events: no subject, form data or message text.
    assert not any(b"Jeanne" in body or "Équipe".encode() in body or b"eclairage" in body
                   for _headers, body in receiver.received)
    headers, body = receiver.received[0]
    with pytest.raises(ValueError, match="bad signature"):
        verify(secret, headers, body.replace(b"villeneuve", b"villevieille"))
    with pytest.raises(ValueError, match="bad signature"):
        verify(new_secret(), headers, body)
    assert due(app) == {"delivered": 0, "failed": 0, "retrying": 0}  # nothing posted twice
    assert [d[1:] for d in deliveries(app, town)] == [("delivered", 1, 200)] * 3


def test_a_receiver_that_fails_gets_the_event_later_and_loses_nothing(app, town, receivers, monkeypatch):
    receiver = receivers([500, 200])
    subscribe(app, town, receiver.url, ["request.created"])
    file_one(app, town)
    now = utcnow()
    assert due(app, now) == {"delivered": 0, "failed": 0, "retrying": 1}
    assert deliveries(app, town) == [("request.created", "pending", 1, 500)]
    assert due(app, now + timedelta(seconds=29)) == {"delivered": 0, "failed": 0, "retrying": 0}  # backoff
    assert due(app, now + timedelta(seconds=31))["delivered"] == 1
    assert deliveries(app, town) == [("request.created", "delivered", 2, 200)]
    first, second = receiver.received
    assert first[0]["webhook-id"] == second[0]["webhook-id"]  # one message, two attempts


# Written by a job: in the commune's language (French).
@pytest.mark.parametrize("answer, error", [
    (("redirect", "http://127.0.0.1:9/"), "Les redirections ne sont pas suivies."),
    (("sleep", 2), "timed out"),
    (500, "Le destinataire a répondu 500."),
])
def test_redirects_timeouts_and_errors_are_retried_then_failed(app, town, receivers, monkeypatch, answer, error):
    monkeypatch.setitem(app.config["GRC"], "JOB_RETRY_INTERVALS", [1])
    receiver = receivers([answer])
    subscribe(app, town, receiver.url, ["request.created"])
    file_one(app, town)
    now = utcnow()
    due(app, now)
    assert due(app, now + timedelta(seconds=2)) == {"delivered": 0, "failed": 1, "retrying": 0}
    with in_commune(app, town.id):
        delivery = db.session.scalar(select(WebhookDelivery))
        assert (delivery.status, delivery.attempts) == ("failed", 2) and error in delivery.error


def test_private_and_local_targets_are_refused_outside_tests(app, monkeypatch):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        monkeypatch.setitem(app.config["GRC"], "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
        for url in ("http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "http://[::1]/hook",
                    "http://169.254.169.254/latest/meta-data", "http://localhost/hook"):
            assert "private or local network" in target_problem(url), url
        assert "https://" in target_problem("ftp://example.org/hook")
        monkeypatch.setitem(app.config["GRC"], "PRODUCTION", True)
        assert "https://" in target_problem("http://example.org/hook")


def test_no_event_leaves_for_a_confidential_file(privacy_app, monkeypatch):
    app = privacy_app
    monkeypatch.setitem(app.config["GRC"], "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    with in_commune(app, commune_id):
        db.session.add(WebhookEndpoint(url="http://127.0.0.1:9/", events=["request.created"], secret=new_secret()))
        db.session.commit()
        secret_type = db.session.scalar(select(RequestType))
        created, errors = create_request(request_type=secret_type.id, citizen=None, channel="guichet",
                                         formdata={"motif": "Aide au loyer"}, actor=None)
        assert not errors and created is not None
        assert db.session.scalar(select(WebhookDelivery)) is None


def test_the_administrator_adds_a_receiver_reads_the_log_and_replays(app, town, receivers, monkeypatch):
    receiver = receivers([500])
    make_agent(app, town.id, "admin@a.fr", "admin")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "admin@a.fr")
    url = "/admin/core_webhooks/"
    monkeypatch.setitem(app.config["GRC"], "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "url": receiver.url,
                                     "events": ["request.created"]})
    assert "private or local network" in refused.get_data(as_text=True)
    empty = client.post(url, data={"csrf_token": csrf_token(client, url), "url": ""})
    assert "Choose at least one event." in empty.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.scalar(select(WebhookEndpoint)) is None
    monkeypatch.setitem(app.config["GRC"], "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "url": receiver.url,
                                  "events": ["request.created"]}).get_data(as_text=True)
    secret = re.search(r'id="new-webhook-secret"[^>]*value="(whsec_[^"]+)"', page).group(1)
    assert secret not in client.get(url).get_data(as_text=True)
    file_one(app, town)
    monkeypatch.setitem(app.config["GRC"], "JOB_RETRY_INTERVALS", [])
    due(app)
    log = client.get(url).get_data(as_text=True)
    assert "Failed" in log and "Le destinataire a répondu 500." in log
    with in_commune(app, town.id):
        delivery_id = db.session.scalar(select(WebhookDelivery.id))
    receiver.answers = [200]
    assert client.post(f"{url}deliveries/{delivery_id}/replay",
                       data={"csrf_token": csrf_token(client, url)}).status_code == 302
    assert due(app)["delivered"] == 1
    assert deliveries(app, town) == [("request.created", "delivered", 1, 200)]


def test_closing_a_request_sends_request_closed_once_and_reopening_does_not(app, client, town, receivers):
    """``request.closed``: a transition into a state of kind closed (here applied through the REST API,
    which goes through the same engine as the request page) — not one that leaves it, nor one that stays."""
    receiver = receivers()
    secret = subscribe(app, town, receiver.url, ["request.closed", "request.state_changed"])
    key = {"X-API-Key": make_key(app, town.id, scopes=("read", "write"), role="admin")}
    reference = client.post("/api/v1/requests", headers=key, json={
        "request_type": "voirie.signalement", "data": {"nature": "eclairage"}}).get_json()["request"]["reference"]
    for code in ("prendre", "clore"):
        response = client.post(f"/api/v1/requests/{reference}/transitions", json={"transition": code}, headers=key)
        assert response.status_code == 200, response.get_json()
    assert [d[0] for d in deliveries(app, town)] == [
        "request.state_changed", "request.state_changed", "request.closed"]
    assert due(app)["delivered"] == 3
    closed = [doc_verify()(secret, headers, body) for headers, body in receiver.received][-1]
    assert closed["type"] == "request.closed"
    assert closed["data"] == {"commune": "villeneuve", "reference": reference, "request_type": "voirie.signalement",
                              "status": "closed", "state": "close", "from_state": "en_cours", "to_state": "close"}


def test_an_endpoint_subscribed_to_closed_only_hears_nothing_of_other_moves(app, town, receivers):
    receiver = receivers()
    subscribe(app, town, receiver.url, ["request.closed"])
    request_id = file_one(app, town)
    make_agent(app, town.id, "admin@a.fr", "admin")
    with in_commune(app, town.id):
        row = db.session.get(Request, request_id)
        admin = db.session.scalar(select(User))
        apply_transition(row, "prendre", actor=admin, membership=db.session.scalar(select(Membership)))
    assert deliveries(app, town) == []
    assert receiver.received == []


def test_an_agent_s_change_is_told_to_a_receiver_added_since_his_last_page(app, town, receivers):
    """Whether the commune has receivers is read with the agent's memberships at each
    request (grc_core.tenancy.resolver): none, nothing written and no query for them;
    one added in between, the next change is told."""
    make_agent(app, town.id, "admin@a.fr", "admin")
    request_id = file_one(app, town)
    client = app.test_client()
    login(client, "admin@a.fr")
    url = f"/admin/requests/{request_id}/"

    def apply(code):
        response = client.post(f"{url}transition", data={"csrf_token": csrf_token(client, url), "transition": code})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    apply("prendre")
    assert deliveries(app, town) == []
    subscribe(app, town, receivers().url)
    apply("clore")
    assert [d[:2] for d in deliveries(app, town)] == [("request.state_changed", "pending")]
