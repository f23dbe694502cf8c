"""A campaign (purpose, legal basis, segment, message, approval, sending) and
its recipients — one row per person and channel, the proof of what was sent
to whom, and why someone was left out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grc_core.plugin_api import Citizen, OutboxMessage, Segment, TenantMixin, User, db, utcnow

STATUSES = ("draft", "submitted", "approved", "sending", "paused", "sent", "cancelled")
RECIPIENT_STATUSES = ("pending", "sent", "excluded", "failed", "bounced")


class Campaign(TenantMixin, db.Model):
    __tablename__ = "campagnes_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    purpose: Mapped[str] = mapped_column(String(300), nullable=False)
    # rules.LEGAL_BASES: "consent" (communication) or "public_task" (public-service information).
    legal_basis: Mapped[str] = mapped_column(String(20), nullable=False)
    segment_id: Mapped[int | None] = mapped_column(ForeignKey("segment.id", ondelete="SET NULL"))
    # The channels in order of preference, comma-separated (channels.CHANNELS):
    # each person receives one message, on the first channel that may reach them.
    channels: Mapped[str] = mapped_column(String(60), nullable=False, default="email")
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
    # The printable letters (one PDF), a key of the core's storage, once generated.
    letters_key: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    letters_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    segment: Mapped[Segment | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    def __str__(self) -> str:
        return self.name

    @property
    def channel_list(self) -> list[str]:
        return [code for code in self.channels.split(",") if code]


class CampaignRecipient(TenantMixin, db.Model):
    """``status``: pending (to send), sent, excluded (``reason``), failed,
    bounced (the mail server refused the address, ``bounce_detail`` says how).
    One row per person: the channel that reaches them (fallback), or the
    last channel tried with the reason it could not. Unique per campaign, citizen
    and channel: sending twice is impossible."""

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
    # The e-mail written to the core's outbox: its delivery (sent, failed, bounced) is read back from it.
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    bounced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    bounce_detail: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    # The first click on a tracked link (only when the commune enables link tracking).
    clicked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    citizen: Mapped[Citizen] = relationship()
    outbox_message: Mapped[OutboxMessage | None] = relationship()


class TrackedLink(TenantMixin, db.Model):
    """A link of a campaign's message, kept server-side: the redirect goes
    only to this URL, never to one a request names (no open redirect)."""

    __tablename__ = "campagnes_link"
    __table_args__ = (UniqueConstraint("campaign_id", "url", name="uq_campagnes_link_campaign_url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campagnes_campaign.id", ondelete="CASCADE"), nullable=False)
    url: Mapped[str] = mapped_column(String(2000), nullable=False)


class AddressInError(TenantMixin, db.Model):
    """An address a mail server refused for good (a hard bounce): left out of
    the commune's later campaigns, reason « adresse en erreur », until the
    citizen's record gives another one."""

    __tablename__ = "campagnes_address_error"
    __table_args__ = (UniqueConstraint("commune_id", "channel", "address", name="uq_campagnes_address_error"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    address: Mapped[str] = mapped_column(String(254), nullable=False)
    detail: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
