"""Login throttling.

Failed attempts are rows in ``login_attempt`` so that the limit holds across
gunicorn workers without Redis on the embedded default: after
``LOGIN_MAX_FAILURES`` failures for one account (or ``LOGIN_MAX_FAILURES_PER_IP``
from one address) within ``LOGIN_FAILURE_WINDOW_MINUTES``, sign-in is refused
until the oldest failure leaves the window, with a message that says when.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import LoginAttempt, utcnow


def _window() -> timedelta:
    return timedelta(minutes=int(current_app.config["GRC"]["LOGIN_FAILURE_WINDOW_MINUTES"]))


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def minutes_until_allowed(email: str, ip: str) -> int:
    """0 when a sign-in may be tried now; else whole minutes to wait."""
    settings = current_app.config["GRC"]
    since = utcnow() - _window()
    waits = []
    for column, value, limit in (
        (LoginAttempt.email, email.lower(), int(settings["LOGIN_MAX_FAILURES"])),
        (LoginAttempt.ip, ip, int(settings["LOGIN_MAX_FAILURES_PER_IP"])),
    ):
        failures = list(db.session.scalars(
            select(LoginAttempt.at)
            .where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
            .order_by(LoginAttempt.at.desc())
            .limit(limit)
        ))
        if len(failures) >= limit:
            oldest_counted = _aware(failures[-1])
            waits.append((oldest_counted + _window() - utcnow()).total_seconds())
    return max(1, math.ceil(max(waits) / 60)) if waits else 0


def record_attempt(email: str, ip: str, succeeded: bool) -> None:
    db.session.add(LoginAttempt(email=email.lower(), ip=ip, succeeded=succeeded))
    if succeeded:
        # A success clears the account's failures.
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.email == email.lower(), LoginAttempt.succeeded.is_(False)
        ))
    # Attempts older than the window serve nothing; keep the table small.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < utcnow() - 2 * _window()))
    db.session.commit()
