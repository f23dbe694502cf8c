"""Citizens' portal accounts and the one-time links e-mailed to them.

A citizen account is not an agent (``user_account``): its own table, its own
session cookie (grc_core.portal.session), never a permission of the back
office. It belongs to one commune, like every tenant row.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TenantMixin, utcnow

# What a one-time link is for: verifying the address, choosing a new
# password, signing in without a password.
TOKEN_PURPOSES = ("verify", "reset", "signin")


class CitizenAccount(TenantMixin, db.Model):
    __tablename__ = "citizen_account"
    __table_args__ = (UniqueConstraint("commune_id", "email", name="uq_citizen_account_commune_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower case: one account per address and commune.
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    # Empty for an account that signs in by e-mailed links only.
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    birth_date: Mapped[date | None] = mapped_column(Date)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The commune's record of this person (grc_core.portal.linking decides).
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id", ondelete="SET NULL"), index=True)
    # Raised to end every session of the account (sign-out, new password).
    session_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    citizen = relationship("Citizen")

    # The core's password check (grc_core.security.passwords) asks this of agents too.
    active = True

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PortalToken(TenantMixin, db.Model):
    """A one-time link: only its SHA-256 is stored; used once, then dead."""

    __tablename__ = "portal_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("citizen_account.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    purpose: Mapped[str] = mapped_column(String(10), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PendingFiling(TenantMixin, db.Model):
    """A démarche filed without an account, held until its e-mail address is
    verified: the checked form as posted and its files in the storage. No
    request exists yet, so no agents' page, count, export or API can show
    it; the request is created at verification (grc_core.portal.anonymous).
    Only the SHA-256 of the verification link's token is stored."""

    __tablename__ = "pending_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_type_id: Mapped[int] = mapped_column(ForeignKey("request_type.id", ondelete="CASCADE"), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    # The form's fields as posted ({name: [values]}), checked when held and again at verification.
    form: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    # [{"field", "filename", "key"}]: checked files, in the storage under pending/<commune>/.
    files: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


class TrackingLink(TenantMixin, db.Model):
    """A private link to follow and answer one request without an account.
    Only its SHA-256 is stored; revoked by the citizen or by an agent."""

    __tablename__ = "tracking_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
