"""The record of a merge of two citizens: what moved, so that it can be undone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TenantMixin, utcnow


class CitizenMerge(TenantMixin, db.Model):
    """``moved`` lists the rows that changed hands (grc_core.citizens.merge):
    requests, contacts, consents, household links moved or removed, plugin
    rows (table, column, primary keys), identity fields filled on the kept
    record, records merged earlier into the duplicate. ``undone_at`` is set
    when an administrator undid it."""

    __tablename__ = "citizen_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    kept_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    duplicate_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False,
                                              index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    moved: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))

    kept = relationship("Citizen", foreign_keys=[kept_id])
    duplicate = relationship("Citizen", foreign_keys=[duplicate_id])
    actor = relationship("User", foreign_keys=[actor_id])
