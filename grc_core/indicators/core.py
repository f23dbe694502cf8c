"""The core's indicators: activity, productivity and quality of the services.

Each computation takes the commune and the dashboard's
:class:`IndicatorFilters` and returns an :class:`IndicatorResult` whose
``note`` says how the figure is computed. They run inside the commune's
scope, so every query sees that commune's rows only. "Now" figures (the
queue as it stands) ignore the period; the others count what happened in it.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from ..extensions import db
from ..models import Contact, Request, RequestEvent, RequestType, Service, User, utcnow
from ..models.request import PRIORITIES, REQUEST_CHANNELS
from ..plugin_api.types import IndicatorDecl, IndicatorFilters, IndicatorResult, Series, WidgetDecl
from ..requests.labels import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS
from ..requests.queue import NOT_CLOSED
from . import daily
from .durations import ALL, FIRST_RESPONSE, PRECISION, PROCESSING, duration_percentiles, period_percentiles
from .open_queue import open_counts, open_total, summed
from .periods import buckets
from .sql import counts_by_bucket, days_between, in_services, local_midnight, period_bounds, request_conditions
from .units import DAYS, REQUESTS

OPEN_KINDS = ("new", "open", "waiting")


def _day_label(day: date, granularity: str) -> str:
    if granularity == "month":
        return format_date(day, "MMM yyyy")
    if granularity == "week":
        return _("week of %(day)s", day=format_date(day, "d MMM"))
    return format_date(day, "EEE d MMM")


def _bucket_end(first: date, granularity: str, last_day: date) -> date:
    """Last day of a bucket, capped at the period's end."""
    from dateutil.relativedelta import relativedelta

    step = {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1)}
    return min(first + step[granularity] - timedelta(days=1), last_day)


def _time_categories(filters: IndicatorFilters) -> list[tuple[date, str]]:
    return [(first, _day_label(first, filters.granularity))
            for first in buckets(filters.start, filters.end, filters.granularity)]


def _service_names(ids) -> dict[int | None, str]:
    ids = [i for i in ids if i is not None]
    names = dict(db.session.execute(select(Service.id, Service.name).where(Service.id.in_(ids))).all()) if ids else {}
    names[None] = _("No service")
    return names


def _grouped(column, where) -> dict:
    return dict(db.session.execute(select(column, func.count()).where(*where).group_by(column)).all())


def _days_of(column, first: date, last: date) -> list:
    start, end = period_bounds(first, last)
    return [column >= start, column < end]


def _in_period(column, filters: IndicatorFilters) -> list:
    return _days_of(column, filters.start, filters.end)


def _period_args(filters: IndicatorFilters, prefix: str) -> dict[str, str]:
    return {f"{prefix}_from": filters.start.isoformat(), f"{prefix}_to": filters.end.isoformat()}


def _base_args(filters: IndicatorFilters) -> dict[str, str]:
    """Queue filters repeating the dashboard's own (drill-downs stay narrowed)."""
    args = {}
    if filters.channel:
        args["channel"] = filters.channel
    if filters.priority:
        args["priority"] = filters.priority
    if filters.quartier:
        args["quartier"] = filters.quartier
    if filters.agent_id is not None:
        args["assignee"] = str(filters.agent_id)
    if filters.request_type:
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == filters.request_type))
        if type_id is not None:
            args["type"] = str(type_id)
    if filters.service_ids is not None and len(filters.service_ids) == 1:
        args["service"] = str(next(iter(filters.service_ids)))
    return args


# --- the queue as it stands ----------------------------------------------------

