"""One-time links e-mailed to citizens: verify the address, reset the
password, sign in without one.

Only the SHA-256 of a token is stored. A token is for one purpose, one
account, expires, and is used at most once: the first use wins atomically
(``UPDATE … WHERE used_at IS NULL``), a second click gets the same answer as
an unknown token. Issuing a new link of a purpose kills the older ones.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import CitizenAccount, PortalToken
from ..security import clock

LIFETIMES = {
    "verify": timedelta(hours=48),
    "reset": timedelta(hours=1),
    "signin": timedelta(minutes=20),
}


def digest(token: str) -> str:
    """What is stored of a token (its SHA-256): the links of the portal keep nothing else."""
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token) -> bool:
    """Shaped like a token this module issues; anything else is unknown without a query."""
    return isinstance(token, str) and 20 <= len(token) <= 100


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue(account: CitizenAccount, purpose: str) -> str:
    """A new link's token (the caller commits); older live ones of the purpose die."""
    now = clock.now()
    db.session.execute(update(PortalToken).where(
        PortalToken.account_id == account.id, PortalToken.purpose == purpose, PortalToken.used_at.is_(None),
    ).values(used_at=now))
    token = new_token()
    db.session.add(PortalToken(account_id=account.id, commune_id=account.commune_id, purpose=purpose,
                               token_hash=digest(token), created_at=now, expires_at=now + LIFETIMES[purpose]))
    return token


def consume(token: str, purpose: str) -> CitizenAccount | None:
    """The account of a live token of this purpose, marking it used (the
    caller commits); None when unknown, expired, used or another commune's."""
    if not plausible(token):
        return None
    now = clock.now()
    # The tenancy criteria apply: another commune's token is unknown here.
    row = db.session.scalar(select(PortalToken).where(PortalToken.token_hash == digest(token),
                                                      PortalToken.purpose == purpose))
    if row is None or row.used_at is not None or clock.aware(row.expires_at) <= now:
        return None
    claimed = db.session.execute(update(PortalToken).where(
        PortalToken.id == row.id, PortalToken.used_at.is_(None)).values(used_at=now)).rowcount
    if claimed != 1:
        return None
    return db.session.scalar(select(CitizenAccount).where(CitizenAccount.id == row.account_id))
