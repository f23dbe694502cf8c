"""Checking a password so that the answer's timing says nothing.

An unknown or disabled account costs the same scrypt computation as a real
one: otherwise the response time tells whether an address has an account.
"""
from __future__ import annotations

import secrets

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

_stand_in_hash: str | None = None

# The one strength rule for a new password: account creation by an
# administrator, ``grc users create`` and the agent's own change.
MIN_LENGTH = 10


def weakness(password: str) -> str | None:
    """Why ``password`` may not be used, in the user's language, or None when it may."""
    if len(password) < MIN_LENGTH:
        return _("At least %(n)d characters.", n=MIN_LENGTH)
    return None


def _stand_in() -> str:
    global _stand_in_hash
    if _stand_in_hash is None:
        _stand_in_hash = generate_password_hash(secrets.token_urlsafe(24), method="scrypt")
    return _stand_in_hash


def verify(user, password: str) -> bool:
    """True when ``user`` exists, is active and ``password`` is his; the hasher runs in every case."""
    if user is None or not user.password_hash:
        check_password_hash(_stand_in(), password)
        return False
    matches = check_password_hash(user.password_hash, password)
    return matches and bool(user.active)
