"""Two-factor sign-in for agents: TOTP (RFC 6238) and single-use recovery codes.

Mandatory for platform admins, commune admins and holders of a ``social.*``
permission (confidential CCAS files); optional for the others. pyotp
computes the codes, segno draws the QR code as SVG (no imaging library).
A code is accepted once: the time step it belongs to is remembered.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pyotp
import segno
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..models import RecoveryCode, User
from ..tenancy.resolver import memberships_and_communes
from . import clock
from .permissions import permissions_of

STEP_SECONDS = 30
RECOVERY_CODES = 10
ISSUER = "GRC"


def required(user: User) -> bool:
    """Must this agent use a second factor?"""
    if user.is_platform_admin:
        return True
    for membership, commune in memberships_and_communes(user):
        if membership.role == "admin":
            return True
        if any(code.startswith("social.") for code in permissions_of(user, membership, commune)):
            return True
    return False


def enabled(user: User) -> bool:
    return bool(user.totp_secret and user.totp_enabled_at)


def new_secret() -> str:
    return pyotp.random_base32()


def spaced(secret: str) -> str:
    """The secret in groups of four, easier to type into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The QR code as an SVG ``data:`` URI, for an ``<img>`` (nothing rendered unescaped)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _current_step() -> int:
    return int(clock.now().timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The time step (now, or one step either side for clock drift) whose code
    is ``code`` and that comes after ``after``; None when there is none."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = _current_step()
    for step in (now - 1, now, now + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes by ten new ones, returned once in clear (the caller commits)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 80 bits, 16 characters
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash(raw)))
    return codes


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def enable(user: User, secret: str, step: int) -> list[str]:
    """Turn two-factor on with the confirmed ``secret``; returns the recovery codes (caller commits)."""
    user.totp_secret = secret
    user.totp_enabled_at = clock.now()
    user.totp_last_step = step
    return new_recovery_codes(user)


def reset(user: User) -> None:
    """Forget the second factor (the agent enrols again at next sign-in if it is mandatory)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def check(user: User, code: str) -> bool:
    """A TOTP code or an unused recovery code of the user; consumes it (caller commits)."""
    if not enabled(user):
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        # Conditional, so that two requests racing with one code cannot both pass.
        taken = db.session.execute(update(User).where(
            User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        ).values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
        if taken:
            user.totp_last_step = step
        return bool(taken)
    normalised = _normalise(code)
    if len(normalised) != 16:
        return False
    used = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(normalised),
        RecoveryCode.used_at.is_(None),
    ).values(used_at=clock.now()).execution_options(synchronize_session=False)).rowcount
    return bool(used)
