"""Communes (tenants) and which plugins each one uses."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, utcnow


class Commune(TimestampMixin, db.Model):
    __tablename__ = "commune"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    insee_code: Mapped[str] = mapped_column(String(5), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(60), nullable=False, unique=True)
    # Hostnames that serve this commune's public pages, comma-separated.
    hostnames: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    settings: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    plugins: Mapped[list["CommunePlugin"]] = relationship(
        back_populates="commune", cascade="all, delete-orphan"
    )

    @property
    def hostname_list(self) -> list[str]:
        return [h.strip().lower() for h in self.hostnames.split(",") if h.strip()]

    def __str__(self) -> str:
        return f"{self.name} ({self.insee_code})"


class CommunePlugin(db.Model):
    """Activation of a plugin for a commune. Disabling keeps the row (and the
    plugin's data): re-enabling brings everything back."""

    __tablename__ = "commune_plugin"
    __table_args__ = (UniqueConstraint("commune_id", "plugin", name="uq_commune_plugin_commune_plugin"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"), nullable=False, index=True)
    plugin: Mapped[str] = mapped_column(String(60), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    commune: Mapped[Commune] = relationship(back_populates="plugins")
