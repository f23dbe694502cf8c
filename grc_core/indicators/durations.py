"""Durations on the dashboards — processing time, first-response time —
counted in bins, and kept as monthly histograms next to the requests.

Medians and 90th percentiles do not add up like counts: the figure of a
year is not made of the figures of its months, and ranking a year of
durations at every page (200,000 in a large town) is what made the
strategic dashboard slow. So a duration is counted in a bin — to the hour
under two days, to the day beyond — and a percentile is the upper bound of
the bin that holds its rank: "half of the requests took at most 3 days"
stays true, and the page states the precision (``PRECISION``). Bins add
up: a year is the sum of its twelve monthly histograms.

``request_duration_stat`` holds, per commune, measure, local month, service,
request type and — for the processing time — the state the request was
closed in (a delivered act, a refused one) and once more under
``ANY_STATE``, how many durations fell in each bin. A flush that
changes a request applies the difference in its transaction, as
grc_core.indicators.daily does for the counts, so nothing is ever stale;
``count_all`` recomputes them after bulk loads (``grc indicators
rebuild``). A period takes the months it covers mostly from there, and
has the database bin the requests of the other days with the same rule
(``bin_expression``) — added, or taken off a month's histogram (``plan``):
the figures are exact for any period, and every duration figure of the
application is binned the same way whatever the period and the filters.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Callable

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, case, cast, event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Request, RequestType
from ..models.dashboard import RequestDurationStat
from ..plugin_api.types import IndicatorFilters
from ..tenancy.scoping import current_commune_id
from ..workflows.deadlines import as_utc, local_date
from . import daily
from .sql import in_services

#: Reception → closing, counted in the month of the closing.
PROCESSING = "processing"
#: Reception → first action of an agent, counted in the month of the reception.
FIRST_RESPONSE = "first_response"

#: The processing time's roll-up over the closing states: the same durations
#: once more under this "state", so that a figure over every state (most of
#: them) sums half as many rows as the per-state ones (c0a1e0000034).
ANY_STATE = "*"

HOURLY_UNTIL = 48
# A duration the database computes a hair past a whole hour (SQLite's
# julianday is a float) stays in that hour's bin.
TOLERANCE_SECONDS = 1.0
TRACKED = ("received_at", "closed_at", "first_response_at", "service_id", "request_type_id", "state")

PRECISION = _l("Durations are counted to the hour under two days and to the day beyond; each figure is the upper "
               "bound of its bin (« at most »).")


class _All:
    def __repr__(self) -> str:
        return "ALL"


#: The key of the figures over every row, beside the per-key ones.
ALL = _All()


# --- the bins -------------------------------------------------------------------------

def bin_of(seconds: float) -> int:
    """Upper bound, in hours, of the bin of a duration: whole hours up to 48,
    then whole days (72, 96, …); 0 for none or a negative one."""
    seconds -= TOLERANCE_SECONDS
    if seconds <= 0:
        return 0
    hours = math.ceil(seconds / 3600)
    return hours if hours <= HOURLY_UNTIL else 24 * math.ceil(seconds / 86400)


def _ceil(value):
    if db.engine.dialect.name == "postgresql":
        return cast(func.ceil(value), Integer)
    # SQLite may lack its math functions; ``value`` is positive where used.
    whole = cast(value, Integer)
    return whole + case((value > whole, 1), else_=0)


def bin_expression(days):
    """:func:`bin_of` for the database, on a duration in (fractional) days
    (grc_core.indicators.sql.days_between)."""
    seconds = days * 86400.0 - TOLERANCE_SECONDS
    hours = _ceil(seconds / 3600.0)
    return case((seconds <= 0, 0), (hours <= HOURLY_UNTIL, hours), else_=_ceil(seconds / 86400.0) * 24)


def figures(histogram: dict[int, int]) -> tuple[int, float | None, float | None]:
    """(count, median, 90th percentile) in days of a histogram {bin: count}.

    Median: the mean of the two middle durations' bins (the middle one for an
    odd count); 90th percentile: the bin of the nearest rank (the 9th of 10,
    the 10th of 11) — as grc_core.indicators.sql.median and percentile do
    on plain values."""
    total = sum(histogram.values())
    if not total:
        return 0, None, None
    wanted = {(total + 1) // 2, (total + 2) // 2, (total * 9 + 9) // 10}
    at: dict[int, int] = {}
    seen = 0
    for upper, count in sorted(histogram.items()):
        for rank in [r for r in wanted if seen < r <= seen + count]:
            at[rank] = upper
        seen += count
    middle = (at[(total + 1) // 2] + at[(total + 2) // 2]) / 2
    return total, middle / 24, at[(total * 9 + 9) // 10] / 24


def percentiles(histograms: dict) -> dict:
    """{key: figures} of per-key histograms, and under ``ALL`` of their sum."""
    every: Counter = Counter()
    for histogram in histograms.values():
        every.update(histogram)
    out = {key: figures(histogram) for key, histogram in histograms.items() if sum(histogram.values())}
    if every:
        out[ALL] = figures(every)
    return out


def histograms_of(statement) -> dict:
    """{key: {bin: count}} of the ``(key, days)`` rows of ``statement``, binned
    and counted by the database: one row per key and bin travels."""
    source = statement.subquery()
    key, days = source.c[0], source.c[1]
    binned = bin_expression(days)
    out: dict = defaultdict(Counter)
    for k, upper, count in db.session.execute(select(key, binned, func.count()).group_by(key, binned)):
        out[k][int(upper)] += count
    return out


def duration_percentiles(statement) -> dict:
    """{key: (count, median, 90th percentile)} of the ``(key, days)`` rows of
    ``statement``, and under ``ALL`` the same for every row (:func:`figures`)."""
    return percentiles(histograms_of(statement))


# --- the monthly histograms, kept up to date ------------------------------------------

def _month(moment: datetime) -> date:
    return local_date(moment).replace(day=1)


def _seconds(start: datetime, end: datetime) -> float:
    return (as_utc(end) - as_utc(start)).total_seconds()


def contribution(values: dict) -> Counter:
    """What one request adds to the histograms: {(measure, month, service, type, state, bin): 1}."""
    out: Counter = Counter()
    received, type_id = values.get("received_at"), values.get("request_type_id")
    if received is None or type_id is None:
        return out
    service_id = values.get("service_id") or 0
    if values.get("closed_at") is not None:
        closed = values["closed_at"]
        month = _month(closed)
        upper = bin_of(_seconds(received, closed))
        out[(PROCESSING, month, service_id, type_id, values.get("state") or "", upper)] += 1
        out[(PROCESSING, month, service_id, type_id, ANY_STATE, upper)] += 1
    if values.get("first_response_at") is not None:
        answered = values["first_response_at"]
        out[(FIRST_RESPONSE, _month(received), service_id, type_id, "", bin_of(_seconds(received, answered)))] += 1
    return out


def _keyed(commune_id: int, values: dict) -> Counter:
    return Counter({(commune_id, *key): n for key, n in contribution(values).items()})


@event.listens_for(Session, "before_flush")
def _bin_durations(session: Session, flush_context, instances) -> None:
    deltas: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Request):
            deltas.update(_keyed(obj.commune_id or current_commune_id(), daily.values_of(obj, TRACKED)))
    for obj in session.dirty:
        if isinstance(obj, Request) and daily.changed(obj, TRACKED):
            deltas.subtract(_keyed(obj.commune_id, daily.values_of(obj, TRACKED, old=True)))
            deltas.update(_keyed(obj.commune_id, daily.values_of(obj, TRACKED)))
    for obj in session.deleted:
        if isinstance(obj, Request):
            deltas.subtract(_keyed(obj.commune_id, daily.values_of(obj, TRACKED, old=True)))
    rows = [_row(key, n) for key, n in deltas.items() if n]
    if rows:
        session.connection().execute(_upsert(session.get_bind().dialect.name), rows)


def _row(key: tuple, count: int) -> dict:
    commune_id, measure, month, service_id, type_id, state, upper = key
    return {"commune_id": commune_id, "measure": measure, "month": month, "service_id": service_id,
            "request_type_id": type_id, "state": state, "bin_hours": upper, "count": count}


@lru_cache(maxsize=4)
def _upsert(dialect: str):
    table = RequestDurationStat.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["commune_id", "measure", "month", "service_id", "request_type_id", "state", "bin_hours"],
        set_={"count": table.c.count + statement.excluded.count})


def count_all(connection, commune_id: int | None = None) -> int:
    """Recompute the histograms from the requests — of one commune, or of all
    (the migration that creates them) — on a plain connection; returns the
    number of rows. Not committed."""
    totals: Counter = Counter()
    for rows in daily.pages(connection, commune_id, TRACKED):
        for row in rows:
            totals.update(_keyed(row[1], dict(zip(TRACKED, row[2:]))))
    return daily.replace_rows(connection, RequestDurationStat.__table__, commune_id,
                              [_row(key, n) for key, n in totals.items() if n])


# --- reading ---------------------------------------------------------------------------

def _months(start: date, end: date):
    """(first day, last day) of each month the period touches."""
    month = start.replace(day=1)
    while month <= end:
        yield month, month + relativedelta(months=1) - timedelta(days=1)
        month += relativedelta(months=1)


def plan(start: date, end: date, today: date) -> tuple[list[date], list[tuple[date, date]], list[tuple[date, date]]]:
    """How to count a period: the months taken from the histograms, the days
    to add from the requests, and the days to take off (from the requests
    too). A month whose days so far (up to ``today``) the period covers at
    least half of comes from its histogram, less its days outside the period
    — so the current month up to today is its histogram alone, however early
    in the month (the days to come hold nothing yet: taking them off reads an
    empty range); a month covered less than half is read from the requests."""
    months, add, remove = [], [], []
    for first, last in _months(start, end):
        inside = (max(first, start), min(last, end))
        known_last = min(last, max(today, first))
        if ((min(inside[1], known_last) - inside[0]).days + 1) * 2 < (known_last - first).days + 1:
            add.append(inside)
            continue
        months.append(first)
        remove += [(a, b) for a, b in ((first, inside[0] - timedelta(days=1)), (inside[1] + timedelta(days=1), last))
                   if a <= b]
    return months, add, remove


def _stored(measure: str, filters: IndicatorFilters, months: list[date], states, per_type: bool) -> dict:
    """{request type id (None unless ``per_type``): {bin: count}} summed from the histograms.

    Run on the session's connection, not through the ORM: a year of a large
    town is thousands of (type, bin) rows, and the ORM's handling of each
    row would cost more than the database; the commune's condition is
    therefore written here, as the tenancy scoping would add it."""
    stat = RequestDurationStat.__table__.c
    where = [stat.commune_id == current_commune_id(), stat.measure == measure, stat.month.in_(months)]
    if filters.service_ids is not None:
        where.append(in_services(stat.service_id, filters.service_ids))
    if filters.request_type:
        where.append(stat.request_type_id.in_(
            select(RequestType.id).where(RequestType.code == filters.request_type).scalar_subquery()))
    if states is not None:
        where.append(stat.state.in_(list(states)))
    else:
        where.append(stat.state == (ANY_STATE if measure == PROCESSING else ""))
    keys = (stat.request_type_id, stat.bin_hours) if per_type else (stat.bin_hours,)
    # Fetched at once (not row by row: thousands of rows) and added up without
    # unpacking into lists — this loop is a visible part of a 12-month dashboard.
    rows = db.session.connection().execute(select(*keys, func.sum(stat.count)).where(*where).group_by(*keys)).all()
    out: dict = defaultdict(Counter)
    if per_type:
        for type_id, upper, count in rows:
            out[type_id][upper] += count
    else:
        histogram = out[None]
        for upper, count in rows:
            histogram[upper] += count
    return out


def period_percentiles(measure: str, filters: IndicatorFilters, raw: Callable[[date, date], object],
                       closed_in: tuple[str, ...] | None = None, per_type: bool = True) -> dict:
    """{request type id: figures, ALL: figures} of ``measure`` over the
    filters' period (:func:`plan`), of the requests closed in the states
    ``closed_in`` only when given (processing time); only ``ALL`` unless
    ``per_type``. ``raw(first_day, last_day)`` is the statement of the
    ``(request type id, days)`` rows of those days — the same requests — for
    what the histograms cannot answer: the days around the months, or the
    filters they do not keep (channel, priority, quartier, agent)."""
    if not daily.answers(filters):
        return _keep(duration_percentiles(raw(filters.start, filters.end)), per_type)
    months, add, remove = plan(filters.start, filters.end, filters.today)
    histograms = _stored(measure, filters, months, closed_in, per_type) if months else defaultdict(Counter)
    for days, sign in [(d, +1) for d in add] + [(d, -1) for d in remove]:
        for key, histogram in histograms_of(raw(*days)).items():
            histograms[key if per_type else None].update({upper: sign * n for upper, n in histogram.items()})
    return _keep(percentiles(histograms), per_type)


def _keep(figures_by_key: dict, per_type: bool) -> dict:
    return figures_by_key if per_type else {ALL: figures_by_key[ALL]} if ALL in figures_by_key else {}
