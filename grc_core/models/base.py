"""Mixins shared by the core's and plugins' models."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, ForeignKey, Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class CommuneScoped:
    """A row that is visible only in its commune's context.

    Every SELECT, UPDATE and DELETE through the ORM session is restricted to
    the current commune (grc_core.tenancy.scoping); new rows get the current
    commune. A subclass may redefine ``commune_id`` as nullable for rows that
    can also be platform-wide (audit events).
    """

    @declared_attr
    def commune_id(cls) -> Mapped[int]:
        return mapped_column(
            Integer, ForeignKey("commune.id", ondelete="CASCADE"), nullable=False, index=True
        )


class TenantMixin(CommuneScoped):
    """Put this on every table that holds a commune's data (core and plugins)."""


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, nullable=False)
