"""``grc worker`` and ``grc scheduler``."""
from __future__ import annotations

import logging
import os
import socket
import time

from flask import current_app
from rq import Queue, Worker
from rq.executions import Execution
from rq.registry import StartedJobRegistry

from .queue import connection, enqueue, queue, queue_configured

log = logging.getLogger("grc.jobs")


class StopsItsCommandThreadAtOnce:
    """An RQ worker listens for commands (stop the job, shut down) on a thread
    that reads Redis for up to 60 seconds at a time. To stop it, RQ sends
    UNSUBSCRIBE, whose reply wakes the thread, then clears the thread's flag;
    redis-py 8.2's ``stop()`` then waits for the thread. When the reply came
    first, the thread had gone back to its 60-second read with the flag still
    set: a worker took up to a minute to stop (a deployment's restart, a test's
    burst). The flag is cleared before the UNSUBSCRIBE here."""

    def unsubscribe(self):
        if self.pubsub_thread:
            self.pubsub_thread.stop(timeout=0)  # the flag only: the reply to come wakes the thread
        super().unsubscribe()


class GrcWorker(StopsItsCommandThreadAtOnce, Worker):
    """RQ's forking worker: each job runs in a child process, which a crash or
    a leak cannot outlive. The child must not share the parent's database
    connections (two processes on one socket): it opens its own."""

    def main_work_horse(self, job, queue):
        from ..extensions import db

        db.engine.dispose(close=False)
        return super().main_work_horse(job, queue)

    def clean_registries(self):
        """RQ's maintenance (at start, then every ``maintenance_interval``):
        first, jobs whose worker died on this machine are declared abandoned
        at once, so that RQ's own cleanup retries them now."""
        for jobs in self.queues:
            reclaim_abandoned(jobs)
        super().clean_registries()


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, another user's
        return False
    return False


def reclaim_abandoned(jobs: Queue) -> list[str]:
    """Jobs started by a worker of this host whose process is gone (killed
    by SIGKILL, the OOM killer, a power cut), expired now; their ids.

    RQ finds an abandoned job when its execution's heartbeat lapses (up to
    90 s after the kill) and only at a worker's next maintenance, every ten
    minutes: the job of a worker that systemd restarted at once would wait
    that long. A worker of another host is left to the heartbeat: its
    process cannot be seen from here. Workers sharing a host name must then
    share its process table (one machine, or one container each).
    """
    registry = StartedJobRegistry(queue=jobs)
    host = socket.gethostname()
    reclaimed = []
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        try:
            execution = Execution.fetch(execution_id, job_id, connection=jobs.connection)
        except ValueError:  # its record expired: RQ's cleanup sees it as abandoned already
            continue
        owner = Worker.find_by_key(Worker.redis_worker_namespace_prefix + execution.worker_name,
                                   connection=jobs.connection) if execution.worker_name else None
        if owner is None or owner.hostname != host or not owner.pid or not _process_gone(owner.pid):
            continue
        # Score 0: expired for StartedJobRegistry.cleanup, which retries it (or fails it, no retry left).
        jobs.connection.zadd(registry.key, {execution.composite_key: 0}, xx=True)
        reclaimed.append(job_id)
        log.warning("job %s abandoned by worker %s (process %s gone): retried", job_id, owner.name, owner.pid,
                    extra={"job_id": job_id})
    return reclaimed


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
