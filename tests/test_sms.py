"""SMS: what a text costs, which numbers take one, and their delivery through
the outbox to an HTTP gateway the test starts (retries, refusals, no gateway)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import OutboxMessage
from grc_core.notifications import BACKOFF_MINUTES, send_pending
from grc_core.notifications.outbox import enqueue_sms, waiting_sms
from grc_core.notifications.sms import HttpGateway, SmsPermanentError, mobile_number, sms_length
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import unscoped
from grc_core.workflows.deadlines import as_utc
from jobs_support import redis_queue, work  # noqa: F401 (fixture)
from sms_gateway import Gateway

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)


# --- length ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("", ("GSM-7", 0, 0)),
    ("a" * 160, ("GSM-7", 160, 1)),
    ("a" * 161, ("GSM-7", 161, 2)),  # split: 153 per part
    ("a" * 306, ("GSM-7", 306, 2)),
    ("a" * 307, ("GSM-7", 307, 3)),
    ("Votre demande à la mairie est traitée", ("GSM-7", 37, 1)),  # à, é are in the GSM alphabet
    ("€" * 80, ("GSM-7", 160, 1)),  # an extension character counts twice
    ("€" * 81, ("GSM-7", 162, 2)),
    ("Demande reçue", ("UCS-2", 13, 1)),  # ç is not (only Ç is): the whole text turns UCS-2
    ("ê" * 70, ("UCS-2", 70, 1)),
    ("ê" * 71, ("UCS-2", 71, 2)),  # 67 per part
    ("ê" * 134, ("UCS-2", 134, 2)),
    ("ê" * 135, ("UCS-2", 135, 3)),
    ("🙂" * 35, ("UCS-2", 70, 1)),  # an emoji is two UTF-16 units
    ("🙂" * 36, ("UCS-2", 72, 2)),
])
def test_the_cost_of_a_text_in_sms(text, expected):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("06 12 34 56 78", "+33612345678"),
    ("07.81.23.45.67", "+33781234567"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("+44 7400 123456", "+447400123456"),  # a foreign mobile
    ("01 23 45 67 89", None),  # a landline takes no SMS
    ("06 12 34", None),  # too short
    ("bonjour", None),
    ("", None),
])
def test_only_a_valid_mobile_number_takes_an_sms(raw, expected):
    assert mobile_number(raw) == expected


# --- the gateway -----------------------------------------------------------------------

def test_the_gateway_posts_json_with_the_key_and_returns_the_providers_id():
    with Gateway([(201, {"id": "msg-42"})]) as server:
        provider = HttpGateway(server.url, "secret-key", sender="MAIRIE")
        assert provider.send("+33612345678", "Bonjour", "grc-7") == "msg-42"
    call, = server.received
    assert call["body"] == {"to": "+33612345678", "text": "Bonjour", "sender": "MAIRIE", "reference": "grc-7"}
    assert call["authorization"] == "Bearer secret-key"
    assert call["idempotency"] == "grc-7"


def test_a_refusal_gives_the_gateways_reason():
    with Gateway([(400, {"error": "numéro non attribué"})]) as server:
        with pytest.raises(SmsPermanentError, match="HTTP 400: numéro non attribué"):
            HttpGateway(server.url, "k").send("+33612345678", "Bonjour", "grc-1")


@pytest.fixture
def commune(app):
    return make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=[])


def queue_sms(app, commune, number="+33612345678", text="Votre demande avance."):
    with in_commune(app, commune):
        message = enqueue_sms(number, text, now=NOW)
        db.session.commit()
        return message.id


def row(app, message_id) -> OutboxMessage:
    with app.app_context(), unscoped():
        found = db.session.get(OutboxMessage, message_id)
        db.session.expunge(found)
        return found


@pytest.fixture
def configured(app, monkeypatch):
    def configure(server, timeout=10):
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_URL", server.url)
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_KEY", "secret-key")
        monkeypatch.setitem(app.config["GRC"], "SMS_GATEWAY_TIMEOUT_SECONDS", timeout)
    return configure


def test_an_sms_of_the_outbox_is_sent_through_the_gateway(app, commune, configured):
    message_id = queue_sms(app, commune)
    with Gateway([(200, {"id": "abc-1"})]) as server:
        configured(server)
        with app.app_context():
            assert send_pending(NOW) == (1, 0)
            assert send_pending(NOW + timedelta(days=1)) == (0, 0)  # sent once
    sent = row(app, message_id)
    assert (sent.channel, sent.status, sent.attempts, sent.provider_ref) == ("sms", "sent", 1, "abc-1")
    assert [call["body"]["text"] for call in server.received] == ["Votre demande avance."]


def test_a_gateway_error_is_retried_with_backoff_and_the_sms_sent_once(app, commune, configured):
    message_id = queue_sms(app, commune)
    with Gateway([(500, {"error": "maintenance"}), (503, {}), (200, {"id": "ok-3"})]) as server:
        configured(server)
        with app.app_context():
            assert send_pending(NOW) == (0, 1)
            first = row(app, message_id)
            assert (first.status, first.attempts) == ("pending", 1)
            assert "HTTP 500: maintenance" in first.last_error
            assert as_utc(first.next_attempt_at) == NOW + timedelta(minutes=BACKOFF_MINUTES[0])
            assert send_pending(NOW) == (0, 0)  # not due yet
            later = NOW + timedelta(minutes=BACKOFF_MINUTES[0])
            assert send_pending(later) == (0, 1)
            assert send_pending(later + timedelta(minutes=BACKOFF_MINUTES[1])) == (1, 0)
            assert send_pending(later + timedelta(days=2)) == (0, 0)
    sent = row(app, message_id)
    assert (sent.status, sent.attempts, sent.last_error, sent.provider_ref) == ("sent", 3, "", "ok-3")
    assert len(server.delivered) == 1
    # Every attempt named the message the same way: a provider can drop a repeat.
    assert {call["idempotency"] for call in server.received} == {f"grc-{message_id}"}


def test_a_gateway_that_does_not_answer_is_retried(app, commune, configured):
    message_id = queue_sms(app, commune)
    with Gateway(["hang", (200, {"id": "late-1"})]) as server:
        configured(server, timeout=0.5)
        with app.app_context():
            assert send_pending(NOW) == (0, 1)
            waiting = row(app, message_id)
            assert waiting.status == "pending" and "timed out" in waiting.last_error
            assert send_pending(NOW + timedelta(minutes=BACKOFF_MINUTES[0])) == (1, 0)
    assert row(app, message_id).status == "sent"
    assert len(server.delivered) == 1


def test_a_permanent_refusal_fails_the_sms_at_once_with_the_reason(app, commune, configured):
    refused = queue_sms(app, commune, number="+33600000000")
    other = queue_sms(app, commune, number="+33612345678")
    with Gateway([(422, {"error": "numéro inconnu de l'opérateur"}), (200, {"id": "x"})]) as server:
        configured(server)
        with app.app_context():
            assert send_pending(NOW) == (1, 1)
            assert send_pending(NOW + timedelta(days=2)) == (0, 0)  # never tried again
    failed = row(app, refused)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "SmsPermanentError: HTTP 422: numéro inconnu de l'opérateur"
    assert row(app, other).status == "sent"
    assert len(server.received) == 2


def test_without_a_gateway_sms_wait_and_leave_once_one_is_configured(app, commune, configured):
    message_id = queue_sms(app, commune)
    with app.app_context():
        assert send_pending(NOW) == (0, 0)
        assert waiting_sms() == 1
    waiting = row(app, message_id)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("pending", 0, "")
    # `grc tick` says why they wait.
    result = app.test_cli_runner().invoke(cli, ["tick", "--now", "2026-06-01T10:00"])
    assert "SMS en attente : 1 (aucune passerelle SMS configurée : GRC_SMS_GATEWAY_URL)." in result.output
    with Gateway([(200, {"id": "now"})]) as server:
        configured(server)
        with app.app_context():
            assert send_pending(NOW) == (1, 0)
            assert waiting_sms() == 0
    assert row(app, message_id).status == "sent"


def test_sms_rows_are_written_with_the_channel_and_no_subject(app, commune):
    message_id = queue_sms(app, commune)
    with app.app_context(), unscoped():
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
        assert (message.channel, message.recipient, message.subject) == ("sms", "+33612345678", "")


def test_with_the_job_queue_an_sms_leaves_through_the_outbox_job(app, commune, configured, redis_queue):
    with Gateway([(200, {"id": "queued-1"})]) as server:
        configured(server)
        message_id = queue_sms(app, commune)  # its commit queues `outbox.send` on the real Redis
        assert redis_queue.count == 1
        work(app, redis_queue)
    assert row(app, message_id).status == "sent"
    assert [call["body"]["to"] for call in server.delivered] == ["+33612345678"]
