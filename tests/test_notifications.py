"""Notifications: templates, the outbox, delivery by SMTP or into the mail folder, retries."""
import email
import smtplib
from datetime import datetime, timedelta, timezone
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import NotificationTemplate, OutboxMessage, Request, Workflow
from grc_core.notifications import (
    BACKOFF_MINUTES, MAX_ATTEMPTS, enqueue_email, fill, send_pending, status_email,
)
from grc_core.plugin_api.testing import in_commune
from grc_core.tenancy import unscoped
from grc_core.workflows.deadlines import as_utc
from tests.test_workflow_engine import act, new_request, setup_commune

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)


@pytest.fixture
def commune(app):
    return setup_commune(app)


def waiting(app, commune, request_id):
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr", now=NOW)
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif", now=NOW)


def outbox(app):
    with app.app_context(), unscoped():
        return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_the_default_email_gives_reference_type_and_status_in_plain_words(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        subject, body = status_email(request)
    assert "VSL-2026-00001" in subject and "En cours d'instruction" in subject
    for expected in ("Léa Martin", "VSL-2026-00001", "Signalement", "En cours d'instruction",
                     "Villeneuve-sur-Loire"):
        assert expected in body
    assert "en_cours" not in body


def test_the_communes_own_template_wins_most_specific_first(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        workflow = db.session.scalar(select(Workflow))
        db.session.add_all([
            NotificationTemplate(workflow_id=None, state="*", subject="Mairie : {reference}", body="Générique"),
            NotificationTemplate(workflow_id=workflow.id, state="*", subject="Suivi {reference}",
                                 body="Bonjour {citizen}, votre {type} est : {status}. {commune}"),
            NotificationTemplate(workflow_id=workflow.id, state="attente", subject="Pièces pour {reference}",
                                 body="Il nous manque une pièce ({status})."),
        ])
        db.session.commit()
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        assert status_email(request) == (
            "Suivi VSL-2026-00001",
            "Bonjour Léa Martin, votre Signalement est : En cours d'instruction. Villeneuve-sur-Loire")
        act(request, "demander", "agent@villeneuve.fr", comment="Pièce")
        assert status_email(request) == ("Pièces pour VSL-2026-00001",
                                         "Il nous manque une pièce (En attente de pièces).")
        db.session.execute(NotificationTemplate.__table__.delete().where(
            NotificationTemplate.workflow_id.is_not(None)))
        db.session.commit()
        assert status_email(request) == ("Mairie : VSL-2026-00001", "Générique")


def test_templates_only_fill_known_placeholders():
    values = {"reference": "VSL-2026-00001"}
    assert fill("{reference} {inconnu} {reference.__class__} {0}", values) == (
        "VSL-2026-00001 {inconnu} {reference.__class__} {0}")
    assert fill("Accolade { ouverte {reference}", values) == "Accolade { ouverte {reference}"
    assert fill("{{littéral}} {reference}", values) == "{littéral} VSL-2026-00001"


def test_enqueue_follows_the_callers_transaction_and_keeps_headers_on_one_line(app, commune):
    with in_commune(app, commune):
        enqueue_email("a@example.org", "Objet\r\nBcc: victime@example.org", "Corps")
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        message = enqueue_email("a@example.org", "Objet\r\nBcc: victime@example.org", "Corps")
        db.session.commit()
        assert message.subject == "Objet Bcc: victime@example.org"


def test_without_a_mail_server_mails_are_written_to_the_instance_folder(app, commune):
    request_id = new_request(app, commune)
    waiting(app, commune, request_id)
    folder = Path(app.instance_path) / "mail"
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    with app.app_context():
        assert send_pending(NOW) == (1, 0)
        assert send_pending(NOW) == (0, 0)
    [written] = set(folder.glob("*.eml")) - before
    parsed = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert "VSL-2026-00001" in parsed["Subject"]
    assert parsed["To"] == "lea.martin@example.org"
    assert parsed["From"] == "no-reply@localhost"
    assert "En attente de pièces" in parsed.get_content()
    [message] = outbox(app)
    assert (message.status, message.attempts, as_utc(message.sent_at)) == ("sent", 1, NOW)


class FakeSMTP:
    """Stands for smtplib.SMTP: down until ``up`` is set, then records what it sends."""

    up = False
    refuse: set = set()
    sent: list = []
    connections = 0

    def __init__(self, host, port, timeout=None):
        FakeSMTP.connections += 1
        if not FakeSMTP.up:
            raise ConnectionRefusedError(111, "Connection refused")
        self.host, self.port = host, port

    def starttls(self):
        pass

    def login(self, user, password):
        assert (user, password) == ("grc", "secret")

    def send_message(self, message, from_addr=None):
        if message["To"] in FakeSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"unknown user")})
        FakeSMTP.sent.append(message)

    def quit(self):
        pass

    def close(self):
        pass


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "up", False)
    monkeypatch.setattr(FakeSMTP, "refuse", set())
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "connections", 0)
    for key, value in {"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
                       "MAIL_USERNAME": "grc", "MAIL_PASSWORD": "secret",
                       "MAIL_FROM": "Mairie <ne-pas-repondre@villeneuve.fr>"}.items():
        monkeypatch.setitem(app.config["GRC"], key, value)
    return FakeSMTP


