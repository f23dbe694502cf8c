"""Where a form or a link may send the browser back to: this site only.

Every ``next`` (or Flask-Admin ``url``) taken from a request goes through
:func:`safe_next`. Browsers drop tabs and newlines from URLs and read a
backslash as a slash, so ``/\\t/evil.example/`` arrives as
``//evil.example/`` — another host. Only a plain path on this host passes:
no scheme, no host, no control character (raw or percent-encoded), no
backslash, never two leading slashes.
"""
from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import url_for

MAX_LENGTH = 2000


def _has_control_character(text: str) -> bool:
    return any(ord(char) < 32 or ord(char) == 127 for char in text)


def is_safe_path(target: object) -> bool:
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return False
    # Checked encoded and decoded once: a proxy or a browser may decode it.
    for form in (target, unquote(target)):
        if _has_control_character(form) or "\\" in form:
            return False
        if not form.startswith("/") or form.startswith("//"):
            return False
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_next(target: object, fallback: str | None = None) -> str:
    """``target`` when it is a path on this site, else ``fallback`` (a URL;
    by default the back office's home)."""
    if is_safe_path(target):
        return target
    return fallback if fallback is not None else url_for("admin.index")
