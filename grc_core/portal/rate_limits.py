"""Rate limits on the portal's forms, per source address and per account.

Sign-up, sign-in, the links asked by e-mail, filing and messages each have a
limit per address (``PORTAL_*_LIMIT_PER_ADDRESS``) and, where there is one,
per account or e-mail address (``PORTAL_*_LIMIT_PER_ACCOUNT``), in the
notation of the ``limits`` library ("5/15 minutes", "20/hour;50/day"). The
counts are kept in Redis when ``REDIS_URL`` is set — shared by every
worker — and in the process's memory otherwise, like the API's
(grc_core.webapi.calls). The same ``limits`` library Flask-Limiter is built
on; a check here rather than a decorator: a limit is taken before anything
is written, and the refused form is shown again with the citizen's input
and the wait (HTTP 429, ``Retry-After``).

These sit beside the sign-in throttling of grc_core.security.throttling (in
the database, per account and address, slowing password guessing down).
"""
from __future__ import annotations

import math
import time

from flask import current_app, g
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..audit import client_ip

ACTIONS = ("SIGN_UP", "SIGN_IN", "LINK", "FILING", "MESSAGE")
EXTENSION = "grc_portal_limiter"


def _limiter() -> MovingWindowRateLimiter:
    app = current_app._get_current_object()
    if EXTENSION not in app.extensions:
        storage = storage_from_string(app.config["GRC"].get("REDIS_URL") or "memory://")
        app.extensions[EXTENSION] = MovingWindowRateLimiter(storage)
    return app.extensions[EXTENSION]


def _limits(action: str, scope: str):
    setting = current_app.config["GRC"].get(f"PORTAL_{action}_LIMIT_PER_{scope}") or ""
    return parse_many(setting) if setting else []


def hit(action: str, commune_id: int, account: str | None = None) -> int:
    """Count one try of ``action`` from this address (and ``account``): 0
    when allowed, else the seconds to wait. A refused try counts for nothing."""
    assert action in ACTIONS, action
    limiter = _limiter()
    checks = [(item, ("grc_portal", action, str(commune_id), "address", client_ip() or ""))
              for item in _limits(action, "ADDRESS")]
    if account is not None:
        checks += [(item, ("grc_portal", action, str(commune_id), "account", account.lower()))
                   for item in _limits(action, "ACCOUNT")]
    waits = [_wait(limiter, item, keys) for item, keys in checks if not limiter.test(item, *keys)]
    if waits:
        return max(waits)
    for item, keys in checks:
        limiter.hit(item, *keys)
    return 0


def _wait(limiter, item, keys) -> int:
    return max(1, math.ceil(limiter.get_window_stats(item, *keys).reset_time - time.time()))


def retry_after(response):
    """``Retry-After`` on a portal page refused for too many tries (the wait
    of the limit or of the sign-in throttling that refused it)."""
    wait = g.get("grc_retry_after")
    if response.status_code == 429 and wait and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(wait)
    return response
