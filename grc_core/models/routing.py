"""Routing rules configured by a commune's admin (evaluated by ``position``)."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TenantMixin


class RoutingRule(TenantMixin, db.Model):
    """When every condition set matches, the request goes to ``service``.

    Empty conditions match anything. ``field_name``/``field_value`` compare a
    form field's value as text.
    """

    __tablename__ = "routing_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    request_type_id: Mapped[int | None] = mapped_column(ForeignKey("request_type.id", ondelete="CASCADE"))
    quartier: Mapped[str] = mapped_column(String(80), nullable=False, default="")
    field_name: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    field_value: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"), nullable=False)
    priority: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    assignee_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="SET NULL"))
    # Assign to the least loaded agent of the service when no assignee is set.
    auto_assign: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    request_type = relationship("RequestType")
    service = relationship("Service")
    assignee = relationship("User")

    def __str__(self) -> str:
        return self.label
