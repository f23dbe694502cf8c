"""Background jobs: one interface, two backends.

``enqueue(name, commune_id=None, **kwargs)`` runs a registered job
(:mod:`.registry`, the core's in :mod:`.core_jobs`):

- with ``REDIS_URL`` set, on a queue of RQ (``grc worker`` runs them,
  ``grc scheduler`` queues ``tick``), retried with exponential backoff
  (``JOB_RETRY_INTERVALS``), a job failing every attempt kept in RQ's
  failed registry, which the platform admin's "Background jobs" page lists
  and retries;
- without it (the embedded default), in the calling process at once, or not
  at all when ``grc tick`` already does the work (``without_queue="tick"``),
  which is how GRC worked before the queue existed.

The commune a job works for is an explicit argument, never ambient state: a
worker serves every commune. Jobs are idempotent — a job run twice, or
retried after its worker died, has its effect once — because RQ, like any
queue, delivers at least once.
"""
from .queue import enqueue, queue_configured
from .registry import job

__all__ = ["enqueue", "job", "queue_configured"]
