"""Daily counters of requests, kept up to date in the same transaction as
the requests themselves: what the dashboards read instead of years of rows.

One row per commune, local day, service and request type holds how many
requests were received that day, and how many closed (with a due date, on
time, after a reopening). A flush that adds, changes or deletes a request
applies the difference between its old and new contribution, so the
counters are exact, never stale; ``rebuild`` recomputes them from the
requests for data loaded in bulk, outside the ORM (``grc indicators
rebuild``). A year of a large town is ~11,000 rows instead of 200,000.
Beside them, the requests received per day, service and channel
(``request_channel_stat``), for the figures per channel.

Priority, quartier and assignee are not kept: a dashboard filtered on them
reads the requests (grc_core.indicators.core).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from functools import lru_cache

from sqlalchemy import delete, event, func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from ..extensions import db
from ..models import Request, RequestType
from ..plugin_api.types import IndicatorFilters
from ..models.dashboard import RequestChannelStat, RequestDayStat
from ..tenancy.scoping import current_commune_id
from ..workflows.deadlines import as_utc, local_date
from .periods import bucket_start
from .sql import in_services

MEASURES = ("received", "closed", "closed_due", "closed_on_time", "closed_reopened")
TRACKED = ("received_at", "closed_at", "due_at", "service_id", "request_type_id", "reopened_count", "channel")


def contribution(values: dict) -> dict[tuple, dict[str, int]]:
    """What one request adds to the counters: {(day, service, type): {measure: n}}."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if values.get("received_at") is None or values.get("request_type_id") is None:
        return out
    dims = (values.get("service_id") or 0, values["request_type_id"])
    out[(local_date(values["received_at"]), *dims)]["received"] += 1
    closed = values.get("closed_at")
    if closed is not None:
        counters = out[(local_date(closed), *dims)]
        counters["closed"] += 1
        due = values.get("due_at")
        if due is not None:
            counters["closed_due"] += 1
            if as_utc(closed) <= as_utc(due):
                counters["closed_on_time"] += 1
        if values.get("reopened_count"):
            counters["closed_reopened"] += 1
    return out


def channel_contribution(values: dict) -> Counter:
    """What one request adds to the counts per channel: {(day, service, channel): 1}."""
    if values.get("received_at") is None or not values.get("channel"):
        return Counter()
    return Counter({(local_date(values["received_at"]), values.get("service_id") or 0, values["channel"]): 1})


# Set through the relationship, a key reaches its column only during the flush.
RELATIONSHIPS = {"service_id": "service", "request_type_id": "request_type"}


def _current(request: Request, name: str):
    relationship = RELATIONSHIPS.get(name)
    if relationship:
        # Never load the related row for this: only what was assigned counts.
        added = get_history(request, relationship, passive=PASSIVE_NO_INITIALIZE).added
        if added:
            return getattr(added[0], "id", None)
    return getattr(request, name)


def changed(request: Request, tracked: tuple[str, ...]) -> bool:
    """Whether a flush changes one of the ``tracked`` columns of a request."""
    names = (*tracked, *(RELATIONSHIPS[name] for name in tracked if name in RELATIONSHIPS))
    return any(get_history(request, name, passive=PASSIVE_NO_INITIALIZE).has_changes() for name in names)


def values_of(request: Request, tracked: tuple[str, ...], old: bool = False) -> dict:
    """The ``tracked`` columns of a request in a flush: as they will be, or
    (``old``) as the database still has them."""
    if not old:
        return {name: _current(request, name) for name in tracked}
    values = {}
    for name in tracked:
        history = get_history(request, name)
        if history.deleted:
            values[name] = history.deleted[0]
        elif history.added:
            values[name] = None  # set where there was nothing
        else:
            values[name] = history.unchanged[0] if history.unchanged else getattr(request, name)
    return values


def _add(deltas, commune_id, parts, sign):
    for (day, service_id, type_id), counters in parts.items():
        for measure, n in counters.items():
            deltas[(commune_id, day, service_id, type_id)][measure] += sign * n


def _channels(commune_id: int, values: dict) -> Counter:
    return Counter({(commune_id, *key): n for key, n in channel_contribution(values).items()})


