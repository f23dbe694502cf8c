"""The core's jobs: the tick, the outbox, the indicators' rebuild, retention
(and, in their own module, the large exports).

Each is idempotent on its own terms: the tick fires only due timers; the
outbox claims each message before sending it; a rebuild recounts from the
requests; retention anonymises only what is still due.
"""
from __future__ import annotations

import logging
import time

from ..extensions import db
from ..requests import export_jobs
from ..tenancy import current_commune_id
from .registry import job

log = logging.getLogger("grc.jobs")


class JobFailed(Exception):
    """The job did part of its work; raised so that the queue retries it."""


@job("tick")
def tick_job() -> dict:
    """What ``grc tick`` does: due timers, weekly summaries, pending e-mails,
    due webhooks, the day's retention, expired exports, unconfirmed filings
    without an account."""
    from ..portal.anonymous import purge_expired as purge_pending_filings
    from ..retention.engine import run_all
    from ..webapi.webhooks import deliver_due
    from ..workflows.timers import tick

    counts = tick()
    counts["webhooks"] = deliver_due()["delivered"]
    # After the timers: a request a timer just closed is counted from today.
    kept = run_all()
    if kept["failed"]:
        raise JobFailed(f"{kept['failed']} retention policy run(s) failed")
    return {**counts, "anonymised": kept["anonymised"], "exports_deleted": export_jobs.purge_expired(),
            "pending_filings_deleted": purge_pending_filings()}


# A delivery job sends round after round of this many messages while they
# come full, for at most DRAIN_SECONDS (well under the queue's job timeout),
# then queues its own sequel: a campaign of 100,000 e-mails is drained by
# every free worker at once (each claims its own messages), not 100 at a
# time by whichever job a commit happened to queue.
DRAIN_ROUND = 500
DRAIN_SECONDS = 300


@job("outbox.send", without_queue="tick")
def outbox_send_job(limit: int = DRAIN_ROUND) -> dict:
    """Deliver due e-mails until none is due. Failures are the outbox's to
    retry (per message, with its own backoff), not the queue's: the job
    itself succeeds."""
    from ..notifications import send_pending
    from .queue import enqueue

    started = time.monotonic()
    sent = failed = 0
    while True:
        done, missed = send_pending(limit=limit)
        sent, failed = sent + done, failed + missed
        if done + missed < limit:  # nothing more due (or the server unreachable: its backoff)
            break
        if time.monotonic() - started > DRAIN_SECONDS:
            enqueue("outbox.send", limit=limit)
            break
    return {"sent": sent, "failed": failed}


@job("indicators.rebuild")
def indicators_rebuild_job() -> int:
    """Recount the current commune's daily counters and duration histograms."""
    from ..indicators.daily import rebuild

    rows = rebuild(current_commune_id())
    db.session.commit()
    return rows


@job("retention.run")
def retention_run_job() -> dict:
    """Anonymise what the current commune's policies have due today."""
    from ..models import Commune
    from ..retention.engine import run_retention

    counts = run_retention(db.session.get(Commune, current_commune_id()))
    failed = sorted(code for code, count in counts.items() if count is None)
    if failed:
        raise JobFailed(f"retention policies failed: {', '.join(failed)}")
    return counts
