"""Platform page "Background jobs": the jobs that failed every attempt (dead),
with their error, and a button to run one again (audited)."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit import record
from ..jobs import queue_configured
from ..jobs.queue import failed_jobs, queue, retry_failed
from .base import SecureView


def _error_of(job) -> str:
    result = job.latest_result()
    return (getattr(result, "exc_string", None) or job.exc_info or "").strip()


class JobsView(SecureView):
    platform_only = True

    @expose("/")
    def index(self):
        if not queue_configured():
            return self.render("grc/jobs.html", configured=False, jobs=[], queued=0)
        jobs = [{
            "id": job.id,
            "name": job.meta.get("job", job.description),
            "commune_id": job.meta.get("commune_id"),
            "request_id": job.meta.get("request_id"),
            "enqueued_at": job.enqueued_at,
            "ended_at": job.ended_at,
            "error": _error_of(job),
        } for job in failed_jobs()]
        for item in jobs:
            # The last line names the exception; the whole traceback is one click away.
            lines = item["error"].splitlines()
            item["summary"] = lines[-1] if lines else ""
        return self.render("grc/jobs.html", configured=True, jobs=jobs, queued=queue().count)

    # "<job_key>", not "<job_id>": an RQ job is no commune's row (the page is the platform's).
    @expose("/<job_key>/retry", methods=["POST"])
    def retry(self, job_key):
        job_id = job_key
        if not queue_configured():
            abort(404)
        try:
            job = retry_failed(job_id)
        except LookupError:
            flash(_("This job is no longer among the failed jobs."), "error")
            return redirect(url_for(".index"))
        record("job.retried", target=job_id, details={"job": job.meta.get("job", job.description)})
        flash(_("The job was put back on the queue."), "success")
        return redirect(url_for(".index"))


def views() -> list:
    from .views import PLATFORM

    return [JobsView(name=_l("Background jobs"), category=PLATFORM, endpoint="core_jobs")]