def received_not_processed(commune, filters: IndicatorFilters) -> IndicatorResult:
    by_service = summed(open_counts(filters), "service", kind="new")
    names = _service_names(by_service)
    order = sorted(by_service, key=lambda s: (-by_service[s], names[s]))
    base = _base_args(filters)
    return IndicatorResult(
        value=sum(by_service.values()),
        categories=tuple((str(s), names[s]) for s in order),
        series=(Series("count", _("Requests"), tuple(by_service[s] for s in order)),),
        drilldown={"": {**base, "kind": "new"},
                   **{str(s): {**base, "kind": "new", "service": str(s)} for s in order if s is not None}},
        note=_("Requests in a state of kind « new »: filed, nobody has acted on them yet. "
               "As the queue stands now, whatever the period."),
    )


def in_progress_by_channel(commune, filters: IndicatorFilters) -> IndicatorResult:
    counts = summed(open_counts(filters), "channel")
    channels = [c for c in REQUEST_CHANNELS if counts.get(c)]
    base = _base_args(filters)
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((c, str(CHANNEL_LABELS[c])) for c in channels),
        series=(Series("count", _("Requests"), tuple(counts[c] for c in channels)),),
        drilldown={c: {**base, "kind": "active", "channel": c} for c in channels},
        note=_("Requests not closed, by the channel they came through. As the queue stands now."),
    )


def in_progress_by_day_and_priority(commune, filters: IndicatorFilters) -> IndicatorResult:
    where = [NOT_CLOSED, *request_conditions(filters), *_in_period(Request.received_at, filters)]
    counts = counts_by_bucket(Request.received_at, where, filters.granularity, Request.priority)
    categories = _time_categories(filters)
    base = _base_args(filters)
    drilldown = {}
    for first, _label in categories:
        last = _bucket_end(first, filters.granularity, filters.end)
        days = {"received_from": max(first, filters.start).isoformat(), "received_to": last.isoformat()}
        drilldown[first.isoformat()] = {**base, "kind": "active", **days}
        for priority in PRIORITIES:
            drilldown[f"{first.isoformat()}|{priority}"] = {**base, "kind": "active", "priority": priority, **days}
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((first.isoformat(), label) for first, label in categories),
        series=tuple(Series(p, str(PRIORITY_LABELS[p]), tuple(counts.get((first, p), 0) for first, _l in categories))
                     for p in PRIORITIES),
        drilldown=drilldown,
        note=_("Requests still in progress (not closed), by the day they were received within the period, "
               "and by priority."),
    )


def by_service(commune, filters: IndicatorFilters) -> IndicatorResult:
    counts = summed(open_counts(filters), "service", "kind")
    services = {s for s, _k in counts}
    names = _service_names(services)
    order = sorted(services, key=lambda s: (-sum(counts.get((s, k), 0) for k in OPEN_KINDS), names[s]))
    base = _base_args(filters)
    drilldown = {}
    for s in order:
        if s is None:
            continue
        drilldown[str(s)] = {**base, "kind": "active", "service": str(s)}
        for kind in OPEN_KINDS:
            drilldown[f"{s}|{kind}"] = {**base, "kind": kind, "service": str(s)}
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((str(s), names[s]) for s in order),
        series=tuple(Series(k, str(STATUS_LABELS[k]), tuple(counts.get((s, k), 0) for s in order))
                     for k in OPEN_KINDS),
        drilldown=drilldown,
        note=_("Requests not closed, per service, by kind of state. As the queue stands now."),
    )


def overdue(commune, filters: IndicatorFilters) -> IndicatorResult:
    now = utcnow()
    where = [NOT_CLOSED, Request.due_at < now, *request_conditions(filters)]
    counts = _grouped(Request.service_id, where)
    names = _service_names(counts)
    order = sorted(counts, key=lambda s: (-counts[s], names[s]))
    base = _base_args(filters)
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((str(s), names[s]) for s in order),
        series=(Series("count", _("Overdue"), tuple(counts[s] for s in order)),),
        drilldown={"": {**base, "overdue": "1"},
                   **{str(s): {**base, "overdue": "1", "service": str(s)} for s in order if s is not None}},
        note=_("Requests not closed whose due date has passed, now."),
    )


