"""Filing without an account (where the commune allows it), the private
tracking link, and the workflow's resume transition when the citizen answers.

A filing without an account is held until its e-mail address is verified:
until then no request exists, so no agents' page can show it."""
from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import (
    Attachment, Citizen, Commune, Message, OutboxMessage, PendingFiling, Request, RequestEvent, RequestType,
    TrackingLink, Workflow,
)
from grc_core.plugin_api.testing import apply_as, csrf_token, grc_cli, in_commune, login, make_agent
from grc_core.portal.anonymous import SETTING
from grc_core.storage import storage
from grc_core.tenancy import unscoped
from grc_core.workflows.engine import TransitionError, apply_transition
from grc_core.workflows.validation import validate
from tests.webapi.support import make_key
from tests.portal.portal_support import (
    WORKFLOW, english_client, mails_to, on_test_client, setup_portal_commune, verified_citizen,
)

PDF = b"%PDF-1.4 photo du bac"
CONFIRM = re.compile(r"https?://[^\s]+/portal/filing/confirm/[A-Za-z0-9_-]{20,}")
TRACK = re.compile(r"https?://[^\s]+/portal/track/[A-Za-z0-9_-]{20,}")
# The workflow of the tests, with the citizen's answer bringing a waiting request back.
RESUMING = {**WORKFLOW, "transitions": [*WORKFLOW["transitions"], {
    "code": "reprendre", "label": "Reprendre", "source": ["attente"], "target": "en_cours",
    "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
    "required_fields": [], "notify_citizen": False, "set_due_days": None, "resume": True}]}


def _allow(app, town, allowed=True):
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), SETTING: allowed}
        db.session.get(Workflow, town.workflow).definition = RESUMING
        db.session.commit()


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def town(app):
    town = setup_portal_commune(app)
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    _allow(app, town)
    return town


def _counts(app) -> dict:
    with app.app_context(), unscoped():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, Citizen, Attachment, RequestEvent, OutboxMessage, Message, PendingFiling,
                              TrackingLink)}


def _pending_files(app) -> list[str]:
    """The held files present in the storage."""
    with app.app_context(), unscoped():
        keys = [item["key"] for row in db.session.scalars(select(PendingFiling)) for item in row.files]
        return [key for key in keys if storage().exists(key)]


def _file(client, town, email="lea@example.org", code="bacs", **fields):
    data = {"csrf_token": csrf_token(client, f"{town.base}/"), "first_name": "Léa", "last_name": "Roux",
            "email": email, "phone": "", "f_motif": "Mon bac est cassé", "f_nombre": "2", **fields}
    return client.post(f"{town.base}/procedures/{code}/file", data=data, content_type="multipart/form-data")


def _link(app, pattern, email="lea@example.org") -> str:
    found = [m for message in mails_to(app, email) for m in pattern.findall(message.body)]
    assert found, [m.subject for m in mails_to(app, email)]
    return on_test_client(found[-1])


def _press(client, path):
    """Open an e-mailed link and press its button, as the citizen does."""
    assert client.get(path).status_code == 200
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def _filed(app, client, town, **fields):
    """File without an account and verify: (request id, tracking path)."""
    assert _file(client, town, **fields).status_code == 200
    assert _press(client, _link(app, CONFIRM)).status_code == 200
    with in_commune(app, town.id):
        request_id = db.session.scalar(select(Request.id).order_by(Request.id.desc()))
    return request_id, _link(app, TRACK)


def _agent(app):
    agent = english_client(app)
    login(agent, "agent@villeneuve.fr")
    return agent


