"""Anonymising a request: its personal data goes, its statistics stay.

Kept (what indicators and dashboards count): reference, type, service,
assignee, channel, priority, quartier, workflow state and every date, the
number of messages and whether each was public. Removed: the form data
(except the ``keep_fields`` a plugin names, e.g. the kind of document
asked), the subject, the location and its coordinates, the link to the
citizen, the bodies of the messages, the attachments (files on disk and
rows, hence their names), the request's outgoing e-mails, and the personal
values in its history (comments, field values, file names, recipients,
merged citizens).

The history is append-only (grc_core.models.request); retention is the one
legal exception, and this module is its single path: it blanks personal
keys of ``details`` inside ``anonymising_history()`` and appends an
``anonymised`` event. Nothing else of a history row ever changes.
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, event, exists, select
from sqlalchemy.orm import Session

from ..calendar import add_months
from ..extensions import db
from ..models import Attachment, Message, OutboxMessage, Request, RequestEvent, RequestType, utcnow
from ..models.request import anonymising_history
from ..plugin_api.types import RetentionCandidate
from ..requests.attachments import key_of
from ..storage import storage
from ..workflows.deadlines import PARIS, as_utc, local_date

log = logging.getLogger(__name__)

ANONYMISED = "anonymised"
# Keys of RequestEvent.details that may hold personal data (core events).
PERSONAL_EVENT_KEYS = frozenset({"comment", "fields", "transition_fields", "filename", "recipient", "from_citizen", "to_citizen"})
# Files (with their storage) are removed only once the transaction that removed their rows commits.
_FILES = "grc_retention_files"


def anonymise_request(request: Request, *, now: datetime | None = None, keep_fields=(),
                      extra_event_keys=(), policy: str | None = None) -> bool:
    """Remove the personal data of ``request`` (not committed); True when something changed.

    Idempotent: a second call changes nothing and returns False.
    ``keep_fields``: form-data keys without personal data that statistics
    need; ``extra_event_keys``: personal keys a plugin writes in history
    details; ``policy``: the retention policy's code, noted in the history.
    """
    now = as_utc(now or utcnow())
    changed = False
    data = {key: value for key, value in (request.data or {}).items() if key in set(keep_fields)}
    for name, blank in (("data", data), ("subject", ""), ("location", ""), ("latitude", None), ("longitude", None)):
        if getattr(request, name) != blank:
            setattr(request, name, blank)
            changed = True
    if request.citizen_id is not None:
        request.citizen = None  # the relationship, so that a loaded citizen does not win at flush
        request.citizen_id = None
        changed = True

    for message in db.session.scalars(select(Message).where(Message.request_id == request.id, Message.body != "")):
        message.body = ""
        changed = True

    attachments = db.session.scalars(select(Attachment).where(Attachment.request_id == request.id)).all()
    if attachments:
        files = storage()
        db.session.info.setdefault(_FILES, []).extend((files, key_of(a)) for a in attachments)
        for attachment in attachments:
            db.session.delete(attachment)
        changed = True

    outbox = db.session.execute(delete(OutboxMessage).where(OutboxMessage.request_id == request.id))
    changed = changed or bool(outbox.rowcount)

    personal = PERSONAL_EVENT_KEYS | set(extra_event_keys)
    with anonymising_history():
        for history in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id)):
            details = history.details or {}
            if personal & details.keys():
                history.details = {key: value for key, value in details.items() if key not in personal}
                changed = True
        db.session.flush()

    if changed:
        db.session.add(RequestEvent(request_id=request.id, commune_id=request.commune_id, at=now, actor_id=None,
                                    kind=ANONYMISED, details={"policy": policy} if policy else {}))
        db.session.flush()
    return changed


def anonymise_requests(keys, *, now: datetime | None = None, keep_fields=(), extra_event_keys=(),
                       policy: str | None = None) -> int:
    """Anonymise the current commune's requests whose ids are ``keys`` (strings
    or ints, as a policy's candidates give them); returns how many changed."""
    ids = {int(key) for key in keys}
    if not ids:
        return 0
    requests = db.session.scalars(select(Request).where(Request.id.in_(ids)).order_by(Request.id)).all()
    return sum(anonymise_request(r, now=now, keep_fields=keep_fields, extra_event_keys=extra_event_keys,
                                 policy=policy) for r in requests)


def _not_anonymised():
    return ~exists().where(RequestEvent.request_id == Request.id, RequestEvent.kind == ANONYMISED)


def requests_closed_before(type_codes, cutoff: datetime):
    """Select (a query) the current commune's closed requests of ``type_codes``
    closed before ``cutoff`` and not yet anonymised, oldest first."""
    return (select(Request).join(RequestType, Request.request_type_id == RequestType.id)
            .where(RequestType.code.in_(list(type_codes)), Request.state_kind == "closed",
                   Request.closed_at.is_not(None), Request.closed_at < as_utc(cutoff), _not_anonymised())
            .order_by(Request.closed_at, Request.id))


def closed_requests_due(type_codes, today: date, *, months: int = 0, days: int = 0) -> list[RetentionCandidate]:
    """Candidates for a policy "``months`` and ``days`` after closure": the
    closed requests of ``type_codes`` whose closing day (Paris time) plus the
    delay is ``today`` or earlier. Key: the request's id; label: reference and type."""
    # Coarse bound in SQL (a month adds at least 28 days), exact test below.
    bound = datetime.combine(today - timedelta(days=days + 28 * months - 1), time(0, 0), tzinfo=PARIS)
    # Columns only: the first run after years of data may list many thousands.
    query = requests_closed_before(type_codes, bound).with_only_columns(
        Request.id, Request.reference, Request.closed_at, RequestType.label)
    candidates = []
    for request_id, reference, closed_at, type_label in db.session.execute(query).all():
        due_on = add_months(local_date(closed_at), months) + timedelta(days=days)
        if due_on <= today:
            candidates.append(RetentionCandidate(str(request_id), f"{reference} — {type_label}", due_on))
    return candidates


@event.listens_for(Session, "after_commit")
def _remove_files(session) -> None:
    for files, key in session.info.pop(_FILES, ()):
        try:
            files.delete(key)
        except Exception:
            # The rows are gone and committed; an orphan file is logged for the
            # operator rather than failing the anonymisation that succeeded.
            log.exception("could not delete the anonymised file %s", key)


@event.listens_for(Session, "after_rollback")
def _keep_files(session) -> None:
    session.info.pop(_FILES, None)