def due_this_week(commune, filters: IndicatorFilters) -> IndicatorResult:
    today = filters.today
    sunday = today + timedelta(days=6 - today.weekday())
    where = [NOT_CLOSED, Request.due_at >= utcnow(), Request.due_at < local_midnight(sunday + timedelta(days=1)),
             *request_conditions(filters)]
    total = db.session.scalar(select(func.count()).select_from(Request).where(*where))
    return IndicatorResult(
        value=total,
        drilldown={"": {**_base_args(filters), "due_by": sunday.isoformat()}},
        note=_("Requests not closed, not yet overdue, due by Sunday %(day)s.", day=format_date(sunday, "short")),
    )


def workload_per_agent(commune, filters: IndicatorFilters) -> IndicatorResult:
    counts = summed(open_counts(filters), "assignee", "kind")
    agents = {a for a, _k in counts}
    ids = [a for a in agents if a is not None]
    names = dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all()) if ids else {}
    names[None] = _("Nobody (to assign)")
    order = sorted(agents, key=lambda a: (a is None, -sum(counts.get((a, k), 0) for k in OPEN_KINDS), names[a]))
    base = {k: v for k, v in _base_args(filters).items() if k != "assignee"}
    drilldown = {}
    for a in order:
        who = "none" if a is None else str(a)
        drilldown[str(a)] = {**base, "kind": "active", "assignee": who}
        for kind in OPEN_KINDS:
            drilldown[f"{a}|{kind}"] = {**base, "kind": kind, "assignee": who}
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((str(a), names[a]) for a in order),
        series=tuple(Series(k, str(STATUS_LABELS[k]), tuple(counts.get((a, k), 0) for a in order))
                     for k in OPEN_KINDS),
        drilldown=drilldown,
        note=_("Requests not closed per assigned agent, by kind of state, now."),
    )


# --- what happened in the period --------------------------------------------------

def _counted_by_bucket(measure: str, filters: IndicatorFilters, granularity: str,
                       since: date | None = None) -> dict:
    """Requests ``received`` or ``closed`` per bucket over the period (or every
    day from ``since``): from the daily counters when they can answer."""
    if daily.answers(filters):
        return daily.by_bucket(measure, filters, granularity, since)
    column = Request.received_at if measure == "received" else Request.closed_at
    where = [*request_conditions(filters),
             *([column >= local_midnight(since)] if since else _in_period(column, filters))]
    return counts_by_bucket(column, where, granularity)


def received_over_time(commune, filters: IndicatorFilters) -> IndicatorResult:
    counts = _counted_by_bucket("received", filters, filters.granularity)
    categories = _time_categories(filters)
    base = _base_args(filters)
    drilldown = {first.isoformat(): {**base, "kind": "all", "received_from": max(first, filters.start).isoformat(),
                                     "received_to": _bucket_end(first, filters.granularity, filters.end).isoformat()}
                 for first, _label in categories}
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((first.isoformat(), label) for first, label in categories),
        series=(Series("received", _("Requests received"),
                       tuple(counts.get((first,), 0) for first, _l in categories)),),
        drilldown={"": {**base, "kind": "all", **_period_args(filters, "received")}, **drilldown},
        note=_("Requests received in the period, per %(bucket)s.", bucket=_granularity_word(filters.granularity)),
    )


def _granularity_word(granularity: str) -> str:
    return {"day": _("day"), "week": _("week"), "month": _("month")}[granularity]


def _received_per(column, filters: IndicatorFilters) -> dict:
    """Requests received in the period per service or type (or channel)."""
    if column.key in ("service_id", "request_type_id") and daily.answers(filters):
        return {key: sums[0] for key, sums in daily.by_dimension(column.key, filters, "received").items()
                if sums[0]}
    if column.key == "channel" and daily.answers_per_channel(filters):
        return daily.received_per_channel(filters)
    return _grouped(column, [*request_conditions(filters), *_in_period(Request.received_at, filters)])


