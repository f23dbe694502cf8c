"""What every API call goes through, in this order: its commune, its key,
its rate limit, and — once answered — its audit line.

- **Commune**: ``/c/<slug>/…`` names it (the tenancy resolver found it);
  on a commune's own hostname the host does; on the platform host the
  ``jurisdiction_id`` parameter (the commune's slug) does and is required.
  A ``jurisdiction_id`` that contradicts the URL or host is unknown (404).
  A browser session plays no part: an API call is its key, nothing else.
- **Key**: ``api_key`` (query or form, as GeoReport v2 says) or the
  ``X-API-Key`` header. Only a live key of this very commune counts; another
  commune's key is as unknown as a wrong one.
- **Rate limit**: ``API_RATE_LIMIT`` per key (per address without a key),
  counted in Redis when ``REDIS_URL`` is set — shared by every worker — and
  in the process's memory otherwise; over it, 429 with ``Retry-After``.
- **Audit**: every call made with a key writes an audit event naming the
  key (``api.call``) and moves its "last used" (shown to the minute: written
  once a minute at most); a refused key is recorded (``api.key_refused``).
"""
from __future__ import annotations

import math
import time

from flask import current_app, g, request
from flask_babel import gettext as _
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import update

from ..audit import record
from ..extensions import db
from ..models import ApiKey, Commune, utcnow
from ..tenancy.resolver import commune_for_host, commune_for_slug
from ..tenancy.scoping import set_current_commune
from .keys import find_key, principal


# The REST API's stable error codes, by HTTP status (a refusal may name its own).
ERROR_CODES = {400: "invalid_parameter", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "too_large", 429: "rate_limited"}


class ApiRefusal(Exception):
    """An API call refused: ``status``, the messages, and for the REST API
    a stable ``code``, the ``field`` at fault and, for a form, each of its
    ``fields``' messages."""

    def __init__(self, status: int, *messages: str, headers: dict | None = None, code: str | None = None,
                 field: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(*messages)
        self.status = status
        self.messages = messages
        self.headers = headers or {}
        self.code = code or ERROR_CODES.get(status, "error")
        self.field = field
        self.fields = fields


def resolve_commune() -> None:
    """Set the call's commune (404 unknown, 400 when the platform host is not told which)."""
    jurisdiction = request.values.get("jurisdiction_id")
    commune = g.get("grc_commune") if (request.view_args or {}).get("commune_slug") else None
    if commune is None:
        commune = commune_for_host(request.host)
        if commune is None:
            if not jurisdiction:
                raise ApiRefusal(400, _("jurisdiction_id is required on this address (the commune's slug)."))
            commune = commune_for_slug(jurisdiction)
    if commune is None or (jurisdiction and jurisdiction != commune.slug):
        raise ApiRefusal(404, _("Unknown jurisdiction_id."))
    g.grc_commune = commune
    g.grc_membership = None
    set_current_commune(commune.id)


def _secret() -> str | None:
    return request.values.get("api_key") or request.headers.get("X-API-Key")


def identify_key() -> None:
    """``g.api_key``: the live key of this commune given with the call, if any."""
    secret = _secret()
    key = find_key(secret)
    _take_key(key if key is not None and key.commune_id == g.grc_commune.id else None, secret)


def commune_from_key() -> None:
    """The REST API's commune is its key's: set both (no key: no commune, the
    call is refused by :func:`require_key`)."""
    secret = _secret()
    key = find_key(secret)
    commune = db.session.get(Commune, key.commune_id) if key is not None else None
    if commune is None or not commune.active:
        _take_key(None, secret)
        return
    g.grc_commune = commune
    g.grc_membership = None
    set_current_commune(commune.id)
    _take_key(key, secret)


def _take_key(key: ApiKey | None, secret: str | None) -> None:
    g.api_key = key
    g.api_key_refused = bool(secret) and key is None
    # What the audit line needs, kept as plain values: a commit in the view
    # expires the key, and naming it then would read it again.
    g.api_key_used = (key.id, key.name, key.last_used_at) if key is not None else None


def _limiter() -> FixedWindowRateLimiter:
    app = current_app._get_current_object()
    if "grc_api_limiter" not in app.extensions:
        settings = app.config["GRC"]
        storage = storage_from_string(settings.get("REDIS_URL") or "memory://")
        app.extensions["grc_api_limiter"] = FixedWindowRateLimiter(storage)
    return app.extensions["grc_api_limiter"]


def check_rate_limit() -> None:
    item = parse(current_app.config["GRC"]["API_RATE_LIMIT"])
    key = g.get("api_key")
    bucket = f"key:{key.id}" if key is not None else f"ip:{request.remote_addr or ''}"
    limiter = _limiter()
    if not limiter.hit(item, "grc_api", bucket):
        reset = limiter.get_window_stats(item, "grc_api", bucket).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise ApiRefusal(429, _("Too many calls with this key; try again in %(n)d seconds.", n=wait),
                         headers={"Retry-After": str(wait)})


def require_key(scope: str):
    """The call's key as an access principal, if it holds ``scope`` (else 403)."""
    key = g.get("api_key")
    if key is None:
        if g.get("api_key_refused"):
            raise ApiRefusal(403, _("This API key is not valid for this commune."))
        raise ApiRefusal(403, _("An API key is required (api_key)."))
    if scope not in (key.scopes or ()):
        raise ApiRefusal(403, _("This API key does not have the « %(scope)s » scope.", scope=scope))
    who = principal(key)
    # What grc_core.security.access reads as the signed-in member (citizens, attachments).
    g.grc_api_principal = who
    return who


def same_minute(earlier, now) -> bool:
    """Whether a key's "last used" already says ``now``: it is shown to the
    minute (back office, ``grc api-keys``), so a busy key is not written on
    every call."""
    if earlier is None:
        return False
    if earlier.tzinfo is None:  # SQLite keeps no zone: stored in UTC
        earlier = earlier.replace(tzinfo=now.tzinfo)
    return earlier.replace(second=0, microsecond=0) == now.replace(second=0, microsecond=0)


def audit_call(response):
    """after_request: the audit line of a call made with a key (or a refused key)."""
    key = g.get("api_key")
    if key is None and not g.get("api_key_refused"):
        return response
    used = g.get("api_key_used") if key is not None else None
    try:
        db.session.rollback()  # whatever the view left unfinished is not ours to commit
        details = {"method": request.method, "status": response.status_code}
        if used is not None:
            key_id, name, last_used_at = used
            now = utcnow()
            if not same_minute(last_used_at, now):
                db.session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now),
                                   execution_options={"synchronize_session": False})
            record("api.call", target=request.path, details={"key": name, "key_id": key_id, **details})
        else:
            record("api.key_refused", target=request.path, details=details)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("API call not audited")
        raise
    return response
