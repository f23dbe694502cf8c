"""Notifications of a request's progress: by the citizen's preferred channel
(e-mail, SMS, the daily digest, nothing), in his language, with the
commune's templates per language, a link back to the portal and a one-click
unsubscribe link."""
import email
from datetime import datetime, timedelta, timezone
from email import policy

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Citizen, Commune, DigestItem, NotificationTemplate, OutboxMessage, Request, RequestEvent, Workflow
from grc_core.notifications import send_pending
from grc_core.notifications.citizens import send_digests
from grc_core.notifications.unsubscribe import citizen_of
from grc_core.plugin_api.testing import in_commune, run_tick
from grc_core.requests.service import add_message
from grc_core.tenancy import unscoped
from jobs_support import mailbox  # noqa: F401 (fixture)
from sms_gateway import Gateway
from tests.test_workflow_engine import act, member, new_request, setup_commune

# Monday 1 June 2026, 10:00 in Paris.
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
SITE = "https://grc.example.fr"


@pytest.fixture
def commune(app, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "PUBLIC_URL", SITE)
    return setup_commune(app)


def prefer(app, commune, request_id, **preferences):
    with in_commune(app, commune):
        citizen = db.session.get(Request, request_id).citizen
        for name, value in preferences.items():
            setattr(citizen, name, value)
        db.session.commit()


def ask_for_pieces(app, commune, request_id, now=NOW):
    """Two transitions; the second (« demander ») tells the citizen."""
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr", now=now)
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif", now=now)


def outbox(app):
    with app.app_context(), unscoped():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        for message in rows:
            db.session.expunge(message)
        return rows


def notifications(app, commune, request_id):
    with in_commune(app, commune):
        return [e.details for e in db.session.scalars(select(RequestEvent).where(
            RequestEvent.request_id == request_id, RequestEvent.kind == "notification"))]


def test_by_email_with_a_link_to_the_portal_and_a_one_click_unsubscribe(app, commune):
    request_id = new_request(app, commune)
    ask_for_pieces(app, commune, request_id)
    message, = outbox(app)
    assert (message.channel, message.recipient) == ("email", "lea.martin@example.org")
    assert f"{SITE}/c/villeneuve/portal/my-requests/{request_id}" in message.body
    stop = message.headers["List-Unsubscribe"].strip("<>")
    assert stop.startswith(f"{SITE}/c/villeneuve/portal/unsubscribe/")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Pour ne plus recevoir ces messages : {stop}" in message.body
    with in_commune(app, commune):
        citizen = db.session.get(Request, request_id).citizen
        assert citizen_of(stop.rsplit("/", 1)[1]) == (commune, citizen.id)
    assert notifications(app, commune, request_id)[0]["channel"] == "email"


def test_by_sms_to_the_mobile_number_with_the_portal_link(app, commune, monkeypatch):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms", phone="06 12 34 56 78")
    with Gateway([(200, {"id": "sms-1"})]) as server:
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", server.url)
        ask_for_pieces(app, commune, request_id)
        with app.app_context():
            assert send_pending(NOW) == (1, 0)
    message, = outbox(app)
    assert (message.channel, message.recipient, message.status) == ("sms", "+33612345678", "sent")
    text = server.received[0]["body"]["text"]
    assert text.startswith("Villeneuve-sur-Loire : votre demande VSL-2026-00001 en est à cette étape : "
                           "En attente de pièces.")
    assert f"{SITE}/c/villeneuve/portal/my-requests/{request_id}" in text
    assert f"{SITE}/c/villeneuve/portal/unsubscribe/" in text
    details, = notifications(app, commune, request_id)
    assert details["channel"] == "sms" and details["segments"] >= 1


@pytest.mark.parametrize("phone", ["01 23 45 67 89", "", "n'importe quoi"])
def test_sms_without_a_mobile_number_falls_back_to_email(app, commune, monkeypatch, phone):
    monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", "http://127.0.0.1:9/sms")
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms", phone=phone)
    ask_for_pieces(app, commune, request_id)
    assert [(m.channel, m.recipient) for m in outbox(app)] == [("email", "lea.martin@example.org")]


