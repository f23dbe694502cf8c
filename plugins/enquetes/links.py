"""The signed links of the surveys: one per invitation, naming its commune
and its id, that cannot be forged and need no row (``itsdangerous``, the
application's secret, a salt per kind of survey)."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


def sign(salt: str, invitation) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=salt).dumps([invitation.commune_id, invitation.id])


def read(salt: str, token: str) -> tuple[int, int] | None:
    """(commune id, invitation id) a token was made for; None when forged."""
    try:
        value = URLSafeSerializer(current_app.secret_key, salt=salt).loads(token)
    except BadSignature:
        return None
    if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
        return value[0], value[1]
    return None
