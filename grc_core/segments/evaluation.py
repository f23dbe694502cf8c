"""Evaluating a checked definition (:mod:`.definition`) into SQL: who matches,
how many, a sample of names. Always among the commune's living records
(not merged away) that the author may read."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Select, and_, false, func, not_, or_, select, text, true
from sqlalchemy.sql import visitors

from ..extensions import db
from ..models import Citizen
from ..plugin_api.types import SegmentContext
from ..security.access import readable_citizens_condition
from .catalogue import criteria_for
from .definition import parse_definition

SAMPLE_SIZE = 10


def segment_condition(definition: Mapping, context: SegmentContext, criteria: Mapping):
    """The SQL condition on ``Citizen`` of a checked definition."""
    if "not" in definition:
        return not_(segment_condition(definition["not"], context, criteria))
    if "criterion" in definition:
        decl, _specs = criteria[definition["criterion"]]
        return decl.condition(definition["params"], context)
    parts = sorted((segment_condition(item, context, criteria) for item in definition["items"]), key=_subqueries)
    if definition["match"] == "all":
        return and_(true(), *parts)
    return or_(false(), *parts)


def _subqueries(condition) -> int:
    """How many subqueries a condition holds: a cost per person. The parts of
    a group are tested cheapest first — the same meaning in any order, but
    SQLite tests the terms of an AND (an OR) in the order written and stops at
    the first false (true) one: a column test before a probe of consents,
    before a probe of requests (docs/benchmarks.md, segments)."""
    return sum(1 for element in visitors.iterate(condition) if isinstance(element, Select))


def _where(raw: Mapping, context: SegmentContext) -> list:
    criteria = criteria_for(context)
    definition = parse_definition(raw, criteria)
    where = [Citizen.commune_id == context.commune_id, Citizen.merged_into_id.is_(None),
             segment_condition(definition, context, criteria)]
    hidden = readable_citizens_condition(context.user, context.membership) if context.user is not None else None
    if hidden is not None:
        where.append(hidden)
    return where


def matching_ids(raw: Mapping, context: SegmentContext):
    """``SELECT citizen.id`` of the people the definition selects today
    (raises :class:`SegmentError` when it no longer holds, e.g. a criterion
    of a plugin since disabled)."""
    return select(Citizen.id).where(*_where(raw, context))


def count(raw: Mapping, context: SegmentContext) -> int:
    statement = select(func.count(Citizen.id)).where(*_where(raw, context))
    return _without_parallel_workers(lambda: db.session.scalar(statement))


def sample(raw: Mapping, context: SegmentContext, limit: int = SAMPLE_SIZE) -> list[Citizen]:
    """Some of the people selected, in alphabetical order, for the author to check his criteria."""
    statement = (select(Citizen).where(*_where(raw, context))
                 .order_by(Citizen.last_name, Citizen.first_name, Citizen.id).limit(limit))
    return _without_parallel_workers(lambda: list(db.session.scalars(statement)))


def _without_parallel_workers(run):
    """PostgreSQL: run a segment's statement in this process alone. Its
    parallel plan builds each hash — the people with a consent, those who
    filed in a period — once in every worker (PostgreSQL 15: ``loops=3`` on
    the hash of 186,664 requests at 1M) and shares only the scan of the
    citizens: the costly part done three times to split the cheap one
    (docs/benchmarks.md, segments). Only for this statement: the setting is
    local to the transaction and reset after it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return run()
    db.session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    result = run()
    # Not in a ``finally``: after an error the transaction is aborted, and its rollback undoes the SET.
    db.session.execute(text("RESET max_parallel_workers_per_gather"))
    return result
