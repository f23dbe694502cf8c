"""The time sign-in decisions are taken at (throttling, sessions, codes).

Tests replace it with ``app.config["AUTH_CLOCK"]`` (a callable returning an
aware datetime) instead of waiting: no timed assertion anywhere.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app


def now() -> datetime:
    clock = current_app.config.get("AUTH_CLOCK")
    return clock() if clock is not None else datetime.now(timezone.utc)


def aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