def test_a_filing_without_an_account_reaches_the_agents_only_once_verified(app, client, town):
    form = client.get(f"{town.base}/procedures/bacs/file")
    assert form.status_code == 200 and 'id="email"' in form.get_data(as_text=True)
    response = _file(client, town, attachments=(io.BytesIO(PDF), "bac.pdf"))
    assert response.status_code == 200
    assert "a message with a link has been sent to lea@example.org" in response.get_data(as_text=True)
    held = _counts(app)
    assert held["request"] == 0 and held["attachment"] == 0 and held["citizen"] == 0
    assert held["pending_filing"] == 1 and len(_pending_files(app)) == 1
    # Nothing of it on the agents' side: queue, counts, the API's list.
    agent = _agent(app)
    queue = agent.get("/admin/requests/").get_data(as_text=True)
    assert "0 requests" in queue and "No request matches these filters." in queue
    assert "0 requests" in agent.get("/admin/requests/?q=Roux").get_data(as_text=True)
    api = {"X-API-Key": make_key(app, town.id, scopes=("read",), name="Lecture")}
    assert client.get("/api/v1/requests", headers=api).get_json()["items"] == []
    # The e-mailed link: a GET only shows a button (mail scanners), the POST files the request.
    path = _link(app, CONFIRM)
    assert client.get(path).status_code == 200 and _counts(app) == held
    page = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert page.status_code == 200
    with in_commune(app, town.id):
        req = db.session.scalar(select(Request))
        assert (req.channel, req.state, req.data["motif"]) == ("web", "nouvelle", "Mon bac est cassé")
        assert req.service is not None  # routed like any request
        assert (req.citizen.first_name, req.citizen.last_name, req.citizen.email) == ("Léa", "Roux",
                                                                                       "lea@example.org")
        assert [a.filename for a in db.session.scalars(select(Attachment))] == ["bac.pdf"]
        assert {e.kind for e in db.session.scalars(select(RequestEvent))} >= {"created", "attachment"}
        reference = req.reference
    text = page.get_data(as_text=True)
    track = _link(app, TRACK)
    assert f"Its reference is {reference}." in text and track in text
    subjects = [m.subject for m in mails_to(app, "lea@example.org")]
    # The acknowledgement (in the commune's language, as at the counter), then the tracking link.
    assert [s for s in subjects if reference in s] == [f"Votre demande {reference} a bien été enregistrée",
                                                       f"Follow your request {reference} online"]
    after = _counts(app)
    assert after["pending_filing"] == 0 and after["tracking_link"] == 1 and not _pending_files(app)
    assert reference in agent.get("/admin/requests/").get_data(as_text=True)
    # A second click: a clear page, and nothing filed twice.
    again = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert again.status_code == 404 and "This link is not valid" in again.get_data(as_text=True)
    assert _counts(app) == after
    # The tracking link shows the request as "Mes démarches" does; its address is never sent on.
    response = client.get(track)
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["Cache-Control"] == "no-store"
    tracked = response.get_data(as_text=True)
    assert '<dd id="state">Nouvelle</dd>' in tracked and reference in tracked and "My requests" not in tracked


def test_the_verification_link_expires_and_grc_tick_deletes_the_held_filing(app, client, town, auth_clock):
    assert _file(client, town, attachments=(io.BytesIO(PDF), "bac.pdf")).status_code == 200
    path = _link(app, CONFIRM)
    assert len(_pending_files(app)) == 1
    with app.app_context(), unscoped():
        keys = [item["key"] for row in db.session.scalars(select(PendingFiling)) for item in row.files]
    auth_clock.advance(hours=49)
    before = _counts(app)
    expired = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert expired.status_code == 404 and "has expired (48 hours)" in expired.get_data(as_text=True)
    assert _counts(app) == before
    result = app.test_cli_runner().invoke(grc_cli(), ["tick"])
    assert result.exit_code == 0, result.output
    assert "Démarches sans compte non confirmées supprimées : 1." in result.output
    assert _counts(app)["pending_filing"] == 0 and _counts(app)["request"] == 0
    with app.app_context():
        assert not any(storage().exists(key) for key in keys)


