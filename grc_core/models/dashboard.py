"""A manager's subscription to the weekly summary of the dashboards."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import TenantMixin


class DashboardSubscription(TenantMixin, db.Model):
    __tablename__ = "dashboard_subscription"
    __table_args__ = (UniqueConstraint("commune_id", "user_id", name="uq_dashboard_subscription_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    # Monday of the last week summarised: sending twice in a week is a no-op.
    last_week_sent: Mapped[date | None] = mapped_column(Date)