@event.listens_for(Session, "before_flush")
def _count_requests(session: Session, flush_context, instances) -> None:
    deltas: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    channels: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Request):
            commune_id, values = obj.commune_id or current_commune_id(), values_of(obj, TRACKED)
            _add(deltas, commune_id, contribution(values), +1)
            channels.update(_channels(commune_id, values))
    for obj in session.dirty:
        if isinstance(obj, Request) and changed(obj, TRACKED):
            old, new = values_of(obj, TRACKED, old=True), values_of(obj, TRACKED)
            _add(deltas, obj.commune_id, contribution(old), -1)
            _add(deltas, obj.commune_id, contribution(new), +1)
            channels.subtract(_channels(obj.commune_id, old))
            channels.update(_channels(obj.commune_id, new))
    for obj in session.deleted:
        if isinstance(obj, Request):
            old = values_of(obj, TRACKED, old=True)
            _add(deltas, obj.commune_id, contribution(old), -1)
            channels.subtract(_channels(obj.commune_id, old))
    changes = [(key, counters) for key, counters in deltas.items() if any(counters.values())]
    if changes:
        apply(session, changes)
    rows = [_channel_row(key, n) for key, n in channels.items() if n]
    if rows:
        session.connection().execute(_channel_upsert(session.get_bind().dialect.name), rows)


