"""The 360° page's single timeline: requests, status changes, messages and
contacts of one citizen, newest first, across every domain.

Requests of a domain since disabled stay listed: the data is kept, only the
plugin's own panels disappear. Five small queries, each on an index
(request by citizen, events and messages by request, contacts by citizen),
each cut at ``limit``: the page costs the same for a citizen with three
requests or three hundred.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Citizen, Contact, Message, Request, RequestEvent, Workflow, utcnow
from ..requests.confidentiality import may_read, open_files_of, readable_condition
from ..workflows.definition import state_label
from .contacts import CHANNEL_LABELS, OUTCOME_LABELS

DETAIL_LENGTH = 300
# Among entries of the same instant, what followed the request is shown above it.
KIND_ORDER = {"confidential": -1, "request": 0, "transition": 1, "message": 2, "note": 2, "contact": 3}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str  # request, transition, message (public), note (internal), contact
    title: str
    detail: str
    url: str | None = None
    # The request the entry belongs to (the 360° page groups by request).
    request_id: int | None = None


def _utc(at: datetime) -> datetime:
    """SQLite gives naive UTC datetimes, PostgreSQL aware ones: compare alike."""
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def _short(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= DETAIL_LENGTH else text[:DETAIL_LENGTH - 1] + "…"


def citizen_timeline(citizen: Citizen, limit: int = 200, *, internal_notes: bool = True,
                     request_url=None) -> list[TimelineEntry]:
    """Every request (its creation), status change, message and contact of
    ``citizen``, newest first, at most ``limit`` entries.

    ``internal_notes``: agents see internal notes; a page for the citizen
    would pass False. ``request_url(request) -> str`` links entries to the
    request page.
    """
    # Confidential files the viewer may not read (requests.confidentiality)
    # leave no entry; a neutral line per domain says one is in progress.
    statement = select(Request).options(joinedload(Request.request_type)).where(Request.citizen_id == citizen.id)
    secret = readable_condition()
    if secret is not None:
        statement = statement.where(secret)
    requests = db.session.scalars(statement.order_by(Request.received_at.desc()).limit(limit)).all()
    by_id = {r.id: r for r in requests}
    workflow_ids = {r.workflow_id for r in requests if r.workflow_id is not None}
    definitions = {w.id: w.definition for w in db.session.scalars(
        select(Workflow).where(Workflow.id.in_(workflow_ids)))} if workflow_ids else {}

    def label(request: Request, state: str | None) -> str:
        return state_label(definitions.get(request.workflow_id), state or "")

    def link(request: Request) -> str | None:
        return request_url(request) if request_url else None

    entries = []
    for r in requests:
        detail = " · ".join(part for part in (r.subject, label(r, r.state)) if part)
        entries.append(TimelineEntry(r.received_at, "request", _(
            "Request %(reference)s — %(type)s", reference=r.reference, type=r.request_type.shown_label), detail, link(r),
            r.id))
    if by_id:
        transitions = db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id.in_(list(by_id)), RequestEvent.kind == "transition")
            .order_by(RequestEvent.at.desc()).limit(limit))
        for event in transitions:
            r = by_id[event.request_id]
            entries.append(TimelineEntry(event.at, "transition", _(
                "%(reference)s: %(source)s → %(target)s", reference=r.reference,
                source=label(r, event.from_state), target=label(r, event.to_state),
            ), _short(str((event.details or {}).get("comment", ""))), link(r), r.id))
        messages = select(Message).where(Message.request_id.in_(list(by_id)))
        if not internal_notes:
            messages = messages.where(Message.public.is_(True))
        for message in db.session.scalars(messages.order_by(Message.at.desc()).limit(limit)):
            r = by_id[message.request_id]
            if message.public:
                kind, title = "message", _("Message to the citizen on %(reference)s", reference=r.reference)
            else:
                kind, title = "note", _("Internal note on %(reference)s", reference=r.reference)
            entries.append(TimelineEntry(message.at, kind, title, _short(message.body), link(r), r.id))
    contacts = db.session.scalars(
        select(Contact).where(Contact.citizen_id == citizen.id).order_by(Contact.at.desc()).limit(limit))
    for contact in contacts:
        title = _("%(channel)s: %(subject)s", channel=CHANNEL_LABELS.get(contact.channel, contact.channel),
                  subject=contact.subject)
        outcome = str(OUTCOME_LABELS.get(contact.outcome, contact.outcome))
        readable = contact.request_id is not None and contact.request_id in by_id
        entries.append(TimelineEntry(contact.at, "contact", title,
                                     _short(" · ".join(p for p in (outcome, contact.notes) if p)),
                                     link(contact.request) if contact.request_id and may_read(contact.request) else None,
                                     contact.request_id if readable else None))
    entries.sort(key=lambda e: (_utc(e.at), KIND_ORDER[e.kind]), reverse=True)
    return confidential_entries(citizen) + entries[:limit]


def confidential_entries(citizen: Citizen) -> list[TimelineEntry]:
    """What a viewer without the read permission may know of the citizen's
    confidential files: that one is in progress (not closed) in a domain —
    dated now, with no reference, type, date, state, text or link."""
    from flask import current_app

    manifests = current_app.extensions["grc"].manifests
    return [
        TimelineEntry(utcnow(), "confidential",
                      _("Confidential file in progress (%(domain)s)", domain=manifests[plugin].label),
                      _("Only authorised agents read it."))
        for plugin in open_files_of(citizen.id)
    ]
