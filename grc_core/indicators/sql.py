"""SQL building blocks shared by the indicators: the filters of a dashboard
as conditions, UTC bounds of local days, and grouping by local day.

Requests are stored with UTC times and a dashboard counts in local
(Europe/Paris) days. Converting every row's time zone in SQL is slow on
SQLite and differs between databases. Paris is one or two hours ahead of
UTC, so a UTC day and its local day differ only for the instants from 22:00
UTC: the queries group by UTC day and, for those two late hours, by hour
(``utc_day_slot``), and Python folds the slots into local days, weeks or
months — exact on both databases, at most three groups a day however many
requests it holds.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from sqlalchemy import case, func, select, true

from ..extensions import db
from ..models import Request, RequestType
from ..plugin_api.types import IndicatorFilters
from ..tenancy.resolver import commune_service_ids
from ..tenancy.scoping import current_commune_id
from ..workflows.deadlines import PARIS
from .periods import bucket_start


def local_midnight(day: date) -> datetime:
    """The UTC instant at which local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(timezone.utc)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC [from, to) of the local days ``start``..``end``."""
    return local_midnight(start), local_midnight(end + timedelta(days=1))


def in_services(column, service_ids: frozenset[int] | None):
    """``column IN service_ids``; None (``IndicatorFilters.service_ids`` for
    "every service of the commune") narrows nothing. For a viewer of every service of the
    commune (a manager of all of them), "in a service" — written so that no
    index serves it: the database then reads the index of the other
    conditions (the open requests', the period's) instead of one range of
    the service index per service. Service ids are positive; the counters
    keep 0 for "no service"."""
    if service_ids is None:
        return true()
    every = commune_service_ids(current_commune_id())
    if every and every <= service_ids:
        return func.coalesce(column, 0) != 0
    return column.in_(sorted(service_ids))


def request_conditions(filters: IndicatorFilters) -> list:
    """The dashboard's narrowing filters on Request (not the period)."""
    where = []
    if filters.service_ids is not None:
        where.append(in_services(Request.service_id, filters.service_ids))
    if filters.request_type:
        where.append(Request.request_type_id.in_(
            select(RequestType.id).where(RequestType.code == filters.request_type).scalar_subquery()))
    if filters.channel:
        where.append(Request.channel == filters.channel)
    if filters.priority:
        where.append(Request.priority == filters.priority)
    if filters.quartier:
        where.append(Request.quartier == filters.quartier)
    if filters.agent_id is not None:
        where.append(Request.assignee_id == filters.agent_id)
    return where


def utc_day_slot(column):
    """(UTC day, slot) of a timestamp column: slot 22 or 23 for those UTC
    hours, 0 for the rest of the day — as the database can group them."""
    if db.engine.dialect.name == "postgresql":
        utc = func.timezone("UTC", column)
        hour = func.extract("hour", utc)
        return func.to_char(utc, "YYYY-MM-DD"), case((hour >= 22, hour), else_=0)
    # SQLite stores "YYYY-MM-DD HH:MM:SS…" in UTC: slicing beats date functions.
    hour = func.substr(column, 12, 2)
    return func.substr(column, 1, 10), case((hour >= "22", hour), else_="00")


def days_between(start, end):
    """Days (fractional) from ``start`` to ``end``, computed by the database
    so that only one number per row travels."""
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


@lru_cache(maxsize=8192)
def local_day_of_slot(day: str, slot) -> date:
    """The local day of a UTC day's slot (``utc_day_slot``'s values)."""
    moment = datetime(int(day[0:4]), int(day[5:7]), int(day[8:10]), int(slot), tzinfo=timezone.utc)
    return moment.astimezone(PARIS).date()


def counts_by_bucket(column, where: list, granularity: str, *dimensions) -> dict[tuple, int]:
    """Rows counted by (first day of the local bucket of ``column``, *dimensions)."""
    day, slot = (expression.label(name) for expression, name in zip(utc_day_slot(column), ("day", "slot")))
    statement = select(day, slot, *dimensions, func.count()).where(*where).group_by(day, slot, *dimensions)
    counts: dict[tuple, int] = defaultdict(int)
    for row in db.session.execute(statement):
        key = (bucket_start(local_day_of_slot(row[0], row[1]), granularity), *row[2:-1])
        counts[key] += row[-1]
    return counts