def received_per_type(filters: IndicatorFilters) -> dict[int, int]:
    """{request type id: requests received in the period} — from the daily
    counters when they can answer the filters (for the plugins' figures)."""
    return _received_per(Request.request_type_id, filters)


def _received_by(column, labels, arg: str, note: str):
    def compute(commune, filters: IndicatorFilters) -> IndicatorResult:
        counts = _received_per(column, filters)
        names = labels(counts)
        order = sorted(counts, key=lambda k: (-counts[k], str(names.get(k, k))))
        base = {**_base_args(filters), "kind": "all", **_period_args(filters, "received")}
        return IndicatorResult(
            value=sum(counts.values()),
            categories=tuple((str(k), str(names.get(k, k))) for k in order),
            series=(Series("received", _("Requests received"), tuple(counts[k] for k in order)),),
            drilldown={str(k): {**base, arg: str(k)} for k in order if k is not None and arg},
            note=str(note),
        )
    return compute


def _type_names(ids) -> dict:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    from ..copied_labels import type_labels

    return dict(type_labels(RequestType.id.in_(ids)))


def _domain_names(plugins) -> dict:
    from flask import current_app

    manifests = current_app.extensions["grc"].manifests
    return {p: (str(manifests[p].label) if p in manifests else p) if p else _("Commune's own request types")
            for p in plugins}


received_by_type = _received_by(Request.request_type_id, _type_names, "type",
                                _l("Requests received in the period, per request type."))
received_by_channel = _received_by(Request.channel, lambda keys: {k: CHANNEL_LABELS.get(k, k) for k in keys},
                                   "channel", _l("Requests received in the period, per channel."))
received_by_service = _received_by(Request.service_id, _service_names, "service",
                                   _l("Requests received in the period, per service (the one they are in now)."))


def received_by_domain(commune, filters: IndicatorFilters) -> IndicatorResult:
    # Per type, then types folded into their domain: a join would read
    # every request's row.
    per_type = _received_per(Request.request_type_id, filters)
    plugin_of = dict(db.session.execute(select(RequestType.id, RequestType.plugin)).all())
    counts: dict = defaultdict(int)
    for type_id, n in per_type.items():
        counts[plugin_of.get(type_id)] += n
    names = _domain_names(counts)
    order = sorted(counts, key=lambda k: (-counts[k], names[k]))
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((k or "", names[k]) for k in order),
        series=(Series("received", _("Requests received"), tuple(counts[k] for k in order)),),
        note=_("Requests received in the period, per domain (the plugin of their type)."),
    )


def throughput(commune, filters: IndicatorFilters) -> IndicatorResult:
    counts = _counted_by_bucket("closed", filters, filters.granularity)
    categories = _time_categories(filters)
    base = _base_args(filters)
    drilldown = {first.isoformat(): {**base, "kind": "closed", "closed_from": max(first, filters.start).isoformat(),
                                     "closed_to": _bucket_end(first, filters.granularity, filters.end).isoformat()}
                 for first, _label in categories}
    return IndicatorResult(
        value=sum(counts.values()),
        categories=tuple((first.isoformat(), label) for first, label in categories),
        series=(Series("closed", _("Requests closed"), tuple(counts.get((first,), 0) for first, _l in categories)),),
        drilldown={"": {**base, "kind": "closed", **_period_args(filters, "closed")}, **drilldown},
        note=_("Requests closed in the period, per %(bucket)s (a request closed twice counts at its last closing).",
               bucket=_granularity_word(filters.granularity)),
    )


