"""Outgoing messages (e-mails to citizens, summaries to agents), sent by a worker.

Written in the same transaction as what caused them; ``grc outbox send``
(or ``grc tick``) delivers and retries, so a mail server failure loses nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin, utcnow

# bounced: the server refused the recipient for good (5xx), not retried.
OUTBOX_STATUSES = ("pending", "sent", "failed", "bounced")
# An e-mail (recipient: an address) or an SMS (recipient: an E.164 number, no subject).
OUTBOX_CHANNELS = ("email", "sms")


class OutboxMessage(TenantMixin, db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email", server_default="email")
    recipient: Mapped[str] = mapped_column(String(254), nullable=False)
    subject: Mapped[str] = mapped_column(String(250), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Extra headers of the e-mail (a campaign's List-Unsubscribe), name → value.
    headers: Mapped[dict | None] = mapped_column(JSON)
    # The SMS gateway's id of the sent message, to trace it with the provider.
    provider_ref: Mapped[str] = mapped_column(String(100), nullable=False, default="", server_default="")


class NotificationTemplate(TenantMixin, db.Model):
    """A commune's text to the citizen, instead of the default one in the
    citizen's language (grc_core.notifications.templates), by ``kind``:

    - ``email``: the e-mail when a request enters ``state`` (``*`` for any
      state without its own template), per workflow;
    - ``sms``: the SMS for the same, ``body`` only;
    - ``digest``: the daily digest's subject and introduction (``body``),
      for every workflow and state (it gathers every request of the day).
    """

    __tablename__ = "notification_template"
    __table_args__ = (UniqueConstraint("commune_id", "kind", "workflow_id", "state", "language",
                                       name="uq_notification_template_commune_workflow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False, default="email", server_default="email")
    workflow_id: Mapped[int | None] = mapped_column(ForeignKey("workflow.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(60), nullable=False, default="*")
    # The citizens' language it is written for ("fr", "en"); empty: every language.
    language: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    subject: Mapped[str] = mapped_column(String(250), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
