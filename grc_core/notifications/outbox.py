"""Writing e-mails to the outbox, and delivering them.

Delivery goes through SMTP when ``MAIL_SERVER`` is set; otherwise (the
embedded default) each e-mail is written as an ``.eml`` file into
``<instance>/mail/``, which any mail client opens, so a newcomer sees what
citizens would receive.

A failed attempt keeps the message ``pending`` with ``attempts`` + 1, the
error and the next attempt later and later (:data:`BACKOFF_MINUTES`); after
:data:`MAX_ATTEMPTS` it becomes ``failed`` and stays visible to the admin.
Messages are claimed before they are sent, :data:`CLAIM_BATCH` at a time in
one short transaction, so that two senders (two workers, a job and
``grc tick``) never send the same one: the claim moves them
:data:`CLAIM_LEASE_MINUTES` ahead (a lease) and is committed before the
first is sent (:func:`claim_batch`). Each message's outcome is then
committed alone, as soon as the server answered: a sender killed in the
middle of a batch leaves at most the one message in flight sent but not
recorded — sent a second time when the lease has run out, like the rest of
its batch, which were never sent. One SMTP connection serves every batch of
a run.

With a job queue (``REDIS_URL``), committing a transaction that added
e-mails queues an ``outbox.send`` job, so they leave within seconds;
without one, ``grc tick`` sends them as before.

SMS are outbox rows too (``channel`` "sms", the recipient an E.164 number),
sent through the SMS gateway (:mod:`.sms`) with the same claim, retries and
backoff; a refusal for good (:class:`~.sms.SmsPermanentError`) fails the
message at once with the gateway's reason. Without a gateway configured,
SMS are not claimed: they wait, counted by :func:`waiting_sms`, and leave
once a gateway is set (citizens are not switched to SMS then: see
:mod:`.citizens`).
"""
from __future__ import annotations

import logging
import smtplib
import time
from datetime import datetime, timedelta
from email import policy as email_policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import case, event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Commune, OutboxMessage, utcnow
from ..tenancy import unscoped
from ..workflows.deadlines import as_utc
from . import sms

log = logging.getLogger(__name__)

# Wait after the 1st, 2nd… failed attempt; the 8th failure is final.
BACKOFF_MINUTES = (1, 5, 30, 120, 360, 720, 1440)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
SMTP_TIMEOUT_SECONDS = 30
# Messages a sender takes per claim, and how long they stay its own: a
# sender killed in the middle of a batch leaves them to be sent again after
# the lease. A batch stops sending LEASE_MARGIN_SECONDS before its lease
# ends (a slow server: at most a few SMTP timeouts per message), and gives
# the rest back, so a message is never sent by two living senders.
CLAIM_BATCH = 50
CLAIM_LEASE_MINUTES = 15
LEASE_MARGIN_SECONDS = 5 * 60
# An extra "header" that is the SMTP envelope sender (MAIL FROM), not a header:
# a campaign's per-recipient bounce address (VERP); the receiving MTA writes it
# as the Return-Path.
ENVELOPE_SENDER = "Return-Path"
# Set on a session that added e-mails; read when it commits.
_NEW_MAIL = "grc_outbox_new_mail"


def _one_line(text: str, limit: int) -> str:
    # A line break in a header would let text forge other headers.
    return " ".join(str(text).split())[:limit]


def enqueue_email(recipient: str, subject: str, body: str, *, request=None,
                  now: datetime | None = None, headers: dict[str, str] | None = None) -> OutboxMessage:
    """Add an e-mail to the outbox, in the caller's transaction (not committed);
    due at once (``now``: the caller's clock). ``headers``: extra headers
    (e.g. a campaign's ``List-Unsubscribe``), each on one line."""
    now = as_utc(now or utcnow())
    message = OutboxMessage(
        recipient=_one_line(recipient, 254), subject=_one_line(subject, 250), body=body,
        request_id=getattr(request, "id", None), status="pending", attempts=0, created_at=now,
        next_attempt_at=now,
        headers={_one_line(name, 80): _one_line(value, 900) for name, value in headers.items()} if headers else None,
    )
    if request is not None:
        message.commune_id = request.commune_id
    db.session.add(message)
    db.session.info[_NEW_MAIL] = True
    return message


def enqueue_sms(number: str, text: str, *, request=None, now: datetime | None = None) -> OutboxMessage:
    """Add an SMS to the outbox, in the caller's transaction (not committed);
    ``number`` in E.164 form (:func:`.sms.mobile_number`)."""
    now = as_utc(now or utcnow())
    message = OutboxMessage(channel="sms", recipient=_one_line(number, 254), subject="", body=text,
                            request_id=getattr(request, "id", None), status="pending", attempts=0,
                            created_at=now, next_attempt_at=now)
    if request is not None:
        message.commune_id = request.commune_id
    db.session.add(message)
    db.session.info[_NEW_MAIL] = True
    return message


