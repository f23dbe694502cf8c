"""Dashboard alert level of a deadline."""

from __future__ import annotations

from datetime import date
from enum import StrEnum


class AlertLevel(StrEnum):
    """Dashboard buckets for a deadline (7 / 15 / 30 days)."""

    OVERDUE = "overdue"  # deadline passed
    CRITICAL = "critical"  # 0–7 days left
    URGENT = "urgent"  # 8–15 days left
    WARNING = "warning"  # 16–30 days left
    OK = "ok"  # more than 30 days left


def deadline_alert_level(deadline: date, today: date) -> AlertLevel:
    """Dashboard bucket of a deadline seen on ``today`` (7 / 15 / 30 days).

    ``deadline`` is a *last day to act* (e.g. :attr:`LegalDeadline.last_day`):
    past it → ``OVERDUE``; 0–7 days left (the deadline day itself included) →
    ``CRITICAL``; 8–15 → ``URGENT``; 16–30 → ``WARNING``; more → ``OK``.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return AlertLevel.OVERDUE
    if days_left <= 7:
        return AlertLevel.CRITICAL
    if days_left <= 15:
        return AlertLevel.URGENT
    if days_left <= 30:
        return AlertLevel.WARNING
    return AlertLevel.OK
