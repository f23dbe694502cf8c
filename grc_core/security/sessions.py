"""Server-side sessions of agents: a copied cookie dies with its session.

Signing in creates an :class:`AgentSession` row and puts a random token in
the (signed) session cookie; each request loads the user *with* his live
session in the one query Flask-Login already made, so revocation costs no
extra query. ``last_seen_at`` is written at most every few minutes. Signing
out revokes the row; an agent may revoke any of his sessions or all of
them; a new password revokes every other session of the account.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app, g, request, session
from sqlalchemy import bindparam, select, update

from ..extensions import db
from ..models import AgentSession, User
from ..tenancy.resolver import remember_memberships, with_memberships
from ..tenancy.scoping import unscoped
from . import clock

TOKEN_KEY = "grc_session"
TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(hours=int(current_app.config["GRC"]["SESSION_LIFETIME_HOURS"]))


def open_session(user: User) -> AgentSession:
    """A new session for ``user`` (the caller commits); its token goes in the cookie."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    row = AgentSession(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now,
                       ip=(request.remote_addr or "")[:45], user_agent=(request.user_agent.string or "")[:255])
    db.session.add(row)
    session[TOKEN_KEY] = token
    g.grc_session = row
    return row


@cache
def _load_statement():
    """:func:`load`'s query, built once (its values bound): every request runs
    it, and reads the user's memberships with it (the page's next question)."""
    return with_memberships(select(User, AgentSession).join(AgentSession, AgentSession.user_id == User.id).where(
        User.id == bindparam("user_id"), User.active.is_(True), AgentSession.token_hash == bindparam("token_hash"),
        AgentSession.revoked_at.is_(None), AgentSession.last_seen_at >= bindparam("seen_since")), User.id)


def load(user_id: str) -> User | None:
    """The active user whose live session the cookie names, else None (signed out)."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str) or not user_id.isdigit():
        return None
    now = clock.now()
    with unscoped():  # the memberships of every commune, whichever the page is about
        rows = db.session.execute(_load_statement(), {
            "user_id": int(user_id), "token_hash": _hash(token), "seen_since": now - _idle_limit()}).unique().all()
    if not rows:
        return None
    user, row = rows[0][:2]
    g.grc_session = row
    if clock.aware(row.last_seen_at) < now - TOUCH_EVERY:
        db.session.execute(update(AgentSession).where(AgentSession.id == row.id).values(last_seen_at=now))
        db.session.commit()  # expires what was read: the memberships are read again
    else:
        remember_memberships(user, rows)
    return user


def current() -> AgentSession | None:
    return g.get("grc_session")


def revoke(row: AgentSession) -> None:
    if row.revoked_at is None:
        row.revoked_at = clock.now()


def revoke_all(user_id: int, keep: AgentSession | None = None) -> int:
    """Revoke every live session of the user but ``keep``; the caller commits."""
    query = update(AgentSession).where(AgentSession.user_id == user_id, AgentSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(AgentSession.id != keep.id)
    return db.session.execute(query.values(revoked_at=clock.now())).rowcount


def sessions_of(user_id: int) -> list[AgentSession]:
    """The user's live sessions, the most recently used first."""
    since = clock.now() - _idle_limit()
    return list(db.session.scalars(
        select(AgentSession).where(AgentSession.user_id == user_id, AgentSession.revoked_at.is_(None),
                                   AgentSession.last_seen_at >= since)
        .order_by(AgentSession.last_seen_at.desc(), AgentSession.id.desc())))
