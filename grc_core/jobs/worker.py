"""``grc worker`` and ``grc scheduler``."""
from __future__ import annotations

import logging
import time

from flask import current_app
from rq import Worker

from .queue import connection, enqueue, queue, queue_configured

log = logging.getLogger("grc.jobs")


class GrcWorker(Worker):
    """RQ's forking worker: each job runs in a child process, which a crash or
    a leak cannot outlive. The child must not share the parent's database
    connections (two processes on one socket): it opens its own."""

    def main_work_horse(self, job, queue):
        from ..extensions import db

        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)


def run_worker(*, burst: bool = False) -> bool:
    """Work the queue until stopped (or, ``burst``, until it is empty). The
    worker also moves retries whose backoff is over back onto the queue."""
    worker = GrcWorker([queue()], connection=connection())
    return worker.work(burst=burst, with_scheduler=True, logging_level=current_app.config["GRC"].get("LOG_LEVEL"))


def tick_slot(interval: int) -> bool:
    """True for one caller per interval, across every scheduler of the
    deployment (a Redis key that expires), so that running two schedulers
    for safety never queues two ticks."""
    name = f"grc:{current_app.config['GRC'].get('JOBS_QUEUE') or 'grc'}:tick-slot"
    return bool(connection().set(name, str(time.time()), nx=True, ex=max(1, interval - 1)))


def schedule_once(interval: int) -> str | None:
    """One beat of ``grc scheduler``: queue ``tick`` (or, without a queue, run
    it here, as cron would run ``grc tick``). The queued job's id, if any."""
    if not queue_configured():
        enqueue("tick")
        return None
    if not tick_slot(interval):
        return None
    return enqueue("tick")


def run_scheduler(interval: int, beats: int | None = None) -> None:
    """Every ``interval`` seconds, :func:`schedule_once`; ``beats`` bounds the
    loop (tests), None runs until stopped."""
    done = 0
    while beats is None or done < beats:
        started = time.monotonic()
        try:
            job_id = schedule_once(interval)
            log.info("tick %s", f"queued as job {job_id}" if job_id else "done", extra={"job_id": job_id})
        except Exception:
            # A database or Redis outage must not stop the scheduler: next beat.
            log.exception("tick could not be scheduled")
        done += 1
        if beats is None or done < beats:
            time.sleep(max(0.0, interval - (time.monotonic() - started)))