def backlog(commune, filters: IndicatorFilters) -> IndicatorResult:
    """Open requests at the end of each bucket, walked back from now:
    backlog(t) = backlog(now) − received after t + closed after t."""
    now_open = open_total(filters)
    received = _counted_by_bucket("received", filters, "day", since=filters.start)
    closed = _counted_by_bucket("closed", filters, "day", since=filters.start)
    change = defaultdict(int)  # per local day: received − closed
    for (day,), n in received.items():
        change[day] += n
    for (day,), n in closed.items():
        change[day] -= n
    categories = _time_categories(filters)
    ends = [_bucket_end(first, filters.granularity, filters.end) for first, _label in categories]
    values = []
    for end in ends:
        after = sum(n for day, n in change.items() if day > end)
        values.append(now_open - after)
    return IndicatorResult(
        value=now_open,
        categories=tuple((first.isoformat(), label) for first, label in categories),
        series=(Series("backlog", _("Open at the end of the %(bucket)s", bucket=_granularity_word(filters.granularity)),
                       tuple(values)),),
        drilldown={"": {**_base_args(filters), "kind": "active"}},
        note=_("Requests not closed at the end of each %(bucket)s, rebuilt from today's queue minus the requests "
               "received since plus those closed since (a reopened request counts as open from its reopening).",
               bucket=_granularity_word(filters.granularity)),
    )


def _duration_table(figures: dict, names: dict) -> tuple[tuple, tuple]:
    """Per category: median, 90th percentile and count (``duration_percentiles``)."""
    order = sorted((k for k in figures if k is not ALL), key=lambda k: (-figures[k][0], str(names.get(k, k))))
    counts = [figures[k][0] for k in order]
    medians = [_round(figures[k][1]) for k in order]
    p90s = [_round(figures[k][2]) for k in order]
    categories = tuple((str(k), str(names.get(k, k))) for k in order)
    series = (Series("median", _("Median (days)"), tuple(medians)),
              Series("p90", _("90th percentile (days)"), tuple(p90s)),
              Series("count", _("Requests"), tuple(counts)))
    return categories, series


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def processing_time(commune, filters: IndicatorFilters) -> IndicatorResult:
    """Between two workflow states when the dashboard names them, else from
    reception to closing; per request type."""
    if filters.states:
        return _time_between_states(filters)

    def closed_between(first: date, last: date):
        return (select(Request.request_type_id, days_between(Request.received_at, Request.closed_at))
                .where(*request_conditions(filters), *_days_of(Request.closed_at, first, last)))

    # Per type unless only the value is read: the histograms summed by bin alone then.
    figures = period_percentiles(PROCESSING, filters, closed_between, per_type=not filters.value_only)
    categories, series = _duration_table(figures, _type_names(k for k in figures if k is not ALL))
    total, middle, _p90 = figures.get(ALL, (0, None, None))
    base = {**_base_args(filters), "kind": "closed", **_period_args(filters, "closed")}
    return IndicatorResult(
        value=_round(middle),
        categories=categories, series=series,
        drilldown={"": base, **{key: {**base, "type": key} for key, _label in categories}},
        note=" ".join((
            _("Calendar days from reception to closing, over the requests closed in the period only — requests "
              "still open do not count, so an old open request cannot distort the figure. Median: half of them "
              "took at most that; 90th percentile: nine in ten took at most that (nearest rank). %(n)s "
              "request(s).", n=total),
            str(PRECISION))),
    )


