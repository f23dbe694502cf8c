"""Logs: one JSON object per line when ``LOG_FORMAT = "json"``, each with the
request id (from the proxy's ``X-Request-ID`` or drawn here), which jobs
queued by that request carry too; queries slower than ``SLOW_QUERY_MS``.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

# A context variable, not flask.g: jobs and threads outside a request read it too.
request_id_var: ContextVar[str] = ContextVar("grc_request_id", default="")
# What a proxy may hand us as a request id: no spaces, quotes or line breaks.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_HEADER = "X-Request-ID"
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

slow_log = logging.getLogger("grc.sql.slow")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id and
    the record's ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update({key: value for key, value in record.__dict__.items()
                      if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to text records (the text format prints it)."""

    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        return True


def configure_logging(settings: dict) -> None:
    """The root handler, once per process (a second app in tests changes nothing)."""
    root = logging.getLogger()
    if any(getattr(handler, "grc", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.grc = True
    if str(settings.get("LOG_FORMAT", "text")).lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(str(settings.get("LOG_LEVEL") or "INFO").upper())


def init_request_ids(app: Flask) -> None:
    @app.before_request
    def take_request_id():
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.grc_request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex
        g.grc_request_id_token = request_id_var.set(g.grc_request_id)

    @app.after_request
    def give_request_id(response):
        if "grc_request_id" in g:
            response.headers[REQUEST_ID_HEADER] = g.grc_request_id
        return response

    @app.teardown_request
    def forget_request_id(_error):
        token = g.pop("grc_request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def log_slow_queries(engine: Engine, threshold_ms: int) -> None:
    """Log every statement of ``engine`` (one per app) taking ``threshold_ms`` or more (0: none)."""
    if threshold_ms <= 0:
        return

    @event.listens_for(engine, "before_cursor_execute")
    def started(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("grc_query_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def finished(conn, cursor, statement, parameters, context, executemany):
        elapsed_ms = (time.perf_counter() - conn.info["grc_query_started"].pop()) * 1000
        if elapsed_ms >= threshold_ms:
            # The statement, not its parameters: those may hold personal data.
            slow_log.warning("slow query: %.0f ms", elapsed_ms, extra={
                "duration_ms": round(elapsed_ms, 1), "statement": " ".join(statement.split())[:2000]})

    @event.listens_for(engine, "handle_error")
    def failed(context):
        started = context.connection.info.get("grc_query_started") if context.connection is not None else None
        if started:
            started.pop()
