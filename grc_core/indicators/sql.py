"""SQL building blocks shared by the indicators: the filters of a dashboard
as conditions, UTC bounds of local days, and grouping by local day.

Requests are stored with UTC times and a dashboard counts in local
(Europe/Paris) days. Converting every row's time zone in SQL is slow on
SQLite and differs between databases, so the queries group by UTC hour —
Paris is always a whole number of hours from UTC — and Python folds the
hours into local days, weeks or months: exact on both databases, and a year
is only 8,760 groups however many requests it holds.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, select

from ..extensions import db
from ..models import Request, RequestType
from ..plugins.types import IndicatorFilters
from ..workflows.deadlines import PARIS
from .periods import bucket_start


def local_midnight(day: date) -> datetime:
    """The UTC instant at which local ``day`` begins."""
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(timezone.utc)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """UTC [from, to) of the local days ``start``..``end``."""
    return local_midnight(start), local_midnight(end + timedelta(days=1))


def request_conditions(filters: IndicatorFilters) -> list:
    """The dashboard's narrowing filters on Request (not the period)."""
    where = []
    if filters.service_ids is not None:
        where.append(Request.service_id.in_(sorted(filters.service_ids)))
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


def utc_hour(column):
    """The UTC hour of a timestamp column, as the database can group it."""
    if db.engine.dialect.name == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H", column)


def local_day_of_hour(value) -> date:
    """The local day of a grouped UTC hour (``utc_hour``'s value)."""
    if isinstance(value, str):
        moment = datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=timezone.utc)
    else:
        moment = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return moment.astimezone(PARIS).date()


def counts_by_bucket(column, where: list, granularity: str, *dimensions) -> dict[tuple, int]:
    """Rows counted by (first day of the local bucket of ``column``, *dimensions)."""
    hour = utc_hour(column).label("hour")
    statement = select(hour, *dimensions, func.count()).where(*where).group_by(hour, *dimensions)
    counts: dict[tuple, int] = defaultdict(int)
    for row in db.session.execute(statement):
        key = (bucket_start(local_day_of_hour(row[0]), granularity), *row[1:-1])
        counts[key] += row[-1]
    return counts


def percentile(sorted_values: list[float], percent: int) -> float | None:
    """Nearest-rank percentile: the smallest value with at least ``percent`` %
    of the values at or below it, taken from the data itself (the 90th of 10
    values is the 9th, of 11 values the 10th)."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * percent // 100))
    return sorted_values[rank - 1]


def median(sorted_values: list[float]) -> float | None:
    """Middle value; the mean of the two middle ones for an even count."""
    n = len(sorted_values)
    if not n:
        return None
    middle = n // 2
    return sorted_values[middle] if n % 2 else (sorted_values[middle - 1] + sorted_values[middle]) / 2