def test_sms_without_a_gateway_falls_back_to_email(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms", phone="06 12 34 56 78")
    ask_for_pieces(app, commune, request_id)
    assert [m.channel for m in outbox(app)] == ["email"]


def test_none_sends_nothing_the_portal_shows_it(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="none")
    ask_for_pieces(app, commune, request_id)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        user, _membership = member("agent@villeneuve.fr")
        add_message(request, "Merci d'apporter le justificatif.", public=True, actor=user)
    assert outbox(app) == []
    assert notifications(app, commune, request_id) == []


def test_an_agents_public_message_follows_the_preferences_and_the_language(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, language="en")
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        user, _membership = member("agent@villeneuve.fr")
        add_message(request, "Merci d'apporter le justificatif.", public=True, actor=user)
    message, = outbox(app)
    assert message.subject == "About your request VSL-2026-00001"
    assert message.body.startswith("Merci d'apporter le justificatif.")
    assert "To stop receiving these messages:" in message.body
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_default_text_is_in_the_citizens_language(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, language="en")
    ask_for_pieces(app, commune, request_id)
    message, = outbox(app)
    assert message.subject == "Your request VSL-2026-00001: En attente de pièces"
    assert "Follow your request on the portal:" in message.body


def test_the_communes_template_in_the_citizens_language_wins(app, commune):
    english_id = new_request(app, commune, number=1, email="lea@example.org")
    french_id = new_request(app, commune, number=2, email="paul@example.org")
    prefer(app, commune, english_id, language="en")
    with in_commune(app, commune):
        workflow = db.session.scalar(select(Workflow))
        db.session.add_all([
            NotificationTemplate(workflow_id=workflow.id, state="attente", language="",
                                 subject="Pièces pour {reference}", body="Il nous manque une pièce."),
            NotificationTemplate(workflow_id=workflow.id, state="attente", language="en",
                                 subject="Documents for {reference}", body="A document is missing."),
        ])
        db.session.commit()
    ask_for_pieces(app, commune, english_id)
    ask_for_pieces(app, commune, french_id)
    english, french = outbox(app)
    assert (english.recipient, english.subject) == ("lea@example.org", "Documents for VSL-2026-00001")
    assert english.body.startswith("A document is missing.")
    assert (french.recipient, french.subject) == ("paul@example.org", "Pièces pour VSL-2026-00002")


def test_the_daily_digest_sends_each_update_once_the_day_after(app, commune):
    first = new_request(app, commune, number=1)
    second = new_request(app, commune, number=2)
    for request_id in (first, second):
        prefer(app, commune, request_id, notify_digest=True)
    ask_for_pieces(app, commune, first, now=NOW)
    ask_for_pieces(app, commune, second, now=NOW + timedelta(hours=5))
    assert outbox(app) == []  # gathered, not sent
    with app.app_context():
        assert send_digests(NOW + timedelta(hours=6)) == 0  # the day is not over
    # The next morning's tick (Tuesday 06:00 in Paris) writes and sends the digest.
    counts = run_tick(app, "2026-06-02T06:00")
    assert counts["digests"] == 2  # two records, one each (new_request makes one record per request)
    digests = outbox(app)
    assert [m.status for m in digests] == ["sent", "sent"]
    assert all(m.subject == "Vos demandes à Villeneuve-sur-Loire : les nouvelles du jour" for m in digests)
    assert "VSL-2026-00001" in digests[0].body and "VSL-2026-00002" in digests[1].body
    assert all(m.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in digests)
    # Each update once: the next runs send nothing more.
    assert run_tick(app, "2026-06-02T07:00")["digests"] == 0
    assert run_tick(app, "2026-06-03T07:00")["digests"] == 0
    assert len(outbox(app)) == 2


def test_one_digest_per_citizen_lists_all_the_days_updates(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_digest=True)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        citizen = request.citizen
        other = Request(reference="VSL-2026-00002", request_type=request.request_type, citizen=citizen,
                        channel="guichet", state="", state_kind="", received_at=NOW, data={})
        from grc_core.workflows.engine import start
        start(other, request.request_type.workflow, now=NOW)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    ask_for_pieces(app, commune, request_id, now=NOW)
    ask_for_pieces(app, commune, other_id, now=NOW + timedelta(hours=1))
    with in_commune(app, commune):
        user, _membership = member("agent@villeneuve.fr")
        add_message(db.session.get(Request, other_id), "Bonjour", public=True, actor=user,
                    now=NOW + timedelta(hours=2))
    with app.app_context():
        assert send_digests(NOW + timedelta(days=1)) == 1
        assert send_digests(NOW + timedelta(days=1)) == 0
    digest, = outbox(app)
    lines = [line for line in digest.body.splitlines() if line.startswith("- ")]
    assert lines == ["- Votre demande VSL-2026-00001 : En attente de pièces",
                     "- Votre demande VSL-2026-00002 : En attente de pièces",
                     "- À propos de votre demande VSL-2026-00002"]
    with in_commune(app, commune):
        assert all(item.outbox_message_id == digest.id for item in db.session.scalars(select(DigestItem)))


@pytest.mark.parametrize("channel", ["email", "sms", "digest"])
def test_a_commune_with_its_own_hostname_gets_every_link_there(app, commune, monkeypatch, channel):
    """The e-mail, the SMS and the digest (written by ``grc tick``, outside any
    request) link to the portal on the commune's hostname, in PUBLIC_URL's
    scheme — never to the platform's ``/c/<slug>/`` address."""
    host = "https://demarches.villeneuve.example"
    with in_commune(app, commune):
        db.session.get(Commune, commune).hostnames = "demarches.villeneuve.example, villeneuve.example"
        db.session.commit()
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms" if channel == "sms" else "email",
           notify_digest=channel == "digest", phone="06 12 34 56 78")
    with Gateway([(200, {"id": "sms-1"})]) as server:
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", server.url)
        ask_for_pieces(app, commune, request_id)
        with app.app_context():
            if channel == "digest":
                assert send_digests(NOW + timedelta(days=1)) == 1
            send_pending(NOW + timedelta(days=1))
    message, = outbox(app)
    text = server.received[0]["body"]["text"] if channel == "sms" else message.body
    portal = f"{host}/portal/my-requests/" if channel == "digest" else f"{host}/portal/my-requests/{request_id}"
    assert portal in text and f"{host}/portal/unsubscribe/" in text
    assert "/c/villeneuve" not in text and SITE not in text
    if channel != "sms":
        assert message.headers["List-Unsubscribe"].startswith(f"<{host}/portal/unsubscribe/")


