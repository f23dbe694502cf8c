""""Mes démarches": what a citizen is shown of his requests.

Only what the workflow marks visible to the citizen: the state's label when
the state is visible, else the plain word of its kind; the history's
creation and the transitions into visible states; the public messages (the
agents' and his own). Internal notes, assignments, routing, hidden states
and confidential types never appear.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
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


PAGE_SIZE = 20


@dataclass(frozen=True)
class Page:
    """One page of "Mes démarches": its requests, its number, how many pages and requests in all."""
    requests: list[Request]
    number: int
    count: int

    @property
    def last(self) -> int:
        return max(1, math.ceil(self.count / PAGE_SIZE))


def last_activity():
    """When a request last moved for its citizen: its state's change or its
    newest public message, whichever is later (a correlated subquery: the
    page stays one statement)."""
    newest_message = select(func.max(Message.at)).where(
        Message.request_id == Request.id, Message.public.is_(True)).correlate(Request).scalar_subquery()
    return case((newest_message > Request.state_entered_at, newest_message), else_=Request.state_entered_at)


def requests_page(account, number: int) -> Page | None:
    """Page ``number`` (from 1) of the account's requests, whatever their
    channel: open ones before closed ones, then newest activity first. One
    statement: the count comes with the rows (a window). None for a page
    past the end (the first page always exists, empty or not)."""
    where = citizen_requests_conditions(account)
    if where is None:
        return Page([], 1, 0) if number == 1 else None
    rows = db.session.execute(
        select(Request, func.count().over()).where(*where)
        .options(joinedload(Request.request_type), joinedload(Request.workflow), joinedload(Request.citizen))
        .order_by((Request.state_kind == "closed").asc(), last_activity().desc(), Request.id.desc())
        .limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    if not rows:
        return Page([], 1, 0) if number == 1 else None
    return Page([request for request, _count in rows], number, rows[0][1])


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page links to show: the first, the last, and ``around`` pages on
    each side of the current one; None where pages are left out."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


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
