"""Webhooks: the addresses a commune has events sent to, and each delivery."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TenantMixin, TimestampMixin, utcnow

WEBHOOK_EVENTS = ("request.created", "request.state_changed", "request.closed", "message.added")


class WebhookEndpoint(TenantMixin, TimestampMixin, db.Model):
    """A receiver of the commune's events. ``secret`` signs each delivery
    (Standard Webhooks: ``whsec_`` + base64); it must be kept in clear to sign."""

    __tablename__ = "webhook_endpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(500), nullable=False)
    events: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    secret: Mapped[str] = mapped_column(String(64), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class WebhookDelivery(TenantMixin, db.Model):
    """One event for one endpoint: written in the transaction of the change
    it tells (an outbox row), then posted, retried with backoff until
    ``delivered`` or ``failed``. ``message_id`` is the same on every attempt,
    so that a receiver can drop duplicates."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoint.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    message_id: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    event: Mapped[str] = mapped_column(String(40), nullable=False)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    # pending (to send at next_attempt_at), delivered, failed (every attempt used).
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    endpoint: Mapped[WebhookEndpoint] = relationship()
