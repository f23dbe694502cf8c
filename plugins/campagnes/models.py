"""A campaign (purpose, legal basis, segment, message, approval, sending) and
its recipients — one row per person and channel, the proof of what was sent
to whom, and why someone was left out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grc_core.plugin_api import Citizen, Segment, TenantMixin, User, db, utcnow

STATUSES = ("draft", "submitted", "approved", "sending", "paused", "sent", "cancelled")
RECIPIENT_STATUSES = ("pending", "sent", "excluded", "failed")


class Campaign(TenantMixin, db.Model):
    __tablename__ = "campagnes_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    purpose: Mapped[str] = mapped_column(String(300), nullable=False)
    # rules.LEGAL_BASES: "consent" (communication) or "public_task" (public-service information).
    legal_basis: Mapped[str] = mapped_column(String(20), nullable=False)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email")
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    send_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Where the commune's site answers (taken when the campaign is approved):
    # the unsubscribe links are built from it, also by a worker.
    site_url: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    segment: Mapped[Segment | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    def __str__(self) -> str:
        return self.name


class CampaignRecipient(TenantMixin, db.Model):
    """``status``: pending (to send), sent, excluded (``reason``), failed.
    Unique per campaign, citizen and channel: sending twice is impossible."""

    __tablename__ = "campagnes_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "citizen_id", "channel", name="uq_campagnes_recipient_once"),
        Index("ix_campagnes_recipient_campaign_status", "campaign_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campagnes_campaign.id", ondelete="CASCADE"), nullable=False)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    address: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    reason: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    citizen: Mapped[Citizen] = relationship()
