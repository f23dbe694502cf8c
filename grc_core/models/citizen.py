"""Citizens: identity, contacts, address, household links, consents."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, gettext
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TenantMixin, TimestampMixin, utcnow

RELATIONS = ("parent", "child", "spouse")
CONSENT_CHANNELS = ("email", "sms", "courrier", "telephone")
CONSENT_PURPOSES = ("suivi_demandes", "information_municipale", "enquetes_satisfaction")
# How a citizen hears of his requests' progress (grc_core.notifications.citizens);
# "none": on the portal only. Essential messages (sign-in links…) are e-mailed whatever this says.
NOTIFY_CHANNELS = ("email", "sms", "none")


class Citizen(TenantMixin, TimestampMixin, db.Model):
    __tablename__ = "citizen"
    __table_args__ = (
        Index("ix_citizen_commune_name_key", "commune_id", "name_key"),
        Index("ix_citizen_commune_phonetic_key", "commune_id", "phonetic_key"),
        Index("ix_citizen_commune_email", "commune_id", "email"),
        Index("ix_citizen_commune_phone_key", "commune_id", "phone_key"),
        Index("ix_citizen_commune_birth_date", "commune_id", "birth_date"),
        # The commune's quartiers, one probe each (grc_core.segments.criteria.commune_quartiers).
        Index("ix_citizen_commune_quartier", "commune_id", "quartier"),
        # A segment's people (grc_core.segments): the commune's living records
        # with what an age band tests, in a few megabytes instead of the whole
        # table — the scan that every segment not narrowed by a quartier or a
        # street starts from (c0a1e0000033).
        Index("ix_citizen_segment", "commune_id", "id", "birth_date",
              sqlite_where=text("merged_into_id IS NULL"), postgresql_where=text("merged_into_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    civility: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    birth_name: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_place: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    address_number: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    address_street: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    city: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    quartier: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    # Search keys, maintained by grc_core.citizens.search (accents, case,
    # hyphens folded; a phonetic key forgives typos).
    name_key: Mapped[str] = mapped_column(String(220), nullable=False, default="")
    phonetic_key: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    phone_key: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    # Set when merged into another record: the kept one.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"))
    # The language the commune writes to this person in ("fr", "en"); empty: the commune's default.
    language: Mapped[str] = mapped_column(String(10), nullable=False, default="", server_default="")
    # Notification preferences: one of NOTIFY_CHANNELS, and whether updates
    # are gathered into one e-mail a day instead of one message each.
    notify_channel: Mapped[str] = mapped_column(String(10), nullable=False, default="email",
                                                server_default="email")
    notify_digest: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False,
                                                server_default=false())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow,
                                                 onupdate=utcnow)

    links: Mapped[list["HouseholdLink"]] = relationship(
        foreign_keys="HouseholdLink.citizen_id", back_populates="citizen", cascade="all, delete-orphan")
    consents: Mapped[list["Consent"]] = relationship(back_populates="citizen", cascade="all, delete-orphan")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address(self) -> str:
        street = " ".join(part for part in (self.address_number, self.address_street) if part)
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (street, town) if part)

    def __str__(self) -> str:
        if not self.birth_date:
            return self.full_name
        return gettext("%(name)s (born on %(day)s)", name=self.full_name, day=format_date(self.birth_date, "short"))


class HouseholdLink(TenantMixin, db.Model):
    """``relative`` is the ``relation`` of ``citizen`` (one row per direction)."""

    __tablename__ = "household_link"
    __table_args__ = (
        UniqueConstraint("citizen_id", "relative_id", "relation", name="uq_household_link_citizen_relative_relation"),
        # A segment's household criterion, one probe per person: led by the
        # commune like the tenancy criterion it comes with, so that SQLite never
        # prefers ix_household_link_commune_id (every row of the commune).
        Index("ix_household_link_segment", "commune_id", "citizen_id", "relation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    relation: Mapped[str] = mapped_column(String(10), nullable=False)

    citizen: Mapped[Citizen] = relationship(foreign_keys=[citizen_id], back_populates="links")
    relative: Mapped[Citizen] = relationship(foreign_keys=[relative_id])


class Consent(TenantMixin, db.Model):
    """Consent for one channel and purpose; revoking keeps the row (proof)."""

    __tablename__ = "consent"
    __table_args__ = (
        # A segment's consent criterion, one probe per person, answered by the
        # index alone; led by the commune, as the tenancy criterion is, so that
        # SQLite never prefers ix_consent_commune_id (every row of the commune:
        # 80 seconds a count at 200,000 citizens).
        Index("ix_consent_segment", "commune_id", "citizen_id", "channel", "purpose", "revoked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    purpose: Mapped[str] = mapped_column(String(40), nullable=False)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))

    citizen: Mapped[Citizen] = relationship(back_populates="consents")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class DigestItem(TenantMixin, db.Model):
    """One update of a request waiting for the citizen's daily digest;
    ``outbox_message_id`` is set when the digest carrying it is written, so
    that each update is sent once."""

    __tablename__ = "digest_item"
    __table_args__ = (Index("ix_digest_item_pending", "outbox_message_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id", ondelete="CASCADE"), nullable=False, index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    line: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
