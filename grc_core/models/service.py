"""Municipal services (état civil, urbanisme, CCAS…)."""
from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin


class Service(TenantMixin, db.Model):
    __tablename__ = "service"
    __table_args__ = (UniqueConstraint("commune_id", "code", name="uq_service_commune_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(80), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    direction: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(254), nullable=False, default="")
    # The plugin that declared it (None: created by the commune's admin).
    plugin: Mapped[str | None] = mapped_column(String(60))

    def __str__(self) -> str:
        return self.name
