""""Mes démarches": what a citizen is shown of his requests.

Only what the workflow marks visible to the citizen: the state's label when
the state is visible, else the plain word of its kind; the history's
creation and the transitions into visible states; the public messages (the
agents' and his own). Internal notes, assignments, routing, hidden states
and confidential types never appear.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Message, Request, RequestEvent
from ..security.access import citizen_requests_conditions
from ..workflows.definition import state as workflow_state

KIND_WORDS = {
    "new": _l("Received"),
    "open": _l("Being processed"),
    "waiting": _l("Waiting for your answer"),
    "closed": _l("Closed"),
}


def _visible_state(request: Request, code: str | None) -> dict | None:
    definition = request.workflow.definition if request.workflow is not None else None
    found = workflow_state(definition, code) if definition and code else None
    return found if found is not None and found.get("visible", True) else None


def state_words(request: Request) -> str:
    found = _visible_state(request, request.state)
    return str(found["label"]) if found is not None else str(KIND_WORDS.get(request.state_kind, ""))


def requests_of(account) -> list[Request]:
    """The account's requests, newest first, whatever their channel."""
    where = citizen_requests_conditions(account)
    if where is None:
        return []
    return list(db.session.scalars(select(Request).where(*where).options(
        joinedload(Request.request_type), joinedload(Request.workflow)).order_by(Request.received_at.desc())))


@dataclass(frozen=True)
class Step:
    at: datetime
    words: str


def history(request: Request) -> list[Step]:
    steps = []
    for event in db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request.id)
                                    .order_by(RequestEvent.id)):
        if event.kind == "created":
            steps.append(Step(event.at, str(_l("Request received"))))
        elif event.kind == "transition":
            found = _visible_state(request, event.to_state)
            if found is not None:
                steps.append(Step(event.at, str(found["label"])))
    return steps


def public_messages(request: Request) -> list[Message]:
    return list(db.session.scalars(select(Message).where(Message.request_id == request.id, Message.public.is_(True))
                                   .order_by(Message.id)))
