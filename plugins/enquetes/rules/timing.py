"""When a closing survey leaves, and until when its link answers."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def due_at(closed_at: datetime, delay_hours: int) -> datetime:
    """The invitation leaves ``delay_hours`` after the closure (0: at the next tick)."""
    if delay_hours < 0:
        raise ValueError("a delay is not negative")
    return closed_at + timedelta(hours=delay_hours)


def expires_at(sent_at: datetime, valid_days: int) -> datetime:
    if valid_days < 1:
        raise ValueError("a link is valid one day at least")
    return sent_at + timedelta(days=valid_days)


def is_expired(expires: datetime | None, now: datetime) -> bool:
    """The link answers up to its expiry, excluded. A moment read back
    without its zone (SQLite) is UTC, as GRC stores every moment."""
    if expires is None:
        return True
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=timezone.utc)
    return now >= expires
