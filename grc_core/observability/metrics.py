"""Prometheus metrics: requests per route and status, latency, jobs, outbox.

The request metrics are module-level because Prometheus counts per
process, not per app: prometheus_client keeps them in one registry per
process (or, with several gunicorn workers, in files that every worker
writes under ``PROMETHEUS_MULTIPROC_DIR`` and that the scraped worker adds
up — see docs/deployment.md). The jobs' and the outbox's figures are read
from Redis and the database when scraped, so any node gives the same.
"""
from __future__ import annotations

import logging
import os
import time

from flask import Flask, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

log = logging.getLogger("grc.metrics")

REQUESTS = Counter("grc_http_requests_total", "HTTP requests answered, by route and status.",
                   ["method", "route", "status"])
LATENCY = Histogram("grc_http_request_duration_seconds", "Time to answer an HTTP request, by route.",
                    ["method", "route"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))


def route_label() -> str:
    # The URL rule, not the path: /admin/requests/<int:request_id>/ is one
    # series, whatever the id (and ids never reach the metrics).
    return request.url_rule.rule if request.url_rule is not None else "unmatched"


def init_request_metrics(app: Flask) -> None:
    @app.before_request
    def start_clock():
        g.grc_started = time.perf_counter()

    @app.after_request
    def count(response):
        started = g.pop("grc_started", None)
        if started is not None:
            route = route_label()
            REQUESTS.labels(request.method, route, str(response.status_code)).inc()
            LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response


class StateCollector:
    """The deployment's state, read at each scrape."""

    def collect(self):
        from ..extensions import db
        from ..jobs.queue import counts
        from ..models import OutboxMessage
        from ..tenancy import unscoped

        families = []
        try:
            jobs = counts()
        except Exception:
            # Redis down: /readyz says so; the other figures are still worth scraping.
            log.exception("job counts unavailable for /metrics")
        else:
            queued = GaugeMetricFamily("grc_jobs_queued", "Background jobs waiting for a worker.")
            queued.add_metric([], jobs["queued"])
            failed = GaugeMetricFamily("grc_jobs_failed", "Background jobs that failed every attempt (dead).")
            failed.add_metric([], jobs["failed"])
            families += [queued, failed]
        with unscoped():
            pending = db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending"))
            dead = db.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "failed"))
        backlog = GaugeMetricFamily("grc_outbox_backlog", "E-mails waiting in the outbox, by status.",
                                    labels=["status"])
        backlog.add_metric(["pending"], pending)
        backlog.add_metric(["failed"], dead)
        return [*families, backlog]


def exposition() -> tuple[bytes, str]:
    """The metrics text of this process (or of every worker, in multiprocess
    mode), then the deployment's state."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        processes = CollectorRegistry()
        multiprocess.MultiProcessCollector(processes)
        text = generate_latest(processes)
    else:
        from prometheus_client import REGISTRY

        text = generate_latest(REGISTRY)
    state = CollectorRegistry(auto_describe=False)
    state.register(StateCollector())
    return text + generate_latest(state), CONTENT_TYPE_LATEST
