"""The mail server down for an hour: each e-mail stays in the outbox, is
retried with backoff, and is delivered exactly once when the server is back."""
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import OutboxMessage, utcnow
from grc_core.notifications import enqueue_email, send_pending
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import unscoped
from jobs_support import Mailbox
from storage_backends import free_port


def outbox(app):
    with app.app_context(), unscoped():
        return [(m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_smtp_down_for_an_hour_then_each_message_is_sent_once(app, monkeypatch):
    port = free_port()  # nothing listens there yet: the server is down
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": ""}.items():
        monkeypatch.setitem(app.config["GRC"], key, value)
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        for i in range(3):
            enqueue_email(f"{i}.lea@example.org", f"Votre demande {i}", "Bonjour")
        db.session.commit()
    start = utcnow()
    with app.app_context():
        for minutes in range(0, 60, 10):  # the tick, every ten minutes of the outage
            send_pending(start + timedelta(minutes=minutes))
    states = outbox(app)
    assert all(status == "pending" and attempts >= 1 for status, attempts in states), states

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with app.app_context():
            for minutes in range(60, 24 * 60, 10):  # back: the next ticks of the day
                send_pending(start + timedelta(minutes=minutes))
    finally:
        controller.stop()
    assert [status for status, _attempts in outbox(app)] == ["sent"] * 3
    assert sorted(rcpt for rcpts, _content in box.received for rcpt in rcpts) == \
        [f"{i}.lea@example.org" for i in range(3)]
