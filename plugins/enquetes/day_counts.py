"""The closing surveys counted per local day, kept up to date in the same
transaction as the surveys: what the dashboards' three figures read instead
of a year of surveys (177,738 of them in the bench town, twice a page: the
period and the one before).

One row per commune, local day of sending, request type and service holds
how many surveys were sent (status « sent » or « answered »), how many
answered with a score, the sum of the scores, how many said whether the
problem is resolved and how many said « yes » — the sums
:func:`indicators.figures` takes over the surveys themselves. A flush that
adds, changes or deletes a survey applies the difference between its old and
new contribution, as the core's daily counters do for the requests, so the
counts are exact, never stale; :func:`count_all` recomputes them for surveys
written in bulk outside the ORM (the migration that creates them, ``grc
indicators rebuild``, the bench's loader).

Channel, priority, quartier and agent are not kept: a dashboard filtered on
them reads the surveys (:func:`answers`).
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache

from sqlalchemy import delete, event, func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from grc_core.plugin_api import IndicatorFilters, RequestType, db, in_services, local_date

from .models import SurveyDayStat, SurveyInvitation

MEASURES = ("sent", "answered", "score_sum", "said", "said_yes")
TRACKED = ("status", "sent_at", "score", "resolved", "request_type_id", "service_id")
COUNTED_STATUSES = ("sent", "answered")


def contribution(values: dict) -> Counter:
    """What one survey adds: {(day, type, service, measure): n} — nothing unless sent."""
    if values.get("status") not in COUNTED_STATUSES or values.get("sent_at") is None:
        return Counter()
    key = (local_date(values["sent_at"]), values.get("request_type_id") or 0, values.get("service_id") or 0)
    score, resolved = values.get("score"), values.get("resolved") or ""
    counts = {"sent": 1, "answered": score is not None, "score_sum": score or 0, "said": resolved != "",
              "said_yes": resolved == "yes"}
    return Counter({(*key, measure): int(n) for measure, n in counts.items() if n})


def _value(invitation: SurveyInvitation, name: str, old: bool):
    if name == "request_type_id" and not old:
        # Set through the relationship, the id reaches its column only during the flush.
        added = get_history(invitation, "request_type", passive=PASSIVE_NO_INITIALIZE).added
        if added:
            return getattr(added[0], "id", None)
    if not old:
        return getattr(invitation, name)
    history = get_history(invitation, name)
    if history.deleted:
        return history.deleted[0]
    if history.added:
        return None  # set where there was nothing
    return history.unchanged[0] if history.unchanged else getattr(invitation, name)


def _keyed(invitation: SurveyInvitation, old: bool = False) -> Counter:
    values = {name: _value(invitation, name, old) for name in TRACKED}
    return Counter({(invitation.commune_id, *key): n for key, n in contribution(values).items()})


def _changed(invitation: SurveyInvitation) -> bool:
    return any(get_history(invitation, name, passive=PASSIVE_NO_INITIALIZE).has_changes()
               for name in (*TRACKED, "request_type"))


@event.listens_for(Session, "before_flush")
def _count_surveys(session: Session, flush_context, instances) -> None:
    deltas: Counter = Counter()
    for invitation in session.new:
        if isinstance(invitation, SurveyInvitation):
            deltas.update(_keyed(invitation))
    for invitation in session.dirty:
        if isinstance(invitation, SurveyInvitation) and _changed(invitation):
            deltas.subtract(_keyed(invitation, old=True))
            deltas.update(_keyed(invitation))
    for invitation in session.deleted:
        if isinstance(invitation, SurveyInvitation):
            deltas.subtract(_keyed(invitation, old=True))
    rows = _rows(deltas)
    if rows:
        session.connection().execute(_upsert(session.get_bind().dialect.name), rows)


def _rows(counts: Counter) -> list[dict]:
    """One row per (commune, day, type, service) of the non-zero counts."""
    rows: dict[tuple, dict] = {}
    for (commune_id, day, type_id, service_id, measure), n in counts.items():
        if n:
            row = rows.setdefault((commune_id, day, type_id, service_id), {
                "commune_id": commune_id, "day": day, "request_type_id": type_id, "service_id": service_id,
                **dict.fromkeys(MEASURES, 0)})
            row[measure] += n
    return list(rows.values())


@lru_cache(maxsize=4)
def _upsert(dialect: str):
    """INSERT … ON CONFLICT DO UPDATE adding to the counts, built once."""
    table = SurveyDayStat.__table__
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return statement.on_conflict_do_update(
        index_elements=["commune_id", "day", "request_type_id", "service_id"],
        set_={measure: table.c[measure] + statement.excluded[measure] for measure in MEASURES})


def count_all(connection, commune_id: int | None = None) -> int:
    """Recompute the counts from the surveys — of one commune, or of all —
    on a plain connection; returns the number of rows. Not committed."""
    surveys = SurveyInvitation.__table__
    statement = select(surveys.c.id, surveys.c.commune_id, *[surveys.c[name] for name in TRACKED]).where(
        surveys.c.status.in_(COUNTED_STATUSES))
    if commune_id is not None:
        statement = statement.where(surveys.c.commune_id == commune_id)
    statement = statement.order_by(surveys.c.id).limit(50_000)
    totals: Counter = Counter()
    last = 0
    while page := connection.execute(statement.where(surveys.c.id > last)).all():
        for row in page:
            totals.update({(row[1], *key): n for key, n in contribution(dict(zip(TRACKED, row[2:]))).items()})
        last = page[-1][0]
    table = SurveyDayStat.__table__
    connection.execute(delete(table).where(table.c.commune_id == commune_id if commune_id is not None else true()))
    rows = _rows(totals)
    for start in range(0, len(rows), 5_000):
        connection.execute(table.insert(), rows[start:start + 5_000])
    return len(rows)


# --- reading --------------------------------------------------------------------------

def answers(filters: IndicatorFilters) -> bool:
    """Whether the counts can answer these filters (they keep no channel,
    priority, quartier nor agent: those are the requests')."""
    return not (filters.channel or filters.priority or filters.quartier or filters.agent_id is not None)


def per_type(filters: IndicatorFilters) -> list[tuple]:
    """(request type id or None, sent, answered, sum of the scores, said, said « yes ») over the period,
    as indicators.figures groups the surveys."""
    stat = SurveyDayStat
    where = [stat.day >= filters.start, stat.day <= filters.end]
    if filters.service_ids is not None:
        where.append(in_services(stat.service_id, filters.service_ids))
    if filters.request_type:
        where.append(stat.request_type_id.in_(
            select(RequestType.id).where(RequestType.code == filters.request_type).scalar_subquery()))
    sums = [func.sum(getattr(stat, measure)) for measure in MEASURES]
    rows = db.session.execute(select(stat.request_type_id, *sums).where(*where).group_by(stat.request_type_id))
    return [(type_id or None, *(int(n or 0) for n in counts)) for type_id, *counts in rows]
