"""API keys: created (the secret shown once), found from the secret, revoked.

A key is ``grc_`` followed by 43 URL-safe characters (32 random bytes).
Only its SHA-256 is stored; the first characters (``prefix``) stay
readable to tell keys apart. A key belongs to one commune and carries
scopes (:data:`~grc_core.models.api_key.API_SCOPES`) and the role it acts
with (:data:`~grc_core.models.api_key.API_ROLES`).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey, utcnow
from ..models.api_key import API_ROLES, API_SCOPES
from ..tenancy.scoping import unscoped

KEY_PREFIX = "grc_"
SHOWN_CHARACTERS = 8


class ApiKeyError(ValueError):
    """A key cannot be made with these settings; the message says why."""


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(*, name: str, scopes, role: str = "accueil", created_by=None) -> tuple[ApiKey, str]:
    """A new key of the current commune and its secret (shown once; not committed)."""
    name = (name or "").strip()
    scopes = sorted(set(scopes or ()))
    if not name or len(name) > 120:
        raise ApiKeyError(_("A key needs a name (at most 120 characters)."))
    unknown = [scope for scope in scopes if scope not in API_SCOPES]
    if not scopes or unknown:
        raise ApiKeyError(_("Scopes: one or more of %(scopes)s.", scopes=", ".join(API_SCOPES)))
    if role not in API_ROLES:
        raise ApiKeyError(_("Role: one of %(roles)s.", roles=", ".join(API_ROLES)))
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, scopes=scopes, role=role, prefix=secret[:len(KEY_PREFIX) + SHOWN_CHARACTERS],
                 key_hash=hash_key(secret), created_by_id=getattr(created_by, "id", None))
    db.session.add(key)
    return key, secret


def find_key(secret: str | None) -> ApiKey | None:
    """The live key with this secret, whatever its commune (the caller checks
    the commune), or None: unknown, malformed or revoked."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 100:
        return None
    with unscoped():
        key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return key


def revoke_key(key: ApiKey) -> None:
    """Revoke at once (not committed); a revoked key stays listed."""
    if key.revoked_at is None:
        key.revoked_at = utcnow()


@dataclass(frozen=True)
class KeyPrincipal:
    """Who a key acts as for ``grc_core.security.access``: a member of the
    key's commune with the key's role, no service and no granted permission
    — so it reads what such an agent reads, confidential (CCAS) types never."""

    key_id: int
    role: str

    @property
    def id(self) -> str:
        # Not a user id: keeps the key apart in the access caches.
        return f"api_key:{self.key_id}"

    is_platform_admin = False
    # grc_core.security.access hides every confidential (CCAS) file from a key, whatever its role.
    is_api_key = True
    services = ()
    permissions = ()


@dataclass(frozen=True)
class KeyActor:
    """The key applying a transition in the workflow engine: the engine
    checks its ``role`` (with the :class:`KeyPrincipal` as membership);
    ``id`` is None because the history's actor is a user — the key is
    named by the call's audit line."""

    role: str
    id = None
    is_platform_admin = False


def principal(key: ApiKey) -> KeyPrincipal:
    return KeyPrincipal(key_id=key.id, role=key.role)
