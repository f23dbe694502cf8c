"""API keys: how an integrator's program is known to a commune."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin, TimestampMixin

# open311: file and follow requests through GeoReport v2; read / write: the REST API.
API_SCOPES = ("open311", "read", "write")
# The role a key acts with: one that reads the whole commune (a key has no
# services), never an élu's (aggregates only).
API_ROLES = ("accueil", "manager", "admin")


class ApiKey(TenantMixin, TimestampMixin, db.Model):
    """A commune's key. The secret is shown once; only its SHA-256 is kept
    (the key is 256 random bits: a salted slow hash adds nothing, and the
    lookup on every call must stay one indexed read). ``prefix`` is the
    secret's first characters, to tell keys apart in lists and logs."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    scopes: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    role: Mapped[str] = mapped_column(String(20), nullable=False, default="accueil")
    created_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