def test_a_commune_that_does_not_allow_it_refuses_with_words_and_stores_nothing(app, client, town):
    _allow(app, town, allowed=False)
    response = client.get(f"{town.base}/procedures/bacs/file")
    assert response.status_code == 302 and "/portal/account/sign-in" in response.headers["Location"]
    assert "No account needed" not in client.get(f"{town.base}/procedures/bacs").get_data(as_text=True)
    before = _counts(app)
    refused = _file(client, town)
    assert refused.status_code == 403 and "accepts online requests from citizens with an account only" in \
        refused.get_data(as_text=True)
    assert _counts(app) == before and mails_to(app, "lea@example.org") == []


def test_the_honeypot_or_a_missing_csrf_token_holds_nothing(app, client, town):
    before = _counts(app)
    assert _file(client, town, website="http://spam.example").status_code == 400
    assert client.post(f"{town.base}/procedures/bacs/file", data={"email": "lea@example.org", "first_name": "L",
                                                                 "last_name": "R", "f_motif": "x"}).status_code == 400
    assert _counts(app) == before and mails_to(app, "lea@example.org") == []


def test_a_flood_of_filings_without_an_account_is_limited_and_holds_nothing(app, client, town, auth_clock):
    assert [_file(client, town).status_code for _n in range(5)] == [200] * 5
    before = _counts(app)
    refused = _file(client, town)
    assert refused.status_code == 429 and "Too many attempts. Try again in" in refused.get_data(as_text=True)
    assert _counts(app) == before
    auth_clock.advance(minutes=16)
    assert _file(client, town).status_code == 200