def _time_between_states(filters: IndicatorFilters) -> IndicatorResult:
    """For each request that entered state B in the period: the time since it
    first entered state A before that (``received`` stands for its filing)."""
    source, target = filters.states
    start, end = period_bounds(filters.start, filters.end)
    entered_target = (
        select(RequestEvent.request_id, func.min(RequestEvent.at).label("at"))
        .where(RequestEvent.kind == "transition", RequestEvent.to_state == target,
               RequestEvent.at >= start, RequestEvent.at < end)
        .group_by(RequestEvent.request_id).subquery())
    if source == "received":
        statement = (select(Request.request_type_id, days_between(Request.received_at, entered_target.c.at))
                     .join(entered_target, entered_target.c.request_id == Request.id))
    else:
        entered_source = (
            select(RequestEvent.request_id, func.min(RequestEvent.at).label("at"))
            .where(RequestEvent.kind.in_(("transition", "created")), RequestEvent.to_state == source)
            .group_by(RequestEvent.request_id).subquery())
        statement = (select(Request.request_type_id, days_between(entered_source.c.at, entered_target.c.at))
                     .join(entered_target, entered_target.c.request_id == Request.id)
                     .join(entered_source, and_(entered_source.c.request_id == Request.id,
                                                entered_source.c.at <= entered_target.c.at)))
    figures = duration_percentiles(statement.where(*request_conditions(filters)))
    categories, series = _duration_table(figures, _type_names(k for k in figures if k is not ALL))
    total, middle, _p90 = figures.get(ALL, (0, None, None))
    return IndicatorResult(
        value=_round(middle), categories=categories, series=series,
        note=" ".join((
            _("Calendar days from the first entry into « %(source)s » to the first entry into « %(target)s », "
              "over the requests that reached « %(target)s » in the period only (%(n)s request(s)).",
              source=source, target=target, n=total),
            str(PRECISION))),
    )


def first_response_time(commune, filters: IndicatorFilters) -> IndicatorResult:
    def answered_among_received(first: date, last: date):
        return (select(Request.request_type_id, days_between(Request.received_at, Request.first_response_at))
                .where(*request_conditions(filters), *_days_of(Request.received_at, first, last),
                       Request.first_response_at.is_not(None)))

    answered, middle, p90 = period_percentiles(FIRST_RESPONSE, filters, answered_among_received,
                                               per_type=False).get(ALL, (0, None, None))
    waiting = db.session.scalar(select(func.count()).select_from(Request).where(
        *request_conditions(filters), *_in_period(Request.received_at, filters),
        Request.first_response_at.is_(None)))
    return IndicatorResult(
        value=_round(middle),
        categories=(("median", _("Median (days)")), ("p90", _("90th percentile (days)")),
                    ("waiting", _("Still without response"))),
        series=(Series("value", _("Value"), (_round(middle), _round(p90), waiting)),),
        note=" ".join((
            _("Calendar days from reception to the first action of an agent, over the requests received in the "
              "period that had one (%(answered)s); %(waiting)s still wait and are counted apart, not guessed.",
              answered=answered, waiting=waiting),
            str(PRECISION))),
    )


def sla_compliance(commune, filters: IndicatorFilters) -> IndicatorResult:
    if daily.answers(filters):
        rows = [(service, with_due, on_time) for service, (with_due, on_time)
                in daily.by_dimension("service_id", filters, "closed_due", "closed_on_time").items() if with_due]
    else:
        where = [*request_conditions(filters), *_in_period(Request.closed_at, filters), Request.due_at.is_not(None)]
        on_time = func.sum(case((Request.closed_at <= Request.due_at, 1), else_=0))
        rows = db.session.execute(
            select(Request.service_id, func.count(), on_time).where(*where).group_by(Request.service_id)).all()
    names = _service_names({r[0] for r in rows})
    order = sorted(rows, key=lambda r: (-r[1], names[r[0]]))
    total = sum(r[1] for r in order)
    kept = sum(int(r[2] or 0) for r in order)
    return IndicatorResult(
        value=_round(kept * 100 / total) if total else None,
        categories=tuple((str(r[0]), names[r[0]]) for r in order),
        series=(Series("rate", _("Closed by the due date (%)"),
                       tuple(_round(int(r[2] or 0) * 100 / r[1]) for r in order)),
                Series("count", _("Requests with a due date"), tuple(r[1] for r in order))),
        note=_("Share of the requests closed in the period that had a due date and were closed by it "
               "(%(kept)s of %(total)s).", kept=kept, total=total),
    )


