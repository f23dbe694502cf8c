"""URLs of the back office's static files, built once per application.

Flask-Admin's base template asks ``url_for`` for its thirteen stylesheets and
scripts on every page (≈ 0.3 ms of a 10 ms request page); they change only
with the application's root, which is part of the key.
"""
from __future__ import annotations

from flask import current_app, request, url_for


def static_url(endpoint: str, filename: str, **values) -> str:
    """``url_for(endpoint, filename=filename, **values)`` (a static endpoint: no other argument)."""
    built = current_app.extensions.setdefault("grc_static_urls", {})
    key = (request.script_root, endpoint, filename, *sorted(values.items()))
    url = built.get(key)
    if url is None:
        url = built[key] = url_for(endpoint, filename=filename, **values)
    return url
