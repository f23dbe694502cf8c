"""The outbox's batches (issue 19's delivery rate, issue 15's faults): due
messages claimed CLAIM_BATCH at a time under a lease, one SMTP connection,
each outcome committed alone before the next message leaves.

Real components: an aiosmtpd server on loopback, the test database
(SQLite, or PostgreSQL with GRC_TEST_DATABASE_URL), senders in processes of
their own (``grc outbox send``) for the races and the kill.
"""
import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select, text

from grc_core.extensions import db
from grc_core.jobs import core_jobs
from grc_core.models import OutboxMessage, utcnow
from grc_core.notifications import enqueue_email, send_pending
from grc_core.notifications.outbox import BACKOFF_MINUTES, CLAIM_BATCH, CLAIM_LEASE_MINUTES, claim_batch
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.tenancy import unscoped
from grc_core.workflows.deadlines import as_utc
from jobs_support import redis_queue, work  # noqa: F401 (fixture)
from storage_backends import free_port

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
# Bounds for a broken run (the test then fails with the sender's output), never timings.
WAIT_SECONDS = 120


class Server:
    """An SMTP server keeping what it receives. ``gone…`` recipients are
    refused for good (550), ``later…`` for now (451); ``hold`` names a
    recipient whose delivery stops after RCPT until ``release`` is set;
    ``senders`` holds every sender at MAIL FROM until that many are connected."""

    def __init__(self):
        self.received = []
        self.hold = None
        self.reached = threading.Event()
        self.release = threading.Event()
        self.senders = 1
        self.sessions = set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.sessions.add(id(session))
        for _ in range(WAIT_SECONDS * 20):
            if len(self.sessions) >= self.senders:
                break
            await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 User unknown"
        if address.startswith("later"):
            return "451 4.3.0 Try again later"
        if address == self.hold:
            self.reached.set()
            await asyncio.to_thread(self.release.wait, WAIT_SECONDS)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def server(app, monkeypatch):
    handler = Server()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": ""}.items():
        monkeypatch.setitem(app.config["GRC"], key, value)
    yield handler
    handler.release.set()
    controller.stop()


@pytest.fixture
def commune(app):
    return make_commune(app, plugins=[])


def queue(app, commune, recipients, now=NOW):
    with in_commune(app, commune):
        for recipient in recipients:
            enqueue_email(recipient, f"Travaux rue des Lilas ({recipient})", "Bonjour,\nles travaux commencent.",
                          now=now)
        db.session.commit()


def addresses(count, prefix="habitant"):
    return [f"{prefix}-{number:03d}@example.org" for number in range(count)]


def rows(app):
    """recipient → (status, attempts, next attempt)."""
    with app.app_context(), unscoped():
        return {m.recipient: (m.status, m.attempts, as_utc(m.next_attempt_at))
                for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))}


