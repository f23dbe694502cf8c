"""The queue as it stands, counted once per dashboard.

Four indicators of the operational dashboard read the open requests "now,
whatever the period": per service, per channel, per agent, the new ones.
Each grouped the 50,000 open requests of a large town again (~17 ms each
on SQLite at 1M); one grouping by (service, agent, kind of state, channel)
— some 1,800 rows — answers them all. A dashboard's computation
(:func:`counted_once`) keeps it for its widgets; outside one, each call
counts afresh, so nothing is ever read stale.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import func, select

from ..extensions import db
from ..models import Request
from ..plugin_api.types import IndicatorFilters
from ..requests.queue import NOT_CLOSED
from ..tenancy.scoping import current_commune_id
from .sql import request_conditions

FIELDS = ("service", "assignee", "kind", "channel")

_memo: ContextVar[dict | None] = ContextVar("grc_open_queue", default=None)


@contextmanager
def counted_once():
    """Within: the open requests are counted once per commune and filters."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def open_counts(filters: IndicatorFilters) -> dict[tuple, int]:
    """{(service id, assignee id, kind of state, channel): open requests}
    under the dashboard's narrowing filters (not its period)."""
    memo = _memo.get()
    key = _key(filters)
    if memo is not None and key in memo:
        return memo[key]
    # "+ 0": grouped on expressions, SQLite reads the small index of the open
    # requests instead of walking a million entries of an index in this order;
    # labelled, so that PostgreSQL groups by the very expressions it selects.
    service, assignee = (Request.service_id + 0).label("service_id"), (Request.assignee_id + 0).label("assignee_id")
    rows = db.session.execute(
        select(service, assignee, Request.state_kind, Request.channel, func.count())
        .where(NOT_CLOSED, *request_conditions(filters))
        .group_by(service, assignee, Request.state_kind, Request.channel)).all()
    counts = {(service, assignee, kind, channel): n for service, assignee, kind, channel, n in rows}
    if memo is not None:
        memo[key] = counts
    return counts


def open_total(filters: IndicatorFilters) -> int:
    """How many requests are open under the filters: from the page's grouping
    when one was made, else a plain count — cheaper alone than grouping (the
    strategic dashboard's backlog is its only figure of the queue)."""
    memo = _memo.get()
    counts = memo.get(_key(filters)) if memo is not None else None
    if counts is not None:
        return sum(counts.values())
    return db.session.scalar(select(func.count()).select_from(Request).where(NOT_CLOSED, *request_conditions(filters)))


def _key(filters: IndicatorFilters) -> tuple:
    return (current_commune_id(), filters.service_ids, filters.request_type, filters.channel, filters.priority,
            filters.quartier, filters.agent_id)


def summed(counts: dict[tuple, int], *fields: str, kind: str | None = None) -> Counter:
    """The counts added up by ``fields`` (one field: plain keys; several:
    tuples), of the requests in states of ``kind`` only when given."""
    at = [FIELDS.index(field) for field in fields]
    out: Counter = Counter()
    for key, n in counts.items():
        if kind is None or key[2] == kind:
            out[key[at[0]] if len(at) == 1 else tuple(key[i] for i in at)] += n
    return out
