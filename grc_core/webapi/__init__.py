"""The open APIs: Open311 GeoReport v2 (``open311/``) and the REST API
(``rest/``), with the API keys (``keys``) and the rules every call follows
(``calls``).

The API blueprints are exempt from CSRF — a call carries a key, never a
browser's session — and answer their errors in their own format, 405
included (raised before any view, so the blueprint's handlers never see it).
"""
from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import MethodNotAllowed

from ..extensions import csrf
from . import webhooks  # noqa: F401  (its session listeners write the deliveries; its job registers)
from .open311.formats import errors
from .open311.views import bp as open311_bp
from .rest import citizens, indicators, work  # noqa: F401  (their routes join the REST blueprint)
from .rest.views import bp as rest_bp

OPEN311_PREFIXES = ("/open311/v2/",)


def _is_open311(path: str) -> bool:
    return path.startswith(OPEN311_PREFIXES) or ("/open311/v2/" in path and path.startswith("/c/"))


def init_app(app: Flask) -> None:
    csrf.exempt(open311_bp)
    csrf.exempt(rest_bp)
    app.register_blueprint(rest_bp)
    app.register_blueprint(open311_bp, url_prefix="/c/<commune_slug>/open311/v2")
    app.register_blueprint(open311_bp, url_prefix="/open311/v2", name="open311_host")

    @app.errorhandler(MethodNotAllowed)
    def method_not_allowed(error):
        if request.path.startswith("/api/v1/"):
            response = jsonify({"error": {"code": "method_not_allowed", "message": error.description,
                                          "field": None}})
            response.status_code = 405
            response.headers["Allow"] = ", ".join(error.valid_methods or ())
            return response
        if not _is_open311(request.path):
            return error
        fmt = request.path.rsplit(".", 1)[-1]
        response = errors(405, [error.description], fmt)
        response.headers["Allow"] = ", ".join(error.valid_methods or ())
        return response
