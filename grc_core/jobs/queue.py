"""The two backends of :func:`enqueue`, and RQ's registries for the admin page."""
from __future__ import annotations

import logging

from flask import current_app
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from rq import Queue, Retry
from rq.job import Job
from rq.registry import FailedJobRegistry

from ..observability.logs import request_id_var
from .registry import spec
from .runner import perform

log = logging.getLogger("grc.jobs")
QUEUED_FUNCTION = "grc_core.jobs.runner.perform_queued"
# A dead job's error stays visible to the platform admin for 30 days.
FAILED_TTL_SECONDS = 30 * 24 * 3600
RESULT_TTL_SECONDS = 24 * 3600


def _settings() -> dict:
    return current_app.config["GRC"]


def queue_configured() -> bool:
    return bool(_settings().get("REDIS_URL"))


def connection() -> Redis:
    """One Redis client per app (it holds a connection pool, safe across threads)."""
    app = current_app._get_current_object()
    if "grc_redis" not in app.extensions:
        app.extensions["grc_redis"] = Redis.from_url(_settings()["REDIS_URL"])
    return app.extensions["grc_redis"]


def queue() -> Queue:
    return Queue(_settings().get("JOBS_QUEUE") or "grc", connection=connection())


def retry_policy() -> Retry | None:
    """Exponential backoff: ``JOB_RETRY_INTERVALS`` seconds before each retry."""
    intervals = [int(seconds) for seconds in _settings().get("JOB_RETRY_INTERVALS") or ()]
    return Retry(max=len(intervals), interval=intervals) if intervals else None


def enqueue(name: str, *, commune_id: int | None = None, **kwargs) -> str | None:
    """Queue the job ``name`` (RQ's job id), or without a queue run it now
    (None) — or leave it to ``grc tick`` when the job says so."""
    job_spec = spec(name)
    request_id = request_id_var.get() or None
    if queue_configured():
        try:
            job = queue().enqueue(
                QUEUED_FUNCTION, args=(name, commune_id, kwargs, request_id),
                retry=retry_policy(), job_timeout=int(_settings().get("JOB_TIMEOUT_SECONDS") or 900),
                result_ttl=RESULT_TTL_SECONDS, failure_ttl=FAILED_TTL_SECONDS,
                description=name, meta={"job": name, "commune_id": commune_id, "request_id": request_id},
            )
            return job.id
        except RedisConnectionError:
            # Redis down: the work is not dropped but done as without a queue
            # (here and now, or by the next tick); the next job tries Redis again.
            log.error("Redis unreachable: job %s done without the queue", name, exc_info=True,
                      extra={"job": name, "commune_id": commune_id})
    if job_spec.without_queue == "run":
        perform(name, commune_id, kwargs, request_id)
    return None


def failed_jobs(limit: int = 200) -> list[Job]:
    """Jobs that failed every attempt, most recent first."""
    registry = FailedJobRegistry(queue=queue())
    ids = registry.get_job_ids(0, limit - 1, desc=True)
    return [job for job in Job.fetch_many(ids, connection=connection()) if job is not None]


def retry_failed(job_id: str) -> Job:
    """Put a dead job back on the queue (its retries start again); LookupError if unknown."""
    registry = FailedJobRegistry(queue=queue())
    if job_id not in registry.get_job_ids():
        raise LookupError(job_id)
    job = Job.fetch(job_id, connection=connection())
    if job.retry_intervals:
        job.retries_left = len(job.retry_intervals)
        job.save()
    registry.requeue(job_id)
    return job


def counts() -> dict[str, int]:
    """Queued and failed jobs (metrics); zeros without a queue."""
    if not queue_configured():
        return {"queued": 0, "failed": 0}
    jobs = queue()
    return {"queued": jobs.count, "failed": FailedJobRegistry(queue=jobs).count}