@pytest.mark.parametrize("fields, name, message", [
    ({"email": "pas-une-adresse"}, "email", "Invalid email address."),
    ({"first_name": ""}, "first_name", "This field is required."),
    ({"f_motif": ""}, "motif", "This field is required."),
    ({"f_nombre": "40"}, "nombre", "Number must be between 1 and 10."),
])
def test_every_field_error_is_shown_with_the_input_kept_and_nothing_held(app, client, town, fields, name, message):
    before = _counts(app)
    response = _file(client, town, **{"last_name": "Roux <b>", **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-grc-error-for="{name}">{message}</div>' in page
    assert 'value="Roux &lt;b&gt;"' in page  # kept, and escaped
    assert _counts(app) == before


@pytest.mark.parametrize("upload, size_mb", [
    ((b"MZ\x90\x00 not a pdf", "facture.pdf"), None),
    ((b"a" * (1024 * 1024 + 1), "long.txt"), 1),
])
def test_a_lying_or_oversized_attachment_is_refused_and_nothing_is_held(app, client, town, upload, size_mb):
    if size_mb:
        app.config["GRC"]["MAX_ATTACHMENT_MB"] = size_mb
    try:
        before = _counts(app)
        response = _file(client, town, attachments=(io.BytesIO(upload[0]), upload[1]))
        assert response.status_code == 400
        assert re.search(r'data-grc-error-for="attachments">[^<]*' + re.escape(upload[1]),
                         response.get_data(as_text=True))
        assert _counts(app) == before and mails_to(app, "lea@example.org") == []
    finally:
        app.config["GRC"].pop("MAX_ATTACHMENT_MB", None)


def test_html_in_every_field_is_escaped_on_the_pages_of_the_citizen_and_the_agents(app, client, town):
    script = "<script>alert(1)</script>"
    request_id, track = _filed(app, client, town, first_name=f"Léa{script}", last_name=f"Roux{script}",
                               f_motif=f"Bac {script}")
    tracked = client.get(track).get_data(as_text=True)
    assert script not in tracked
    response = client.post(f"{track}/reply", data={"csrf_token": csrf_token(client, track),
                                                   "body": f"Réponse {script}"})
    assert response.status_code == 302
    tracked = client.get(track).get_data(as_text=True)
    assert "Réponse &lt;script&gt;alert(1)&lt;/script&gt;" in tracked and script not in tracked
    agent_page = _agent(app).get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert script not in agent_page and "Bac &lt;script&gt;" in agent_page
    assert "The citizen (portal)" in agent_page


def test_a_tracking_link_of_another_commune_revoked_or_forged_is_404_and_changes_nothing(app, client, town):
    other = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    _allow(app, other)
    request_id, track = _filed(app, client, town)
    token = track.rsplit("/", 1)[1]
    stranger = english_client(app)
    before = _counts(app)
    token_ok = csrf_token(stranger, f"{other.base}/")
    for path in (f"{other.base}/track/{token}", f"{town.base}/track/{'A' * 43}", f"{town.base}/track/x",
                 f"{town.base}/track/{token[:-1]}"):
        page = stranger.get(path)
        assert page.status_code == 404 and "This tracking link is unknown here or has been revoked." in \
            page.get_data(as_text=True), path
        for action in ("reply", "revoke"):
            assert stranger.post(f"{path}/{action}", data={"csrf_token": token_ok, "body": "intrus"}) \
                .status_code == 404
    assert _counts(app) == before
    # The citizen revokes his own link: it stops working at once.
    revoked = client.post(f"{track}/revoke", data={"csrf_token": csrf_token(client, track)})
    assert revoked.status_code == 200 and "The link is revoked" in revoked.get_data(as_text=True)
    assert client.get(track).status_code == 404
    assert "Tracking link revoked</strong> — by the citizen" in _agent(app).get(f"/admin/requests/{request_id}/") \
        .get_data(as_text=True)
    assert client.post(f"{track}/reply", data={"csrf_token": csrf_token(client, f"{town.base}/"),
                                                "body": "encore"}).status_code == 404
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_an_agent_revokes_the_tracking_link_on_the_request_page(app, client, town):
    request_id, track = _filed(app, client, town)
    agent = _agent(app)
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Revoke the tracking link" in page
    url = f"/admin/requests/{request_id}/tracking-links/revoke"
    response = agent.post(url, data={"csrf_token": csrf_token(agent, f"/admin/requests/{request_id}/")})
    assert response.status_code == 302
    assert "1 tracking link revoked." in agent.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(track).status_code == 404
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Revoke the tracking link" not in page and "Tracking link revoked" in page


def _events(app, town, request_id):
    with in_commune(app, town.id):
        return [(e.kind, e.to_state, (e.details or {}).get("by_citizen"))
                for e in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id)
                                            .order_by(RequestEvent.id))]


def _state(app, town, request_id):
    with in_commune(app, town.id):
        return db.session.get(Request, request_id).state


def test_an_answer_through_the_tracking_link_resumes_a_waiting_request_once(app, client, town):
    request_id, track = _filed(app, client, town)

    def answer(body):
        response = client.post(f"{track}/reply", data={"csrf_token": csrf_token(client, track), "body": body,
                                                        "attachments": (io.BytesIO(PDF), "piece.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 302

    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "prendre")
    answer("Une précision")  # not waiting: the message only
    assert _state(app, town, request_id) == "en_cours"
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "attendre")
    assert "The town hall is waiting for your answer" in client.get(track).get_data(as_text=True)
    answer("Voici la pièce")
    assert _state(app, town, request_id) == "en_cours"
    answer("Et une autre")  # no longer waiting: no second transition
    resumed = [event for event in _events(app, town, request_id) if event[2]]
    assert resumed == [("transition", "en_cours", True)]
    with in_commune(app, town.id):
        messages = list(db.session.scalars(select(Message).where(Message.request_id == request_id)))
        assert len(messages) == 3 and all(m.tracking_link_id and m.public for m in messages)
    agent = _agent(app)
    # The queue shows the request with an unread message, and its filter finds it.
    assert "grc-unread" in agent.get("/admin/requests/").get_data(as_text=True)
    assert "1 request" in agent.get("/admin/requests/?unread=1").get_data(as_text=True)
    page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "En attente de pièces → En cours (the citizen answered)" in page
    assert page.count("grc-unread") == 3
    assert "grc-unread" not in agent.get("/admin/requests/").get_data(as_text=True)  # read now
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "clore")
    tracked = client.get(track).get_data(as_text=True)
    assert '<dd id="state">Close</dd>' in tracked and "Write to the town hall" not in tracked