def first_contact_resolution(commune, filters: IndicatorFilters) -> IndicatorResult:
    start, end = period_bounds(filters.start, filters.end)
    where = [Contact.at >= start, Contact.at < end]
    if filters.service_ids is not None:
        where.append(in_services(Contact.service_id, filters.service_ids))
    if filters.agent_id is not None:
        where.append(Contact.agent_id == filters.agent_id)
    answered = func.sum(case((Contact.outcome == "answered", 1), else_=0))
    rows = db.session.execute(select(Contact.channel, func.count(), answered).where(*where)
                              .group_by(Contact.channel)).all()
    order = sorted(rows, key=lambda r: -r[1])
    total = sum(r[1] for r in order)
    solved = sum(int(r[2] or 0) for r in order)
    return IndicatorResult(
        value=_round(solved * 100 / total) if total else None,
        categories=tuple((r[0], str(CHANNEL_LABELS.get(r[0], r[0]))) for r in order),
        series=(Series("rate", _("Answered on the spot (%)"),
                       tuple(_round(int(r[2] or 0) * 100 / r[1]) for r in order)),
                Series("count", _("Contacts"), tuple(r[1] for r in order))),
        note=_("Share of the contacts logged in the period (counter, phone, letter, e-mail) answered on the spot, "
               "without a request (%(solved)s of %(total)s).", solved=solved, total=total),
    )


def reopened(commune, filters: IndicatorFilters) -> IndicatorResult:
    if daily.answers(filters):
        total, again = daily.totals(filters, "closed", "closed_reopened")
    else:
        where = [*request_conditions(filters), *_in_period(Request.closed_at, filters)]
        total, again = db.session.execute(
            select(func.count(), func.sum(case((Request.reopened_count > 0, 1), else_=0))).where(*where)).one()
    again = int(again or 0)
    return IndicatorResult(
        value=_round(again * 100 / total) if total else None,
        categories=(("reopened", _("Reopened at least once")), ("closed", _("Closed in the period"))),
        series=(Series("count", _("Requests"), (again, total)),),
        note=_("Share of the requests closed in the period that had been reopened at least once (%(again)s of "
               "%(total)s): a closing that did not settle the matter.", again=again, total=total),
    )


# --- declarations ----------------------------------------------------------------

INDICATORS = (
    IndicatorDecl("core.received_not_processed", _l("Received, not yet processed"), REQUESTS,
                  received_not_processed, ("service", "now"), better="lower"),
    IndicatorDecl("core.in_progress_by_channel", _l("In progress by origin"), REQUESTS, in_progress_by_channel,
                  ("channel", "now")),
    IndicatorDecl("core.in_progress_by_day_priority", _l("In progress by day received and priority"), REQUESTS,
                  in_progress_by_day_and_priority, ("day", "priority")),
    IndicatorDecl("core.by_service", _l("Requests by service"), REQUESTS, by_service, ("service", "status", "now")),
    IndicatorDecl("core.overdue", _l("Overdue"), REQUESTS, overdue, ("service", "now"), better="lower"),
    IndicatorDecl("core.due_this_week", _l("Due this week"), REQUESTS, due_this_week, ("now",)),
    IndicatorDecl("core.workload_per_agent", _l("Workload per agent"), REQUESTS, workload_per_agent,
                  ("agent", "status", "now")),
    IndicatorDecl("core.received_over_time", _l("Requests received"), REQUESTS, received_over_time, ("day",)),
    IndicatorDecl("core.received_by_type", _l("Received by request type"), REQUESTS, received_by_type, ("type",)),
    IndicatorDecl("core.received_by_channel", _l("Received by channel"), REQUESTS, received_by_channel,
                  ("channel",)),
    IndicatorDecl("core.received_by_service", _l("Received by service"), REQUESTS, received_by_service,
                  ("service",)),
    IndicatorDecl("core.received_by_domain", _l("Received by domain"), REQUESTS, received_by_domain, ("domain",)),
    IndicatorDecl("core.backlog", _l("Backlog"), REQUESTS, backlog, ("day",), better="lower"),
    IndicatorDecl("core.throughput", _l("Requests closed"), REQUESTS, throughput, ("day",), better="higher"),
    IndicatorDecl("core.processing_time", _l("Processing time"), DAYS, processing_time, ("type",), better="lower"),
    IndicatorDecl("core.first_response_time", _l("First response time"), DAYS, first_response_time, better="lower"),
    IndicatorDecl("core.sla_compliance", _l("Closed by the due date"), "%", sla_compliance, ("service",),
                  better="higher"),
    IndicatorDecl("core.first_contact_resolution", _l("First-contact resolution"), "%", first_contact_resolution,
                  ("channel",), better="higher"),
    IndicatorDecl("core.reopened", _l("Reopened requests"), "%", reopened, better="lower"),
)

