"""Security headers on every response: one middleware, for the core and plugins.

- ``Content-Security-Policy``: scripts only from GRC's own origin, plus the
  inline scripts Flask-Admin writes itself, which carry this request's nonce
  (``csp_nonce()`` in templates, ``Admin(csp_nonce_generator=...)``). No
  ``'unsafe-inline'`` for scripts: GRC's templates hold no inline script and
  no ``on…=`` handler (tests/test_security_headers.py reads every template;
  static/grc/page.js binds ``data-grc-*`` attributes instead). Styles keep
  ``'unsafe-inline'``: charts colour their swatches with ``style=`` and
  Flask-Admin's widgets set styles from script; a style cannot run code.
  ``frame-ancestors 'none'``: no page of GRC is ever framed (clickjacking).
- ``Strict-Transport-Security`` when the request came over HTTPS (behind
  the proxy, ``wsgi.py``'s ProxyFix says so) and ``HSTS_MAX_AGE`` is not 0:
  sent over plain HTTP it would be ignored, and ``grc serve`` stays usable.
- ``Cache-Control: private, no-store`` on every response to a signed-in
  agent (pages, exports, downloads: personal data), static files aside, and
  on the login page, whose form carries a CSRF token.
- ``X-Content-Type-Options``, ``Referrer-Policy``, ``Permissions-Policy``
  (no camera, microphone, geolocation… for any page), ``X-Frame-Options``
  for browsers without ``frame-ancestors``, ``Cross-Origin-Opener-Policy``.

A view may set its own value of any of these; it is kept (``setdefault``).
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from flask_login import current_user

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    "interest-cohort",
))
STATIC_ENDPOINTS = ("static", "admin.static")


def csp_nonce() -> str:
    """This request's nonce for an inline ``<script>`` (one per response)."""
    nonce = g.get("grc_csp_nonce")
    if nonce is None:
        nonce = g.grc_csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _is_static() -> bool:
    endpoint = request.endpoint or ""
    return endpoint in STATIC_ENDPOINTS or endpoint.endswith(".static")


def set_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    max_age = int(current_app.config["GRC"].get("HSTS_MAX_AGE") or 0)
    if request.is_secure and max_age > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={max_age}; includeSubDomains")
    # A signed-in user's object, whatever its state: is_authenticated would read
    # the user's row again after the page's commit expired it (one more query).
    if not _is_static() and (not current_user.is_anonymous or request.endpoint == "auth.login"):
        headers["Cache-Control"] = "private, no-store"
        headers.setdefault("Pragma", "no-cache")
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_security_headers)
