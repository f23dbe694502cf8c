"""The citizens' session: its own signed cookie, never Flask-Login's.

Agents sign in through Flask-Login and the ``session`` cookie; citizens
through the ``grc_portal`` cookie, signed with a salt of its own and limited
to their commune's path (``/c/<slug>/``) or, on the commune's own hostname,
to that host (a host-only cookie: never sent to another commune's host). Nothing reads the other's: an agent
session never authorises a portal page, and a citizen's cookie means nothing
to the back office (it is not Flask's session, which Flask-Login reads).

The cookie names the account, its commune and its ``session_epoch``; raising
the epoch (signing out, a new password) ends every session of the account,
copied cookies included. Only verified accounts are signed in.
"""
from __future__ import annotations

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import CitizenAccount
from ..tenancy.addresses import on_own_host

COOKIE = "grc_portal"
SALT = "grc.portal.session"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _max_age() -> int:
    return int(current_app.config["GRC"]["SESSION_LIFETIME_HOURS"]) * 3600


def cookie_path(commune) -> str:
    # On the commune's own host the cookie is the host's alone (no Domain: the
    # browser sends it nowhere else), both address forms there share it.
    return "/" if on_own_host() else f"/c/{commune.slug}/"


def current_account() -> CitizenAccount | None:
    """The signed-in citizen of the current commune, or None (read once per request)."""
    if "grc_portal_account" in g:
        return g.grc_portal_account
    g.grc_portal_account = None
    commune = g.get("grc_commune")
    raw = request.cookies.get(COOKIE)
    if commune is None or not raw:
        return None
    try:
        payload = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("c") != commune.id:
        return None
    account = db.session.scalar(select(CitizenAccount).where(
        CitizenAccount.id == payload.get("a"), CitizenAccount.session_epoch == payload.get("e"),
        CitizenAccount.email_verified_at.is_not(None)))
    g.grc_portal_account = account
    return account


def sign_in(response, account: CitizenAccount, commune) -> None:
    value = _serializer().dumps({"a": account.id, "c": commune.id, "e": account.session_epoch})
    response.set_cookie(COOKIE, value, max_age=_max_age(), path=cookie_path(commune), httponly=True,
                        secure=bool(current_app.config["GRC"]["SESSION_COOKIE_SECURE"]), samesite="Lax")


def end_sessions(account: CitizenAccount) -> None:
    """Every cookie issued so far stops working (the caller commits)."""
    account.session_epoch = account.session_epoch + 1


def forget(response, commune) -> None:
    response.delete_cookie(COOKIE, path=cookie_path(commune))
