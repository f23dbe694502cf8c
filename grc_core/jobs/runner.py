"""Running one job: in the commune it names, with the request id of whoever queued it."""
from __future__ import annotations

import logging
from contextlib import nullcontext

from ..observability.logs import request_id_var
from ..tenancy import use_commune
from .registry import spec

log = logging.getLogger("grc.jobs")


def perform(name: str, commune_id: int | None, kwargs: dict, request_id: str | None = None):
    """Run the job ``name`` now, in the current app context.

    ``commune_id`` None: a platform job (tick, outbox), which reads every
    commune itself. An exception propagates: RQ counts the attempt as failed.
    """
    token = request_id_var.set(request_id or "")
    try:
        log.info("job %s started", name, extra={"job": name, "commune_id": commune_id})
        with use_commune(commune_id) if commune_id is not None else nullcontext():
            return spec(name).function(**kwargs)
    finally:
        request_id_var.reset(token)


def perform_queued(name: str, commune_id: int | None, kwargs: dict, request_id: str | None = None):
    """What RQ calls (by this dotted path): :func:`perform`, then a clean session
    for the next job of the worker, whatever happened."""
    from ..extensions import db

    try:
        return perform(name, commune_id, kwargs, request_id)
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", name, extra={"job": name, "commune_id": commune_id})
        raise
    finally:
        db.session.remove()
