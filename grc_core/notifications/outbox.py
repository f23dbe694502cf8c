"""Writing e-mails to the outbox, and delivering them.

Delivery goes through SMTP when ``MAIL_SERVER`` is set; otherwise (the
embedded default) each e-mail is written as an ``.eml`` file into
``<instance>/mail/``, which any mail client opens, so a newcomer sees what
citizens would receive.

A failed attempt keeps the message ``pending`` with ``attempts`` + 1, the
error and the next attempt later and later (:data:`BACKOFF_MINUTES`); after
:data:`MAX_ATTEMPTS` it becomes ``failed`` and stays visible to the admin.
Each message is claimed before it is sent, so that two workers (two jobs,
a job and ``grc tick``) never send it twice: on PostgreSQL the claim is a
row lock (``FOR UPDATE SKIP LOCKED``) held until the message is marked, and
released by the database if the process dies, so the next run sends it; on
SQLite, which has no row locks, it is a compare-and-set on
``next_attempt_at`` committed before sending, which puts the message
:data:`CLAIM_LEASE_MINUTES` ahead (the time after which a send interrupted
by a crash is tried again).

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
from datetime import datetime, timedelta
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import event, func, select, update
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
CLAIM_LEASE_MINUTES = 15
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


# Header lines up to RFC 5322's 998 characters: a long List-Unsubscribe URL
# folded by the default 78 would become an encoded word no client reads as a URL.
MAIL_POLICY = email_policy.SMTP.clone(max_line_length=998)


def _email(message: OutboxMessage, now: datetime) -> EmailMessage:
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = _settings().get("MAIL_FROM") or "no-reply@localhost"
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


def _failed(message: OutboxMessage, error: Exception, now: datetime, *, final: bool = False) -> None:
    message.attempts += 1
    message.last_error = _one_line(f"{type(error).__name__}: {error}", 500)
    if permanently_refused(error):
        message.status = "bounced"
    elif final or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + timedelta(minutes=BACKOFF_MINUTES[message.attempts - 1])


def _claim_next(now: datetime, channels: tuple[str, ...]) -> OutboxMessage | None:
    while True:
        message = db.session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                   OutboxMessage.channel.in_(channels),
                   OutboxMessage.commune_id.in_(select(Commune.id).where(Commune.active.is_(True))))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if message is None or db.session.get_bind().dialect.name == "postgresql":
            return message
        seen = message.next_attempt_at
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending",
                   OutboxMessage.next_attempt_at == seen)
            .values(next_attempt_at=now + timedelta(minutes=CLAIM_LEASE_MINUTES))
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if claimed:
            db.session.refresh(message)
            return message
        # Another process claimed it between our read and our write: next one.


def send_pending(now: datetime | None = None, limit: int = 100) -> tuple[int, int]:
    """Deliver up to ``limit`` due messages of every active commune; ``(sent, failed)``.

    Commits after each message. A failure is recorded on the message, never
    raised: the next run retries it.
    """
    now = as_utc(now or utcnow())
    sent = failed = 0
    transport = mailer()
    texts = sms.gateway()
    # Without a gateway, SMS are left pending (not tried, not failed).
    channels = ("email", "sms") if texts is not None else ("email",)
    try:
        with unscoped():
            while sent + failed < limit:
                # A message just tried is no longer due: the loop moves on.
                message = _claim_next(now, channels)
                if message is None:
                    break
                try:
                    if message.channel == "sms":
                        message.provider_ref = texts.send(message.recipient, message.body, f"grc-{message.id}")
                    else:
                        transport.send(message, _email(message, now), now)
                except sms.SmsPermanentError as error:
                    _failed(message, error, now, final=True)
                    failed += 1
                except sms.SmsTemporaryError as error:
                    _failed(message, error, now)
                    failed += 1
                except MailServerUnavailable as error:
                    _failed(message, error, now)
                    failed += 1
                    db.session.commit()
                    break
                except (smtplib.SMTPException, OSError, ValueError) as error:
                    _failed(message, error, now)
                    failed += 1
                else:
                    message.attempts += 1
                    message.status = "sent"
                    message.sent_at = now
                    message.last_error = ""
                    sent += 1
                db.session.commit()
    finally:
        transport.close()
    return sent, failed