def sender(app, server, log_path):
    """``grc outbox send`` in a process of its own, on the test's database and SMTP server."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRC_")}
    env.update({"GRC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "GRC_SECRET_KEY": app.config["SECRET_KEY"],
                "GRC_INSTANCE_PATH": app.instance_path, "GRC_PLUGINS": ",".join(app.extensions["grc"].names),
                "GRC_MAIL_SERVER": "127.0.0.1", "GRC_MAIL_PORT": str(server.port), "GRC_MAIL_USE_TLS": "false"})
    log = log_path.open("wb")
    process = subprocess.Popen([str(Path(sys.executable).parent / "grc"), "outbox", "send", "--limit", "1000"],
                               cwd=log_path.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    log.close()
    return process


def test_a_run_claims_its_messages_by_batches_and_costs_one_statement_per_message(app, commune, server):
    recipients = addresses(2 * CLAIM_BATCH + 20)
    queue(app, commune, recipients)
    statements = []
    with app.app_context():
        def seen(connection, cursor, statement, *args):
            statements.append(statement.split()[0].upper())
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            assert send_pending(NOW, limit=500) == (len(recipients), 0)
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    assert sorted(server.received) == recipients  # each once
    assert set(rows(app).values()) == {("sent", 1, NOW + timedelta(minutes=CLAIM_LEASE_MINUTES))}
    # Four claims (50, 50, 20, then none), each BEGIN, SELECT, UPDATE (not the empty one), COMMIT;
    # then one UPDATE per message: no SELECT, no refresh, no second commit per message.
    claims = 4
    assert statements.count("SELECT") == claims
    assert statements.count("BEGIN") == statements.count("COMMIT") == claims
    assert statements.count("UPDATE") == len(recipients) + claims - 1
    assert len(statements) == len(recipients) + 4 * claims - 1


def test_two_senders_claim_different_messages_and_skip_what_the_other_is_taking(app, commune):
    queue(app, commune, addresses(2 * CLAIM_BATCH + 20))
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second:
        first, second = (c.execution_options(isolation_level="AUTOCOMMIT") for c in (first, second))
        lease, mine = claim_batch(first, NOW, ("email",), CLAIM_BATCH)
        _, theirs = claim_batch(second, NOW, ("email",), CLAIM_BATCH)
        assert lease == NOW + timedelta(minutes=CLAIM_LEASE_MINUTES)
        assert len(mine) == len(theirs) == CLAIM_BATCH
        assert not {row.id for row in mine} & {row.id for row in theirs}
        if first.dialect.name == "postgresql":
            # A third sender in the middle of its claim holds the next rows locked: they are skipped, not waited for.
            third = db.engine.connect()
            try:
                held = third.execute(text("SELECT id FROM outbox_message WHERE status = 'pending' AND "
                                          "next_attempt_at <= :now ORDER BY id LIMIT 5 FOR UPDATE"),
                                     {"now": NOW}).scalars().all()
                _, rest = claim_batch(first, NOW, ("email",), CLAIM_BATCH)
                assert len(held) == 5 and len(rest) == 15 and not set(held) & {row.id for row in rest}
            finally:
                third.rollback()
                third.close()
            _, rest = claim_batch(second, NOW, ("email",), CLAIM_BATCH)
            assert sorted(row.id for row in rest) == sorted(held)
        else:
            _, rest = claim_batch(first, NOW, ("email",), CLAIM_BATCH)
            assert len(rest) == 20
        # Everything is leased: nothing is due for anyone until the lease runs out.
        assert claim_batch(second, NOW, ("email",), CLAIM_BATCH)[1] == []
        assert len(claim_batch(second, lease, ("email",), 500)[1]) == 2 * CLAIM_BATCH + 20


def test_two_sender_processes_at_once_send_each_message_once(app, commune, server, tmp_path):
    recipients = addresses(4 * CLAIM_BATCH)
    queue(app, commune, recipients, now=utcnow())
    server.senders = 2  # the first to connect waits at MAIL FROM for the other: both send at once
    processes = [sender(app, server, tmp_path / f"sender{number}.log") for number in (1, 2)]
    try:
        for process in processes:
            process.wait(timeout=WAIT_SECONDS * 2)
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    outputs = [(tmp_path / f"sender{number}.log").read_text() for number in (1, 2)]
    assert [process.returncode for process in processes] == [0, 0], outputs
    sent = [int(output.split("E-mails envoyés : ")[1].split(" ")[0]) for output in outputs]
    assert sum(sent) == len(recipients) and min(sent) >= CLAIM_BATCH, outputs
    assert sorted(server.received) == recipients  # each exactly once, between them
    assert {(status, attempts) for status, attempts, _next in rows(app).values()} == {("sent", 1)}


def test_a_sender_killed_in_the_middle_of_a_batch_leaves_the_rest_to_its_lease(app, commune, server, tmp_path):
    recipients = addresses(CLAIM_BATCH + 10)
    queue(app, commune, recipients, now=utcnow())
    server.hold = recipients[3]
    process = sender(app, server, tmp_path / "killed.log")
    try:
        assert server.reached.wait(WAIT_SECONDS), (tmp_path / "killed.log").read_text()
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    server.release.set()
    killed_at = utcnow()
    state = rows(app)
    # The three sent before the kill were recorded, each when its server said yes.
    assert [state[r][:2] for r in recipients[:3]] == [("sent", 1)] * 3
    # The one in flight and the rest of the batch: untried, leased to the dead sender.
    leased = recipients[3:CLAIM_BATCH]
    assert all(state[r][:2] == ("pending", 0) and state[r][2] > killed_at + timedelta(minutes=CLAIM_LEASE_MINUTES - 1)
               for r in leased)
    assert all(state[r][:2] == ("pending", 0) and state[r][2] <= killed_at for r in recipients[CLAIM_BATCH:])
    with app.app_context():
        # Another sender meanwhile: only what was never claimed.
        assert send_pending(killed_at, limit=500) == (10, 0)
        # The lease has run out: the dead sender's messages are sent.
        assert send_pending(killed_at + timedelta(minutes=CLAIM_LEASE_MINUTES), limit=500) == (len(leased), 0)
    assert sorted(server.received) == recipients  # each exactly once
    assert {value[:2] for value in rows(app).values()} == {("sent", 1)}


def test_refusals_in_a_batch_are_recorded_per_message(app, commune, server):
    recipients = addresses(CLAIM_BATCH + 10)
    recipients[7], recipients[11] = "gone-007@example.org", "later-011@example.org"
    queue(app, commune, recipients)
    with app.app_context():
        assert send_pending(NOW, limit=500) == (len(recipients) - 2, 2)
    state = rows(app)
    assert state["gone-007@example.org"][:2] == ("bounced", 1)
    assert state["later-011@example.org"] == ("pending", 1, NOW + timedelta(minutes=BACKOFF_MINUTES[0]))
    delivered = [r for r in recipients if not r.startswith(("gone", "later"))]
    assert all(state[r][:2] == ("sent", 1) for r in delivered)
    assert sorted(server.received) == delivered
    with app.app_context(), unscoped():
        errors = dict(db.session.execute(select(OutboxMessage.recipient, OutboxMessage.last_error).where(
            OutboxMessage.status != "sent")).all())
    assert "User unknown" in errors["gone-007@example.org"] and "Try again later" in errors["later-011@example.org"]


def test_an_unreachable_server_gives_the_rest_of_the_batch_back_as_it_was(app, commune, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config["GRC"], "MAIL_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config["GRC"], "MAIL_USE_TLS", False)
    recipients = addresses(CLAIM_BATCH)
    queue(app, commune, recipients)
    with app.app_context():
        assert send_pending(NOW, limit=500) == (0, 1)
    state = rows(app)
    assert state[recipients[0]] == ("pending", 1, NOW + timedelta(minutes=BACKOFF_MINUTES[0]))
    # Not left leased for a quarter of an hour: due as before, in their order.
    assert all(state[r] == ("pending", 0, NOW) for r in recipients[1:])


def test_one_delivery_job_drains_the_outbox_round_after_round(app, commune, server):
    recipients = addresses(50)
    queue(app, commune, recipients, now=utcnow())
    with app.app_context():
        assert core_jobs.outbox_send_job(limit=20) == {"sent": 50, "failed": 0}
    assert sorted(server.received) == recipients


def test_a_delivery_job_out_of_time_queues_its_sequel(app, commune, server, redis_queue, monkeypatch):
    recipients = addresses(50)
    queue(app, commune, recipients, now=utcnow())
    for job in redis_queue.jobs:  # the commit's own delivery: this test queues its own
        job.delete()
    monkeypatch.setattr(core_jobs, "DRAIN_SECONDS", -1)  # every round is over time
    with app.app_context():
        assert core_jobs.outbox_send_job(limit=20) == {"sent": 20, "failed": 0}
    assert redis_queue.count == 1
    work(app, redis_queue)  # the sequel sends 20 and queues the next, which sends the last 10
    assert sorted(server.received) == recipients
    assert len(redis_queue.finished_job_registry.get_job_ids()) == 2


def test_e_mails_share_their_header_classes_and_read_as_with_the_standard_registry():
    from email import message_from_bytes, policy as email_policy
    from email.message import EmailMessage
    from types import SimpleNamespace

    from grc_core.notifications import outbox

    link = "https://www.villeneuve.fr/campagnes/unsubscribe/" + "x" * 120
    messages = [SimpleNamespace(id=number, recipient=f"habitant-{number}@example.org", subject="Travaux à l'école",
                                body="Bonjour,\nles travaux commencent.\n",
                                headers={"List-Unsubscribe": f"<{link}>",
                                         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                                         "Return-Path": f"bounce+{number}@villeneuve.fr"}) for number in (1, 2)]
    first, second = (outbox._email(message, NOW, "Mairie <mairie@villeneuve.fr>") for message in messages)
    # One class per header name for every e-mail, not one per header of each e-mail.
    assert [type(first[name]) for name in first.keys()] == [type(second[name]) for name in second.keys()]
    # The same e-mail as the standard library's registry builds: same headers, same folding, same body.
    outbox.MAIL_POLICY, cached = email_policy.SMTP.clone(max_line_length=998), outbox.MAIL_POLICY
    try:
        standard = outbox._email(messages[0], NOW, "Mairie <mairie@villeneuve.fr>")
    finally:
        outbox.MAIL_POLICY = cached
    for built in (first, standard):
        del built["Message-ID"]  # unique per e-mail
    assert isinstance(first, EmailMessage) and bytes(first) == bytes(standard)
    parsed = message_from_bytes(bytes(first), policy=email_policy.default)
    assert parsed["List-Unsubscribe"] == f"<{link}>" and parsed["Subject"] == "Travaux à l'école"
