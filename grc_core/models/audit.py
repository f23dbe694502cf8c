"""Audit trail: who did or tried what, when. Append-only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import CommuneScoped, utcnow


class AuditEvent(CommuneScoped, db.Model):
    """``commune_id`` is None for platform-wide events (a failed login before
    any commune is known). Scoped like tenant rows when a commune is current.

    ``read_permission`` is set on events about something confidential (a CCAS
    file's reference, type, who read it): only holders of that permission see
    the event's object (target and details); others see that it happened.
    ``chain``, ``seq``, ``prev_hash`` and ``hash`` make the log tamper-evident
    (grc_core.audit_chain)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("uq_audit_event_chain_seq", "chain", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    target: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    ip: Mapped[str] = mapped_column(String(45), nullable=False, default="")
    details: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    read_permission: Mapped[str | None] = mapped_column(String(80))
    chain: Mapped[int] = mapped_column(Integer, nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)

    user = relationship("User")


class LoginAttempt(db.Model):
    """One sign-in attempt, kept to throttle guessing (see security.throttling)."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, index=True)
    ip: Mapped[str] = mapped_column(String(45), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(nullable=False, default=False)