def test_an_answer_of_a_signed_in_citizen_resumes_too(app, client, town):
    verified_citizen(app, client, town)
    url = f"{town.base}/procedures/bacs/file"
    assert client.post(url, data={"csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": "Bac cassé"},
                       content_type="multipart/form-data").status_code == 302
    with in_commune(app, town.id):
        request_id = db.session.scalar(select(Request.id))
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "prendre")
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "attendre")
    page = f"{town.base}/my-requests/{request_id}"
    assert client.post(f"{page}/reply", data={"csrf_token": csrf_token(client, page), "body": "La pièce"}) \
        .status_code == 302
    assert _state(app, town, request_id) == "en_cours"
    assert [event for event in _events(app, town, request_id) if event[2]] == [("transition", "en_cours", True)]


def test_the_citizen_takes_only_the_resume_transition_of_a_waiting_state(app, client, town):
    request_id, _track = _filed(app, client, town)
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "prendre")
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        for code in ("reprendre", "clore"):  # not waiting; then a transition that is not the resume one
            with pytest.raises(TransitionError):
                apply_transition(req, code, actor=None, membership=None, by_citizen=True)
            db.session.rollback()
        assert db.session.get(Request, request_id).state == "en_cours"


@pytest.mark.parametrize("change, message", [
    ({"source": ["en_cours"]}, "it may start only from waiting states"),
    ({"comment_required": True}, "it cannot ask for a comment or fields"),
    ({"resume": "yes"}, "« resume » must be true or false"),
])
def test_the_workflow_validation_checks_resume_transitions(change, message, app):
    definition = {**RESUMING, "transitions": [*RESUMING["transitions"][:-1], {**RESUMING["transitions"][-1],
                                                                             **change}]}
    with app.test_request_context(), force_locale("en"):
        assert any(message in problem for problem in validate(definition)), validate(definition)
        assert validate(RESUMING) == []
        twice = {**RESUMING, "transitions": [*RESUMING["transitions"],
                                             {**RESUMING["transitions"][-1], "code": "reprendre2"}]}
        assert any("only one transition may be taken when the citizen answers" in p for p in validate(twice))


def test_the_forms_own_file_field_and_the_documents_are_held_and_attached_at_verification(app, client, town):
    request_id, _track = _filed(app, client, town, f_photo=(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
                                                            "bac.png"),
                                attachments=(io.BytesIO(PDF), "devis.pdf"))
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        assert req.data["photo"] == "bac.png"
        assert sorted(a.filename for a in req.attachments) == ["bac.png", "devis.pdf"]
    assert _pending_files(app) == []


def test_a_demarche_closed_online_before_verification_is_dropped_with_words(app, client, town):
    assert _file(client, town, attachments=(io.BytesIO(PDF), "bac.pdf")).status_code == 200
    with app.app_context(), unscoped():
        keys = [item["key"] for row in db.session.scalars(select(PendingFiling)) for item in row.files]
    with in_commune(app, town.id):
        db.session.get(RequestType, town.bacs).channels = ["guichet"]
        db.session.commit()
    path = _link(app, CONFIRM)
    page = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert page.status_code == 409
    assert "This type of request cannot be filed through this channel." in page.get_data(as_text=True)
    counts = _counts(app)
    assert counts["request"] == 0 and counts["citizen"] == 0 and counts["pending_filing"] == 0
    with app.app_context():
        assert not any(storage().exists(key) for key in keys)
