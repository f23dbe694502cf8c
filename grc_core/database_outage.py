"""The database unreachable (restarted, failed over): a clear 503, never a 500.

Each page that cannot reach PostgreSQL answers "503 Service Unavailable"
with ``Retry-After`` and a page saying to try again in a moment; its
transaction is rolled back, so nothing is half-applied. The pool checks each
connection before use (``pool_pre_ping``) and drops the broken ones: when
the database is back the next page works, without restarting GRC.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, g, request
from flask_babel import force_locale
from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger("grc.database")

RETRY_AFTER_SECONDS = 30


def init_app(app: Flask) -> None:
    app.register_error_handler(OperationalError, _unavailable)
    app.register_error_handler(InterfaceError, _unavailable)


def _unavailable(error):
    from flask import current_app

    from .extensions import db

    log.error("database unreachable: %s", error.orig if hasattr(error, "orig") else error)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool replaces it
        db.session.invalidate()
    # The rest of the request (after_request hooks) sees an anonymous visitor:
    # loading the signed-in agent would ask the database again (Flask-Login's own slot).
    g._login_user = current_app.login_manager.anonymous_user()
    # Rendered from the environment directly, in the browser's language: the
    # usual page context and the locale of the signed-in agent read the
    # database, which is what failed.
    settings = current_app.config["GRC"]
    locale = request.accept_languages.best_match(settings["LOCALES"]) or settings["DEFAULT_LOCALE"]
    with force_locale(locale):
        page = current_app.jinja_env.get_template("grc/unavailable.html").render(locale=locale)
    return Response(page, status=503, mimetype="text/html",
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"})