@lru_cache(maxsize=4)
def _upsert(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE adding to the counters, built once: it
    runs in every flush that touches a request."""
    table = RequestDayStat.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["commune_id", "day", "service_id", "request_type_id"],
        set_={measure: table.c[measure] + statement.excluded[measure] for measure in MEASURES})


@lru_cache(maxsize=4)
def _channel_upsert(dialect: str):
    table = RequestChannelStat.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(index_elements=["commune_id", "day", "service_id", "channel"],
                                           set_={"received": table.c.received + statement.excluded.received})


def _channel_row(key: tuple, received: int) -> dict:
    commune_id, day, service_id, channel = key
    return {"commune_id": commune_id, "day": day, "service_id": service_id, "channel": channel,
            "received": received}


def apply(session, changes) -> None:
    """Add the counters to their rows, creating them (one statement, a row each)."""
    rows = [_day_row(key, counters) for key, counters in changes]
    session.connection().execute(_upsert(session.get_bind().dialect.name), rows)


def _day_row(key: tuple, counters: dict[str, int]) -> dict:
    commune_id, day, service_id, type_id = key
    return {"commune_id": commune_id, "day": day, "service_id": service_id, "request_type_id": type_id,
            **{measure: counters.get(measure, 0) for measure in MEASURES}}


def pages(connection, commune_id: int | None, columns: tuple[str, ...]):
    """The requests' ``columns`` (after id and commune id), 50,000 at a time —
    by id rather than through a server-side cursor, which a migration's
    transaction on PostgreSQL refuses."""
    requests = Request.__table__
    statement = select(requests.c.id, requests.c.commune_id, *[requests.c[name] for name in columns])
    if commune_id is not None:
        statement = statement.where(requests.c.commune_id == commune_id)
    statement = statement.order_by(requests.c.id).limit(50_000)
    last = 0
    while rows := connection.execute(statement.where(requests.c.id > last)).all():
        yield rows
        last = rows[-1][0]


def replace_rows(connection, table, commune_id: int | None, records: list[dict]) -> int:
    connection.execute(delete(table).where(table.c.commune_id == commune_id if commune_id is not None else true()))
    for start in range(0, len(records), 5_000):
        connection.execute(table.insert(), records[start:start + 5_000])
    return len(records)


def count_all(connection, commune_id: int | None = None) -> int:
    """Recompute the counters per type from the requests — of one commune, or
    of all (the migration that creates them) — on a plain connection;
    returns the number of counter rows. Not committed."""
    columns = ("received_at", "closed_at", "due_at", "service_id", "request_type_id", "reopened_count")
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rows in pages(connection, commune_id, columns):
        for row in rows:
            _add(totals, row[1], contribution(dict(zip(columns, row[2:]))), +1)
    records = [_day_row(key, counters) for key, counters in totals.items()]
    return replace_rows(connection, RequestDayStat.__table__, commune_id, records)


def count_channels(connection, commune_id: int | None = None) -> int:
    """The same for the counts per channel."""
    columns = ("received_at", "service_id", "channel")
    totals: Counter = Counter()
    for rows in pages(connection, commune_id, columns):
        for row in rows:
            totals.update(_channels(row[1], dict(zip(columns, row[2:]))))
    records = [_channel_row(key, n) for key, n in totals.items() if n]
    return replace_rows(connection, RequestChannelStat.__table__, commune_id, records)


def rebuild(commune_id: int) -> int:
    """Recompute a commune's counters in the session's transaction (after a
    bulk load, ``grc indicators rebuild``; the histograms of durations too,
    then the active plugins' own aggregates: ``grc_rebuild_indicators``)."""
    from flask import current_app

    from ..models import Commune
    from ..tenancy.activation import active_plugins
    from .durations import count_all as count_durations

    connection = db.session.connection()
    rows = sum(count(connection, commune_id) for count in (count_all, count_channels, count_durations))
    commune = db.session.get(Commune, commune_id)
    return rows + current_app.extensions["grc"].rebuild_indicators(active_plugins(commune), commune, connection)


# --- reading ------------------------------------------------------------------------

def answers(filters: IndicatorFilters) -> bool:
    """Whether the counters can answer these filters (they keep no channel,
    priority, quartier nor assignee)."""
    return not (filters.channel or filters.priority or filters.quartier or filters.agent_id is not None)


def answers_per_channel(filters: IndicatorFilters) -> bool:
    """Whether the counts per channel can (they keep no request type either)."""
    return not (filters.request_type or filters.priority or filters.quartier or filters.agent_id is not None)


def received_per_channel(filters: IndicatorFilters) -> dict[str, int]:
    """{channel: requests received in the period}."""
    stat = RequestChannelStat
    where = [stat.day >= filters.start, stat.day <= filters.end]
    if filters.service_ids is not None:
        where.append(in_services(stat.service_id, filters.service_ids))
    if filters.channel:
        where.append(stat.channel == filters.channel)
    rows = db.session.execute(select(stat.channel, func.sum(stat.received)).where(*where).group_by(stat.channel))
    return {channel: int(total) for channel, total in rows if total}


def _conditions(filters: IndicatorFilters, since: date | None = None) -> list:
    stat = RequestDayStat
    where = [stat.day >= (since or filters.start)]
    if since is None:
        where.append(stat.day <= filters.end)
    if filters.service_ids is not None:
        where.append(in_services(stat.service_id, filters.service_ids))
    if filters.request_type:
        where.append(stat.request_type_id.in_(
            select(RequestType.id).where(RequestType.code == filters.request_type).scalar_subquery()))
    return where


def by_bucket(measure: str, filters: IndicatorFilters, granularity: str, since: date | None = None) -> dict:
    """{(first day of the bucket,): sum of ``measure``} over the period (or
    every day from ``since``), as grc_core.indicators.sql.counts_by_bucket."""
    column = getattr(RequestDayStat, measure)
    rows = db.session.execute(select(RequestDayStat.day, func.sum(column))
                              .where(*_conditions(filters, since)).group_by(RequestDayStat.day))
    out: dict[tuple, int] = defaultdict(int)
    for day, total in rows:
        out[(bucket_start(day, granularity),)] += int(total or 0)
    return out


def by_dimension(dimension: str, filters: IndicatorFilters, *measures: str) -> dict:
    """{service or type id: (sums of ``measures``)} over the period; the
    service of requests in none is None, as on the requests."""
    key = getattr(RequestDayStat, dimension)
    sums = [func.sum(getattr(RequestDayStat, measure)) for measure in measures]
    rows = db.session.execute(select(key, *sums).where(*_conditions(filters)).group_by(key))
    out = {}
    for row in rows:
        value = None if dimension == "service_id" and row[0] == 0 else row[0]
        out[value] = tuple(int(total or 0) for total in row[1:])
    return out


def totals(filters: IndicatorFilters, *measures: str) -> tuple[int, ...]:
    sums = [func.sum(getattr(RequestDayStat, measure)) for measure in measures]
    row = db.session.execute(select(*sums).where(*_conditions(filters))).one()
    return tuple(int(total or 0) for total in row)
