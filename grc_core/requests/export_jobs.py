"""Large queue exports, written by a job and downloaded when ready.

An export of more than ``EXPORT_JOB_ROWS`` requests would hold a web worker
for as long as it takes to read and write them: the route records an
:class:`~grc_core.models.ExportFile` and queues ``exports.requests``; the
job reads the queue again with the agent's own filters and rights, writes
the file to the storage (:mod:`grc_core.storage`: every node and worker sees
it) and marks it ready. The agent finds it on "My exports"; only he may
download it, in its commune (:func:`grc_core.security.access.export_file_or_404`).
Without a queue the job runs at once, in the request, as exports always did.

Files hold personal data: they are deleted ``EXPORT_FILE_DAYS`` days after
they were asked for (:func:`purge_expired`, at each tick).
"""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from .. import spreadsheet
from ..extensions import db
from ..jobs import enqueue, job
from ..models import ExportFile, Membership, User, utcnow
from ..storage import storage
from ..tenancy import current_commune_id, unscoped
from . import confidentiality, export, queue

CONTENT_TYPES = {"csv": spreadsheet.CSV_TYPE, "xlsx": spreadsheet.XLSX_TYPE}


def job_threshold() -> int:
    """Exports of more requests than this are written by a job."""
    return int(current_app.config["GRC"].get("EXPORT_JOB_ROWS") or 0)


def needs_job(statement) -> bool:
    threshold = job_threshold()
    return threshold > 0 and queue.capped_count(statement, threshold) > threshold


def start(filters: queue.QueueFilters, fmt: str, user) -> ExportFile:
    """Record the agent's export and queue its job (run at once without a queue)."""
    exported = ExportFile(user_id=user.id, fmt=fmt, query=queue.saved_query(filters)[:1000], status="pending")
    db.session.add(exported)
    # Committed before queueing: the worker reads the row.
    db.session.commit()
    # Written in the language of the page it was asked from.
    enqueue("exports.requests", commune_id=exported.commune_id, export_id=exported.id, locale=str(get_locale()))
    return exported


def filename(exported: ExportFile) -> str:
    return f"demandes-{exported.created_at.date().isoformat()}.{exported.fmt}"


@job("exports.requests")
def write_requests_export(export_id: int, locale: str) -> str:
    """Write the export ``export_id`` (headers and refusals in ``locale``); an
    export already written is left as is (a job delivered twice writes one file)."""
    exported = db.session.get(ExportFile, export_id)
    if exported is None or exported.status == "ready":
        return "done"
    user = db.session.get(User, exported.user_id)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    try:
        requests = export.export_rows(queue.queue_select(queue.filters_from_query(exported.query), user=user,
                                                         membership=membership))
    except (export.TooManyRows, queue.QueueForbidden) as refusal:
        with force_locale(locale):
            exported.error = _("More than %(max)d requests match: narrow the filters to export them.",
                               max=export.MAX_ROWS) if isinstance(refusal, export.TooManyRows) else \
                _("You may no longer read the queue.")
        exported.status, exported.finished_at = "failed", utcnow()
        db.session.commit()
        return "refused"
    with force_locale(locale):
        rows = export.table(requests)
        body = (spreadsheet.table_to_csv(rows) if exported.fmt == "csv"
                else spreadsheet.table_to_xlsx(rows, _("Requests")))
    key = f"exports/{current_commune_id()}/{secrets.token_urlsafe(24)}"
    storage().put(key, body, CONTENT_TYPES[exported.fmt])
    try:
        exported.storage_key, exported.size, exported.row_count = key, len(body), len(requests)
        exported.status, exported.error, exported.finished_at = "ready", None, utcnow()
        confidentiality.audit_export(requests, exported.fmt, user=user, commit=False)
        db.session.commit()
    except Exception:
        # The row was not marked: no file without its row (the retry writes another).
        db.session.rollback()
        storage().delete(key)
        raise
    return key


def purge_expired(now=None) -> int:
    """Delete the exports (file and row) asked for more than ``EXPORT_FILE_DAYS`` ago, in every commune."""
    days = int(current_app.config["GRC"].get("EXPORT_FILE_DAYS") or 0)
    if days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    with unscoped():
        expired = db.session.scalars(select(ExportFile).where(ExportFile.created_at < cutoff)).all()
        for exported in expired:
            if exported.storage_key:
                storage().delete(exported.storage_key)
            db.session.delete(exported)
        db.session.commit()
    return len(expired)