def waiting_sms() -> int:
    """SMS pending in every commune: without a gateway, they are never sent."""
    with unscoped():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.channel == "sms", OutboxMessage.status == "pending")) or 0


@event.listens_for(Session, "after_commit")
def _queue_delivery(session) -> None:
    if not session.info.pop(_NEW_MAIL, False):
        return
    from ..jobs import enqueue, queue_configured

    if not queue_configured():
        return
    try:
        enqueue("outbox.send")
    except Exception:
        # The e-mails are committed: the next tick sends them all the same.
        log.warning("could not queue the outbox's delivery", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_new_mail(session) -> None:
    session.info.pop(_NEW_MAIL, None)


def _settings() -> dict:
    return current_app.config["GRC"]


class HeaderClasses(HeaderRegistry):
    """The standard library's header registry, building each header's class
    once. The standard one builds a new class for every header of every
    e-mail (``type(...)`` in ``HeaderRegistry.__getitem__``): a campaign of
    100,000 e-mails made a million classes, each freed only by the cyclic
    garbage collector, whose passes then walked a worker's whole heap — about
    a third of the CPU spent building an e-mail (docs/benchmarks.md,
    issue 19)."""

    def __init__(self):
        super().__init__()
        self.classes = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self.classes:
            self.classes[key] = super().__getitem__(name)
        return self.classes[key]


# Header lines up to RFC 5322's 998 characters: a long List-Unsubscribe URL
# folded by the default 78 would become an encoded word no client reads as a URL.
MAIL_POLICY = email_policy.SMTP.clone(max_line_length=998, header_factory=HeaderClasses())


def _email(message, now: datetime, sender: str) -> EmailMessage:
    """The e-mail of an outbox message (a row or the model: the same names)."""
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(now)
    email["Message-ID"] = make_msgid(idstring=f"grc-{message.id}")
    for name, value in (message.headers or {}).items():
        if name != ENVELOPE_SENDER:
            email[name] = value
    email.set_content(message.body)
    return email


class MailServerUnavailable(Exception):
    """Could not connect or sign in: the rest of the batch waits for the next run."""


class FolderMailer:
    """Writes each e-mail to ``<instance>/mail/`` (no mail server configured)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: OutboxMessage, email: EmailMessage, now: datetime) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{now:%Y%m%d-%H%M%S}-{message.id:06d}.eml"
        path.write_bytes(bytes(email))

    def close(self) -> None:
        pass


class SmtpMailer:
    """One SMTP connection for a batch, opened on the first message."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        try:
            connection = smtplib.SMTP(settings["MAIL_SERVER"], int(settings.get("MAIL_PORT") or 25),
                                      timeout=SMTP_TIMEOUT_SECONDS)
        except (smtplib.SMTPException, OSError) as error:
            raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
        try:
            if settings.get("MAIL_USE_TLS"):
                connection.starttls()
            if settings.get("MAIL_USERNAME"):
                connection.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
        except (smtplib.SMTPException, OSError) as error:
            connection.close()
            raise MailServerUnavailable(f"{type(error).__name__}: {error}") from error
        return connection

    def send(self, message: OutboxMessage, email: EmailMessage, now: datetime) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(email, from_addr=(message.headers or {}).get(ENVELOPE_SENDER))
        except (smtplib.SMTPServerDisconnected, OSError):
            # Next message reconnects.
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (smtplib.SMTPException, OSError):
                self.connection.close()
            self.connection = None


def mailer():
    settings = _settings()
    if settings.get("MAIL_SERVER"):
        return SmtpMailer(settings)
    return FolderMailer(Path(current_app.instance_path) / "mail")


def permanently_refused(error: Exception) -> bool:
    """The server refused the recipient for good (5xx to RCPT TO): trying
    again would be refused again — a bounce, not a failure to retry."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and bool(error.recipients) and all(
        code >= 500 for code, _text in error.recipients.values())


def failure(attempts: int, error: Exception, now: datetime, *, final: bool = False) -> dict:
    """The columns of a message whose attempt number ``attempts`` + 1 failed:
    bounced when refused for good, failed after the last attempt (or
    ``final``), else due again after its backoff."""
    values = {"attempts": attempts + 1, "last_error": _one_line(f"{type(error).__name__}: {error}", 500)}
    if permanently_refused(error):
        values["status"] = "bounced"
    elif final or attempts + 1 >= MAX_ATTEMPTS:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = now + timedelta(minutes=BACKOFF_MINUTES[attempts])
    return values


# What a sender reads of a claimed message: enough to build and send it, and
# when it was due (to give it back untried without moving it down the queue).
CLAIMED_COLUMNS = (OutboxMessage.id, OutboxMessage.channel, OutboxMessage.recipient, OutboxMessage.subject,
                   OutboxMessage.body, OutboxMessage.headers, OutboxMessage.attempts, OutboxMessage.next_attempt_at)


def claim_batch(connection, now: datetime, channels: tuple[str, ...], size: int) -> tuple[datetime, list]:
    """Take up to ``size`` due messages for this sender (``connection`` in
    autocommit): their ``next_attempt_at`` moves to the lease's end, so no
    other sender sees them due until then. Returns (the lease's end, the
    messages, oldest first, as they were).

    One short transaction, whatever the batch: on PostgreSQL the SELECT
    locks the rows it picks and skips those another sender is taking
    (``FOR UPDATE SKIP LOCKED``; a row another took and committed meanwhile
    is re-checked and no longer due); on SQLite, which has no row locks, the
    transaction takes the database's write lock before reading
    (``BEGIN IMMEDIATE``). Either way two senders never take the same message."""
    lease = now + timedelta(minutes=CLAIM_LEASE_MINUTES)
    postgresql = connection.dialect.name == "postgresql"
    due = (select(*CLAIMED_COLUMNS)
           .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                  OutboxMessage.channel.in_(channels),
                  OutboxMessage.commune_id.in_(select(Commune.id).where(Commune.active.is_(True))))
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
           .limit(size))
    if postgresql:
        due = due.with_for_update(skip_locked=True)
    # Outside the try: a BEGIN that failed (SQLite busy past its timeout) has nothing to roll back.
    connection.exec_driver_sql("BEGIN" if postgresql else "BEGIN IMMEDIATE")
    try:
        batch = connection.execute(due).all()
        if batch:
            connection.execute(update(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in batch]))
                               .values(next_attempt_at=lease))
        connection.exec_driver_sql("COMMIT")
    except BaseException:
        connection.exec_driver_sql("ROLLBACK")
        raise
    return lease, batch


def _release(connection, untried: list, lease: datetime) -> None:
    """Give back claimed messages not tried (the server unreachable, the
    batch out of time, an error): due again as they were, not at the lease's
    end — only those still ours (still at our lease's end)."""
    if untried:
        connection.execute(update(OutboxMessage).where(
            OutboxMessage.id.in_([row.id for row in untried]), OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at == lease).values(
            next_attempt_at=case({row.id: row.next_attempt_at for row in untried}, value=OutboxMessage.id)))


def _attempt(message, transport, texts, now: datetime, sender: str) -> dict:
    """Send one claimed message; the columns that record the outcome.
    Raises :class:`MailServerUnavailable` (nothing was sent)."""
    try:
        if message.channel == "sms":
            reference = texts.send(message.recipient, message.body, f"grc-{message.id}")
        else:
            transport.send(message, _email(message, now, sender), now)
            reference = ""
    except sms.SmsPermanentError as error:
        return failure(message.attempts, error, now, final=True)
    except (sms.SmsTemporaryError, smtplib.SMTPException, OSError, ValueError) as error:
        return failure(message.attempts, error, now)
    return {"attempts": message.attempts + 1, "status": "sent", "sent_at": now, "last_error": "",
            "provider_ref": reference}


def send_pending(now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Deliver up to ``limit`` due messages of every active commune; ``(sent, failed)``.

    Messages are claimed :data:`CLAIM_BATCH` at a time (:func:`claim_batch`)
    and sent over one SMTP connection. Each one's outcome is committed as
    soon as the server has answered, before the next is sent: after a crash,
    only the one message in flight can be sent a second time (its server said
    yes, the process died before recording it), never the batch — the rest of
    the batch is sent once its lease has run out. A failure is recorded on
    the message, never raised: the next run retries it.

    Runs on a connection of its own where each statement commits itself (one
    round trip per message, no ORM); the caller's session is committed first.
    """
    now = as_utc(now or utcnow())
    sent = failed = 0
    transport = mailer()
    texts = sms.gateway()
    # Without a gateway, SMS are left pending (not tried, not failed).
    channels = ("email", "sms") if texts is not None else ("email",)
    sender = _settings().get("MAIL_FROM") or "no-reply@localhost"
    db.session.commit()
    try:
        with db.engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            server_down = False
            while not server_down and sent + failed < limit:
                lease, batch = claim_batch(connection, now, channels, min(CLAIM_BATCH, limit - sent - failed))
                if not batch:
                    break
                deadline = time.monotonic() + CLAIM_LEASE_MINUTES * 60 - LEASE_MARGIN_SECONDS
                tried = 0
                try:
                    for message in batch:
                        if time.monotonic() > deadline:
                            break
                        try:
                            values = _attempt(message, transport, texts, now, sender)
                        except MailServerUnavailable as error:
                            # Could not connect or sign in: the rest waits for the next run.
                            values, server_down = failure(message.attempts, error, now), True
                        # One statement, its own transaction: recorded before the next message leaves.
                        connection.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                                           .values(**values))
                        tried += 1
                        if values.get("status") == "sent":
                            sent += 1
                        else:
                            failed += 1
                        if server_down:
                            break
                finally:
                    _release(connection, batch[tried:], lease)
    finally:
        transport.close()
    return sent, failed
