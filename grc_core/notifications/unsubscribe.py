"""One-click unsubscribe links (RFC 8058), shared by the core's notifications
and the campaigns plugin.

A link carries a token signed with the application's secret and a salt of
its own per use (``itsdangerous``): it names the commune and the person, it
cannot be forged, and it needs no row. The message also gets the headers
that let a mail client offer "unsubscribe" and POST it in one click.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

CITIZEN_SALT = "grc.notifications.unsubscribe"


def sign(salt: str, values: list[int]) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=salt).dumps(values)


def read(salt: str, token: str, size: int = 2) -> list[int] | None:
    """The ``size`` integers a token was signed with; None when forged or malformed."""
    try:
        values = URLSafeSerializer(current_app.secret_key, salt=salt).loads(token)
    except BadSignature:
        return None
    if isinstance(values, list) and len(values) == size and all(type(v) is int for v in values):
        return values
    return None


def unsubscribe_headers(link: str) -> dict[str, str]:
    """The headers of RFC 2369 and 8058: a client's one-click POST to ``link``."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def citizen_token(citizen) -> str:
    """The token of a citizen's unsubscribe link (non-essential messages)."""
    return sign(CITIZEN_SALT, [citizen.commune_id, citizen.id])


def citizen_of(token: str) -> tuple[int, int] | None:
    """(commune id, citizen id) of a citizen's token; None when forged."""
    values = read(CITIZEN_SALT, token)
    return (values[0], values[1]) if values else None
