"""Citizens' messages the agents have not read yet.

A message the citizen wrote on the portal (``Message.citizen_account_id``,
or ``Message.tracking_link_id`` without an account) is new for the agents
until one of them opens the request's page: the request records when
(``Request.citizen_messages_read_at``), once for all its agents — a request is worked on by its service, not by one person.
The queue marks those requests and filters on them with the same condition,
so its count and its list agree.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select, update

from ..extensions import db
from ..models import Message, Request, utcnow
from ..workflows.deadlines import as_utc


def _newer_citizen_messages(statement, read_at):
    """``statement`` on ``message`` narrowed to the citizen's messages written after ``read_at``."""
    statement = statement.where(or_(Message.citizen_account_id.is_not(None), Message.tracking_link_id.is_not(None)))
    if read_at is None:
        return statement
    if isinstance(read_at, datetime):
        return statement.where(Message.at > read_at)
    return statement.where(or_(read_at.is_(None), Message.at > read_at))


def has_unread_condition():
    """SQL condition on ``request``: it holds a citizen's message not read yet."""
    return exists(_newer_citizen_messages(select(Message.id).where(Message.request_id == Request.id),
                                          Request.citizen_messages_read_at))


def with_unread(requests: list[Request]) -> set[int]:
    """Ids of those requests (a page of the queue) holding an unread citizen's message: one query."""
    if not requests:
        return set()
    statement = select(Message.request_id).join(Request, Request.id == Message.request_id).where(
        Message.request_id.in_([r.id for r in requests]))
    return set(db.session.scalars(_newer_citizen_messages(statement, Request.citizen_messages_read_at).distinct()))


def unread_message_ids(req: Request, messages: list[Message]) -> set[int]:
    """Among ``messages`` (the request's, which its page has read already), the
    citizen's that its agents have not read yet — the condition of
    :func:`_newer_citizen_messages`, on rows in memory instead of a query."""
    read_at = req.citizen_messages_read_at
    return {message.id for message in messages if message.from_citizen
            and (read_at is None or as_utc(message.at) > as_utc(read_at))}


def mark_read(req: Request, shown_unread: set[int], now: datetime | None = None) -> None:
    """An agent of the request opened its page, which showed ``shown_unread``
    (:func:`unread_message_ids`): every message so far is read.

    A plain UPDATE of the one column, not through the ORM: reading is not an
    edit, so the request's version (the optimistic locking of the agents'
    forms) stays as it is. When the page showed no unread message there is
    nothing to mark: no write, no commit (most openings of a request), and a message
    the citizen sends meanwhile stays new until a page shows it."""
    if shown_unread:
        table = Request.__table__
        db.session.execute(update(table).where(table.c.id == req.id).values(citizen_messages_read_at=now or utcnow()))
        db.session.commit()
