"""Agents, and what each may do in each commune."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import TenantMixin, TimestampMixin
from .service import Service

membership_service = Table(
    "membership_service",
    db.Model.metadata,
    Column("membership_id", ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, TimestampMixin, db.Model):
    """An agent account. Not owned by a commune: an agent of an
    intercommunal service may belong to several (one Membership each)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    full_name: Mapped[str] = mapped_column(String(120), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    locale: Mapped[str | None] = mapped_column(String(10))
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Two-factor sign-in (security.two_factor): the TOTP secret (base32), set
    # once the first code confirmed it, and the last time step accepted, so
    # that a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    def set_password(self, password: str) -> None:
        # Werkzeug's scrypt: salted, memory-hard, maintained with Flask.
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    def __str__(self) -> str:
        return self.full_name


class Membership(TenantMixin, TimestampMixin, db.Model):
    """A user's role, services and extra permissions in one commune."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("commune_id", "user_id", name="uq_membership_commune_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="agent")
    # Permissions granted beyond the role's defaults, e.g. ["social.read"].
    permissions: Mapped[list] = mapped_column(JSON, nullable=False, default=list)

    user: Mapped[User] = relationship()
    services: Mapped[list[Service]] = relationship(secondary=membership_service)

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


