"""``/healthz`` (the process answers), ``/readyz`` (it can serve: database,
Redis, storage) and ``/metrics`` (Prometheus), outside any commune."""
from __future__ import annotations

import hmac
import ipaddress
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from .metrics import exposition

bp = Blueprint("ops", __name__)
log = logging.getLogger("grc.health")


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _checks() -> dict[str, str]:
    from ..extensions import db
    from ..jobs.queue import connection, queue_configured
    from ..storage import storage

    results = {}
    checks = {"database": lambda: db.session.execute(text("SELECT 1")), "storage": lambda: storage().check()}
    if queue_configured():
        checks["redis"] = lambda: connection().ping()
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:
            # The details go to the log, not to whoever asks.
            log.exception("readiness check %s failed", name)
            results[name] = "error"
            if name == "database":
                db.session.rollback()
    return results


@bp.get("/readyz")
def readyz():
    results = _checks()
    ready = all(state == "ok" for state in results.values())
    return jsonify(status="ok" if ready else "error", checks=results), 200 if ready else 503


def _may_read_metrics() -> bool:
    settings = current_app.config["GRC"]
    token = str(settings.get("METRICS_TOKEN") or "")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    allowed = settings.get("METRICS_ALLOWED_IPS") or []
    if isinstance(allowed, str):
        allowed = [part.strip() for part in allowed.split(",") if part.strip()]
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in allowed)


@bp.get("/metrics")
def metrics():
    if not _may_read_metrics():
        abort(403)
    body, content_type = exposition()
    return Response(body, content_type=content_type)
