"""The mail server refuses a recipient: for good (5xx to RCPT TO) the e-mail
is ``bounced`` and never tried again; for now (4xx) it stays pending and is
retried with backoff, like an outage. An e-mail may name its SMTP envelope
sender (a campaign's per-recipient bounce address), which is not a header."""
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import OutboxMessage, utcnow
from grc_core.notifications import enqueue_email, send_pending
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import unscoped
from storage_backends import free_port


class Refusing:
    def __init__(self):
        self.received = []  # (envelope sender, recipients, content)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 User unknown"
        if address.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK"


def test_permanent_refusal_bounces_temporary_is_retried(app, monkeypatch):
    box = Refusing()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": "", "MAIL_FROM": "mairie@villeneuve.example"}.items():
        monkeypatch.setitem(app.config["GRC"], key, value)
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        enqueue_email("gone@example.org", "Info", "Bonjour")
        enqueue_email("later@example.org", "Info", "Bonjour")
        enqueue_email("lea@example.org", "Info", "Bonjour", headers={"Return-Path": "bounces+1-2-abc@b.example"})
        enqueue_email("paul@example.org", "Info", "Bonjour")
        db.session.commit()
    start = utcnow()
    try:
        with app.app_context():
            for minutes in range(0, 24 * 60, 30):
                send_pending(start + timedelta(minutes=minutes))
    finally:
        controller.stop()
    with app.app_context(), unscoped():
        outbox = {m.recipient: (m.status, m.attempts, m.last_error) for m in
                  db.session.scalars(select(OutboxMessage))}
    assert outbox["gone@example.org"][:2] == ("bounced", 1) and "550" in outbox["gone@example.org"][2]
    assert outbox["later@example.org"][0] == "pending" and outbox["later@example.org"][1] > 1
    assert outbox["lea@example.org"][:2] == outbox["paul@example.org"][:2] == ("sent", 1)
    senders = {tuple(rcpts): (mail_from, content) for mail_from, rcpts, content in box.received}
    # The envelope sender given, else MAIL_FROM; never a Return-Path header in the message itself.
    assert senders[("lea@example.org",)][0] == "bounces+1-2-abc@b.example"
    assert senders[("paul@example.org",)][0] == "mairie@villeneuve.example"
    assert all(b"Return-Path" not in content for _sender, content in senders.values())