# Operational: the queue of a service today. Strategic: trends of the
# commune — aggregates only, never a person (élus read it).
WIDGETS = (
    WidgetDecl("core.op_new", _l("New, nobody on them yet"), "core.received_not_processed", "number",
               "operational", 10),
    WidgetDecl("core.op_overdue", _l("Overdue"), "core.overdue", "number", "operational", 11),
    WidgetDecl("core.op_due_week", _l("Due this week"), "core.due_this_week", "number", "operational", 12),
    WidgetDecl("core.op_sla", _l("Closed by the due date (%)"), "core.sla_compliance", "number", "operational", 13),
    WidgetDecl("core.op_by_service", _l("Queue by service"), "core.by_service", "stacked", "operational", 20),
    WidgetDecl("core.op_by_channel", _l("In progress by origin"), "core.in_progress_by_channel", "bar",
               "operational", 30),
    WidgetDecl("core.op_by_day", _l("In progress by day received and priority"), "core.in_progress_by_day_priority",
               "stacked", "operational", 40),
    WidgetDecl("core.op_agents", _l("Workload per agent"), "core.workload_per_agent", "stacked", "operational", 50),
    WidgetDecl("core.op_first_contact", _l("First-contact resolution (%)"), "core.first_contact_resolution",
               "number", "operational", 60),
    WidgetDecl("core.st_received", _l("Requests received"), "core.received_over_time", "number", "strategic", 10),
    WidgetDecl("core.st_closed", _l("Requests closed"), "core.throughput", "number", "strategic", 11),
    WidgetDecl("core.st_processing", _l("Median processing time (days)"), "core.processing_time", "number",
               "strategic", 12),
    WidgetDecl("core.st_sla", _l("Closed by the due date (%)"), "core.sla_compliance", "number", "strategic", 13),
    WidgetDecl("core.st_received_trend", _l("Requests received over time"), "core.received_over_time", "line",
               "strategic", 20),
    WidgetDecl("core.st_throughput", _l("Requests closed over time"), "core.throughput", "line", "strategic", 21),
    WidgetDecl("core.st_backlog", _l("Backlog"), "core.backlog", "line", "strategic", 22),
    WidgetDecl("core.st_by_service", _l("Received by service"), "core.received_by_service", "bar", "strategic", 30),
    WidgetDecl("core.st_by_domain", _l("Received by domain"), "core.received_by_domain", "bar", "strategic", 31),
    WidgetDecl("core.st_by_channel", _l("Received by channel"), "core.received_by_channel", "bar", "strategic", 32),
    WidgetDecl("core.st_by_type", _l("Received by request type"), "core.received_by_type", "table", "strategic", 33),
    WidgetDecl("core.st_processing_table", _l("Processing time by request type"), "core.processing_time", "table",
               "strategic", 40),
    WidgetDecl("core.st_first_response", _l("First response time"), "core.first_response_time", "table",
               "strategic", 41),
    WidgetDecl("core.st_sla_services", _l("Closed by the due date, per service"), "core.sla_compliance", "table",
               "strategic", 42),
    WidgetDecl("core.st_first_contact", _l("First-contact resolution (%)"), "core.first_contact_resolution",
               "number", "strategic", 50),
    WidgetDecl("core.st_reopened", _l("Reopened requests (%)"), "core.reopened", "number", "strategic", 51),
)