def _texts(app, commune, *templates):
    with in_commune(app, commune):
        db.session.add_all(templates)
        db.session.commit()


@pytest.mark.parametrize("language, expected", [
    ("en", "Villeneuve: {reference} is now « En attente de pièces »."),
    ("fr", "Villeneuve : la demande {reference} en est à « En attente de pièces »."),
    ("de", "Villeneuve : la demande {reference} en est à « En attente de pièces »."),
])
def test_the_communes_sms_text_in_the_citizens_language_wins(app, commune, monkeypatch, language, expected):
    """A commune's SMS per language, its text for every language for the
    others; the portal link and the stop link still follow."""
    _texts(app, commune,
           NotificationTemplate(kind="sms", state="*", language="", subject="",
                                body="Villeneuve : la demande {reference} en est à « {status} »."),
           NotificationTemplate(kind="sms", state="*", language="en", subject="",
                                body="Villeneuve: {reference} is now « {status} »."))
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms", phone="06 12 34 56 78", language=language)
    with Gateway([(200, {"id": "sms-1"})]) as server:
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", server.url)
        ask_for_pieces(app, commune, request_id)
        with app.app_context():
            assert send_pending(NOW) == (1, 0)
    text = server.received[0]["body"]["text"]
    assert text.startswith(expected.format(reference="VSL-2026-00001"))
    assert f"{SITE}/c/villeneuve/portal/my-requests/{request_id}" in text and "/portal/unsubscribe/" in text


