"""Sign-in throttling: guessing is slowed down, nobody can lock an agent out.

Attempts are rows in ``login_attempt`` so that limits hold across gunicorn
workers without Redis. An attempt is *reserved* before the password is
checked, atomically (an advisory lock per account and per address on
PostgreSQL; on SQLite the reservation's first statement is a write, which
serialises writers), and counts as a failure until it is settled: fifteen
simultaneous guesses on one account are counted one after the other.

Three rules, within ``LOGIN_FAILURE_WINDOW_MINUTES``:

- per (account, address): after ``LOGIN_MAX_FAILURES`` failures, each new
  failure doubles the wait before the next try (15 s, 30 s, 1 min… up to
  the window) — the agent's own address is only ever slowed down;
- per account, from addresses the account has not signed in from lately
  (``LOGIN_KNOWN_ADDRESS_DAYS``): blocked after ``LOGIN_MAX_FAILURES``
  failures, until the oldest leaves the window;
- per address, for the accounts that never signed in from it lately: blocked
  after ``LOGIN_MAX_FAILURES_PER_IP`` failures. The agents of a town hall
  behind one address keep signing in whatever happens on that address, and
  an attacker elsewhere can only block the account from elsewhere.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from sqlalchemy import delete, literal, or_, select, text, union_all, update

from ..extensions import commit_keeping_objects, db
from ..models import LoginAttempt
from . import clock

FIRST_DELAY_SECONDS = 15


@dataclass(frozen=True)
class Reservation:
    """An attempt allowed now (``attempt_id``) or refused for ``wait_seconds``."""

    attempt_id: int | None
    wait_seconds: int = 0

    @property
    def allowed(self) -> bool:
        return self.attempt_id is not None


def _settings() -> dict:
    return current_app.config["GRC"]


def _window() -> timedelta:
    return timedelta(minutes=int(_settings()["LOGIN_FAILURE_WINDOW_MINUTES"]))


def _lock(*keys: str) -> None:
    """Serialise the reservations touching the same account or address."""
    if db.session.get_bind().dialect.name == "postgresql" and keys:
        # One statement for every lock, taken left to right: always the
        # account first, then the address (no deadlock), in one round trip.
        numbers = {f"n{index}": int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
                   for index, key in enumerate(keys)}
        locks = ", ".join(f"pg_advisory_xact_lock(:{name})" for name in numbers)
        db.session.execute(text(f"SELECT {locks}"), numbers)


def pair_delay(failures: int) -> timedelta:
    """The wait after ``failures`` failures of one account from one address."""
    beyond = failures - int(_settings()["LOGIN_MAX_FAILURES"])
    if beyond < 0:
        return timedelta(0)
    return min(_window(), timedelta(seconds=FIRST_DELAY_SECONDS * 2 ** min(beyond, 20)))


def _recent(email: str, ip: str, now: datetime) -> dict[str, list[datetime]]:
    """What the three rules read, in one statement: the failures of the
    (account, address) pair, whether the account signed in from the address
    lately (``known``: one row at most), and the newest failures of the
    account and of the address (as many as their limits) — each part a
    UNION ALL branch with its own order and limit, so each keeps its index."""
    settings = _settings()
    since = now - _window()
    failed = (LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    newest = LoginAttempt.at.desc()

    def part(name, *where, limit=None):
        query = select(literal(name).label("part"), LoginAttempt.at).where(*where).order_by(newest)
        return select(query.limit(limit).subquery() if limit else query.subquery())

    parts = union_all(
        part("pair", LoginAttempt.email == email, LoginAttempt.ip == ip, *failed),
        part("known", LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.succeeded.is_(True),
             LoginAttempt.at >= now - timedelta(days=int(settings["LOGIN_KNOWN_ADDRESS_DAYS"])), limit=1),
        part("email", LoginAttempt.email == email, *failed, limit=int(settings["LOGIN_MAX_FAILURES"])),
        part("ip", LoginAttempt.ip == ip, *failed, limit=int(settings["LOGIN_MAX_FAILURES_PER_IP"])),
    )
    found = {"pair": [], "known": [], "email": [], "ip": []}
    for name, at in db.session.execute(parts):
        found[name].append(clock.aware(at))
    for times in found.values():
        times.sort(reverse=True)  # a UNION keeps no order: newest first again
    return found


def _wait(email: str, ip: str, now: datetime) -> float:
    settings = _settings()
    recent = _recent(email, ip, now)
    waits = [0.0]
    pair = recent["pair"]
    if pair and pair_delay(len(pair)):
        waits.append((pair[0] + pair_delay(len(pair)) - now).total_seconds())
    if not recent["known"]:
        for failures, limit in ((recent["email"], int(settings["LOGIN_MAX_FAILURES"])),
                                (recent["ip"], int(settings["LOGIN_MAX_FAILURES_PER_IP"]))):
            if len(failures) >= limit:
                waits.append((failures[-1] + _window() - now).total_seconds())
    return max(waits)


def _prune(now: datetime) -> None:
    """Old rows serve nothing; keep the table small. A write first: on SQLite
    it takes the database's write lock for the whole reservation.

    The rows are any account's, outside the locks this reservation holds: on
    PostgreSQL a row another transaction has locked (a sign-in of its account
    settling, another reservation pruning) is skipped, left to the next
    reservation. Waiting for it instead could close a cycle — the other
    transaction deleting rows this one locked first, in another order — and
    PostgreSQL would end one of them with a deadlock error."""
    stale = select(LoginAttempt.id).where(or_(
        LoginAttempt.at < now - timedelta(days=int(_settings()["LOGIN_KNOWN_ADDRESS_DAYS"])),
        (LoginAttempt.succeeded.is_(False)) & (LoginAttempt.at < now - 2 * _window()),
    )).with_for_update(skip_locked=True)  # no FOR UPDATE on SQLite: its writers are serialised already
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(stale.scalar_subquery())),
                       execution_options={"synchronize_session": False})


def reserve(email: str, ip: str) -> Reservation:
    """Take one attempt for ``email`` from ``ip`` (committed), or say how long to wait."""
    email = email.lower()
    now = clock.now()
    _lock(f"login:{email}", f"login-ip:{ip}")
    _prune(now)
    now = clock.now()  # after waiting for the lock: later than the attempts it waited for
    wait = _wait(email, ip, now)
    if wait > 0:
        db.session.commit()
        return Reservation(None, max(1, math.ceil(wait)))
    attempt = LoginAttempt(email=email, ip=ip, at=now, succeeded=False)
    db.session.add(attempt)
    db.session.flush()
    attempt_id = attempt.id  # known now: after the commit, reading it would load the row again
    commit_keeping_objects()
    return Reservation(attempt_id)


def settle(reservation: Reservation, succeeded: bool) -> None:
    """A failure stays counted; a success clears the failures of that account from that address."""
    if not succeeded:
        return
    attempt = db.session.get(LoginAttempt, reservation.attempt_id)
    if attempt is None:
        return
    # The reservations' lock: two sign-ins of one account settling at once
    # would otherwise delete each other's rows in opposite orders (deadlock).
    _lock(f"login:{attempt.email}", f"login-ip:{attempt.ip}")
    db.session.execute(delete(LoginAttempt).where(
        LoginAttempt.email == attempt.email, LoginAttempt.ip == attempt.ip, LoginAttempt.succeeded.is_(False),
        LoginAttempt.id != attempt.id))
    db.session.execute(update(LoginAttempt).where(LoginAttempt.id == attempt.id).values(succeeded=True))
    db.session.commit()


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext("Too many failed sign-in attempts. Try again in %(num)d second.",
                        "Too many failed sign-in attempts. Try again in %(num)d seconds.", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("Too many failed sign-in attempts. Try again in %(num)d minute.",
                    "Too many failed sign-in attempts. Try again in %(num)d minutes.", minutes)
