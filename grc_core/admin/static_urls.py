"""URLs of the back office's static files, built once per process.

Flask-Admin's base template asks ``url_for`` for its thirteen stylesheets and
scripts on every page (≈ 0.3 ms of a 10 ms request page); they change only
with the application's root, which is part of the key.
"""
from __future__ import annotations

from flask import request, url_for

_BUILT: dict[tuple, str] = {}


def static_url(endpoint: str, filename: str, **values) -> str:
    """``url_for(endpoint, filename=filename, **values)`` (a static endpoint: no other argument)."""
    key = (request.script_root, endpoint, filename, *sorted(values.items()))
    url = _BUILT.get(key)
    if url is None:
        url = _BUILT[key] = url_for(endpoint, filename=filename, **values)
    return url