def test_without_the_communes_sms_in_his_language_the_citizen_gets_the_default_in_it(app, commune, monkeypatch):
    _texts(app, commune, NotificationTemplate(kind="sms", state="*", language="fr", subject="",
                                              body="Texte de la commune pour {reference}."),
           # An e-mail template is no SMS text.
           NotificationTemplate(kind="email", state="*", language="en", subject="Mail", body="Mail"))
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_channel="sms", phone="06 12 34 56 78", language="en")
    with Gateway([(200, {"id": "sms-1"})]) as server:
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", server.url)
        ask_for_pieces(app, commune, request_id)
        with app.app_context():
            send_pending(NOW)
    assert server.received[0]["body"]["text"].startswith(
        "Villeneuve-sur-Loire: your request VSL-2026-00001 is now at this stage: En attente de pièces.")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_communes_digest_subject_and_introduction(app, commune, language):
    """The commune's digest texts in French only: a French reader gets them,
    an English reader the default English ones; the day's lines and the
    links follow either way."""
    _texts(app, commune, NotificationTemplate(
        kind="digest", state="*", language="fr", subject="{commune} : votre journée",
        body="Chère, cher {citizen},\nvoici les nouvelles de vos démarches :"))
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_digest=True, language=language)
    ask_for_pieces(app, commune, request_id)
    with app.app_context():
        assert send_digests(NOW + timedelta(days=1)) == 1
    digest, = outbox(app)
    if language == "fr":
        assert digest.subject == "Villeneuve-sur-Loire : votre journée"
        assert digest.body.startswith("Chère, cher Léa Martin,\nvoici les nouvelles de vos démarches :\n\n- ")
    else:
        assert digest.subject == "Your requests at Villeneuve-sur-Loire: the day's updates"
        assert digest.body.startswith("Hello Léa Martin,\n\nHere is what changed in your requests:\n\n- ")
    assert "VSL-2026-00001" in digest.body and f"{SITE}/c/villeneuve/portal/my-requests/" in digest.body
    assert f"{SITE}/c/villeneuve/portal/unsubscribe/" in digest.body


def test_a_citizen_who_unsubscribed_meanwhile_gets_no_digest(app, commune):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_digest=True)
    ask_for_pieces(app, commune, request_id)
    prefer(app, commune, request_id, notify_channel="none")
    with app.app_context():
        assert send_digests(NOW + timedelta(days=1)) == 0
    assert outbox(app) == []
    with in_commune(app, commune):
        assert db.session.scalars(select(DigestItem)).all() == []


def test_the_acknowledgement_is_essential_and_ignores_the_preferences(app, commune):
    with in_commune(app, commune):
        citizen = Citizen(first_name="Léa", last_name="Martin", email="lea@example.org", notify_channel="none")
        db.session.add(citizen)
        db.session.commit()
        citizen_id = citizen.id
    from grc_core.models import RequestType
    from grc_core.requests.service import create_request
    with in_commune(app, commune):
        type_id = db.session.scalar(select(RequestType.id))
        created, errors = create_request(request_type=type_id, citizen=db.session.get(Citizen, citizen_id),
                                         channel="guichet", formdata=None, actor=None)
        assert errors == {}
    message, = outbox(app)
    assert message.recipient == "lea@example.org" and "List-Unsubscribe" not in (message.headers or {})


def test_the_digest_read_back_from_a_real_mail_server(app, commune, mailbox):
    request_id = new_request(app, commune)
    prefer(app, commune, request_id, notify_digest=True)
    ask_for_pieces(app, commune, request_id)
    counts = run_tick(app, "2026-06-02T06:00")
    assert (counts["digests"], counts["sent"]) == (1, 1)
    (recipients, content), = mailbox.received
    mail = email.message_from_bytes(content, policy=policy.default)
    assert recipients == ["lea.martin@example.org"]
    assert mail["Subject"] == "Vos demandes à Villeneuve-sur-Loire : les nouvelles du jour"
    stop = mail["List-Unsubscribe"].strip("<>")
    assert stop.startswith(f"{SITE}/c/villeneuve/portal/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = mail.get_content()
    assert "- Votre demande VSL-2026-00001 : En attente de pièces" in body
    assert f"Pour ne plus recevoir ces messages : {stop}" in body
    assert f"{SITE}/c/villeneuve/portal/my-requests/" in body
