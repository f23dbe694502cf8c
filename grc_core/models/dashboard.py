"""What the dashboards keep: managers' subscriptions to the weekly summary,
the daily counters of requests (per type, per channel) and the monthly
histograms of durations."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
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


class RequestDayStat(TenantMixin, db.Model):
    """Counters of one local day, service and request type (grc_core.indicators.daily)."""

    __tablename__ = "request_day_stat"
    __table_args__ = (
        UniqueConstraint("commune_id", "day", "service_id", "request_type_id", name="uq_request_day_stat_key"),
        # Every figure reads its sums from the index alone.
        Index("ix_request_day_stat_read", "commune_id", "day", "service_id", "request_type_id", "received", "closed",
              "closed_due", "closed_on_time", "closed_reopened"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    # 0 for the requests in no service: the key must compare equal to itself.
    service_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    request_type_id: Mapped[int] = mapped_column(Integer, nullable=False)
    received: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed_due: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed_on_time: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    closed_reopened: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RequestChannelStat(TenantMixin, db.Model):
    """Requests received per local day, service and channel (grc_core.indicators.daily)."""

    __tablename__ = "request_channel_stat"
    __table_args__ = (
        UniqueConstraint("commune_id", "day", "service_id", "channel", name="uq_request_channel_stat_key"),
        Index("ix_request_channel_stat_read", "commune_id", "day", "service_id", "channel", "received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    service_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    received: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RequestDurationStat(TenantMixin, db.Model):
    """How many durations of one measure fell in one bin, per local month,
    service, request type and (for the processing time) the state the
    request was closed in, and once more under the state ``*`` for all of
    them (grc_core.indicators.durations)."""

    __tablename__ = "request_duration_stat"
    __table_args__ = (
        UniqueConstraint("commune_id", "measure", "month", "service_id", "request_type_id", "state", "bin_hours",
                         name="uq_request_duration_stat_key"),
        # The state before the months: a figure over every state reads the roll-up's rows only (c0a1e0000034).
        Index("ix_request_duration_stat_read", "commune_id", "measure", "state", "month", "request_type_id",
              "service_id", "bin_hours", "count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(20), nullable=False)
    # First day of the local month.
    month: Mapped[date] = mapped_column(Date, nullable=False)
    # 0 for the requests in no service, as in RequestDayStat.
    service_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    request_type_id: Mapped[int] = mapped_column(Integer, nullable=False)
    # The closing state's code for the processing time; "" for the first response.
    state: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    # Upper bound of the bin, in hours (durations.bin_of).
    bin_hours: Mapped[int] = mapped_column(Integer, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