def test_a_mail_server_failure_loses_nothing_and_is_retried(app, commune, smtp):
    waiting(app, commune, new_request(app, commune, number=1))
    waiting(app, commune, new_request(app, commune, number=2))
    with app.app_context():
        # Down: the first message records the failure, the batch stops there.
        assert send_pending(NOW) == (0, 1)
    first, second = outbox(app)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "Connection refused" in first.last_error
    assert as_utc(first.next_attempt_at) == NOW + timedelta(minutes=BACKOFF_MINUTES[0])
    assert (second.status, second.attempts) == ("pending", 0)
    assert smtp.connections == 1

    smtp.up = True
    with app.app_context():
        assert send_pending(NOW + timedelta(seconds=30)) == (1, 0)  # the failed one is not due yet
        assert send_pending(NOW + timedelta(minutes=1)) == (1, 0)
    assert [m["Subject"] for m in smtp.sent] == [second.subject, first.subject]
    assert smtp.sent[0]["From"] == "Mairie <ne-pas-repondre@villeneuve.fr>"
    first, second = outbox(app)
    assert (first.status, first.attempts, first.last_error) == ("sent", 2, "")
    assert second.status == "sent"


def test_a_refused_recipient_does_not_hold_back_the_others(app, commune, smtp):
    waiting(app, commune, new_request(app, commune, number=1, email="inconnu@example.org"))
    waiting(app, commune, new_request(app, commune, number=2))
    smtp.up = True
    smtp.refuse = {"inconnu@example.org"}
    with app.app_context():
        assert send_pending(NOW) == (1, 1)
    refused, delivered = outbox(app)
    # Refused for good (550): a bounce, not tried again (tests/faults/test_smtp_refusals.py: a 4xx is retried).
    assert refused.status == "bounced" and "unknown user" in refused.last_error
    assert delivered.status == "sent"


def test_after_the_last_attempt_the_message_is_failed_for_good(app, commune, smtp):
    waiting(app, commune, new_request(app, commune))
    moment = NOW
    with app.app_context():
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert send_pending(moment) == (0, 1)
            [message] = outbox(app)
            assert message.attempts == attempt
            if attempt < MAX_ATTEMPTS:
                assert message.status == "pending"
                moment = as_utc(message.next_attempt_at)
        assert message.status == "failed"
        assert send_pending(moment + timedelta(days=30)) == (0, 0)
    assert BACKOFF_MINUTES[:4] == (1, 5, 30, 120) and MAX_ATTEMPTS == 8


def test_grc_outbox_send(app, commune):
    from grc_core.cli import cli

    with in_commune(app, commune):
        enqueue_email("lea.martin@example.org", "Votre demande", "Bonjour")
        db.session.commit()
    result = app.test_cli_runner().invoke(cli, ["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "E-mails envoyés : 1 ; en échec (nouvelle tentative plus tard) : 0."
