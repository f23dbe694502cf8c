"""Indicators and widgets of the état civil.

Each ``compute(commune, filters)`` runs inside the commune (tenancy scoping)
and applies the period (``filters.start``..``filters.end``, local dates,
both included) and ``filters.service_ids``.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grc_core.plugin_api import (
    ALL_TYPES, DURATION_PRECISION_NOTE, LOCAL_TIMEZONE, PROCESSING_TIME, REQUEST_NOT_CLOSED, Citizen, IndicatorDecl,
    IndicatorFilters, IndicatorResult, Request, RequestEvent, RequestType, Series, Unit, WidgetDecl, add_months,
    birthday, counts_by_bucket, days_between, db, in_services, period_bounds, period_percentiles,
)

from . import checks, rules
from . import request_types as rt
from .dates import day_in_words
from .guards import parse_day
from .workflows import REFUSALS

DELIVERED = "delivree"
NOT_DONE = ("refusee", "classee")


def _bounds(filters) -> tuple[datetime, datetime]:
    return (datetime.combine(filters.start, time(0), tzinfo=LOCAL_TIMEZONE),
            datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=LOCAL_TIMEZONE))


def months_of(filters) -> list[tuple[str, str]]:
    months, day = [], date(filters.start.year, filters.start.month, 1)
    while day <= filters.end:
        months.append((f"{day:%Y-%m}", format_date(day, "LLLL yyyy")))
        day = add_months(day, 1)
    return months


KINDS = tuple((str(kind), label) for kind, label in rt.ACT_LABELS.items())


def _per_kind_and_month(filters, column, *extra) -> IndicatorResult:
    """Acts requests per act (the form's « acte ») and local month of
    ``column``, counted by the database: a year of a large town is tens of
    thousands of requests."""
    start, end = _bounds(filters)
    where = [Request.request_type_id.in_(select(RequestType.id).where(RequestType.code == rt.ACTE)
                                         .scalar_subquery()),
             column >= start, column < end, *extra]
    if filters.service_ids is not None:
        where.append(in_services(Request.service_id, filters.service_ids))
    months = months_of(filters)
    index = {key: n for n, (key, _label) in enumerate(months)}
    counts = {kind: [0] * len(months) for kind, _label in KINDS}
    for (month, kind), n in counts_by_bucket(column, where, "month", Request.data["acte"].as_string()).items():
        if kind in counts and f"{month:%Y-%m}" in index:
            counts[kind][index[f"{month:%Y-%m}"]] += n
    series = tuple(Series(kind, label, tuple(counts[kind])) for kind, label in KINDS)
    return IndicatorResult(value=sum(sum(v) for v in counts.values()), categories=tuple(months), series=series)


def _type_id(code: str) -> int | None:
    return db.session.scalar(select(RequestType.id).where(RequestType.code == code))


def _received_drilldown(code: str, periods) -> dict:
    """Category key → the request list of that type received in that period (inside the filters' period)."""
    type_id = _type_id(code)
    if type_id is None:
        return {}
    return {key: {"type": type_id, "received_from": first.isoformat(), "received_to": last.isoformat()}
            for key, first, last in periods}


def _month_periods(filters, months):
    for key, _label in months:
        first = date.fromisoformat(f"{key}-01")
        yield key, max(first, filters.start), min(add_months(first, 1) - timedelta(days=1), filters.end)


def acts_requested(commune, filters) -> IndicatorResult:
    """Requests for copies of acts received in the period, per act and month of reception."""
    result = _per_kind_and_month(filters, Request.received_at)
    return IndicatorResult(result.value, result.categories, result.series,
                           drilldown=_received_drilldown(rt.ACTE, _month_periods(filters, result.categories)),
                           note=_("Requests for copies and extracts, by month of reception."))


def acts_delivered(commune, filters) -> IndicatorResult:
    """Acts delivered in the period (by day of delivery), per act and month."""
    result = _per_kind_and_month(filters, Request.closed_at, Request.state == DELIVERED)
    return IndicatorResult(result.value, result.categories, result.series,
                           note=_("Acts delivered, by month of delivery."))


def delivery_delay(commune, filters) -> IndicatorResult:
    """Days from reception to delivery of the acts delivered in the period: median and 90th percentile,
    from the core's histograms of processing times (requests of the acts' type closed as delivered)."""
    # The period and the services narrow it, as the other figures of the domain; the other filters do not.
    acts = IndicatorFilters(start=filters.start, end=filters.end, today=filters.today,
                            service_ids=filters.service_ids, request_type=rt.ACTE)

    def delivered_between(first: date, last: date):
        start, end = period_bounds(first, last)
        statement = (select(Request.request_type_id, days_between(Request.received_at, Request.closed_at))
                     .join(RequestType, Request.request_type_id == RequestType.id)
                     .where(RequestType.code == rt.ACTE, Request.state == DELIVERED,
                            Request.closed_at >= start, Request.closed_at < end))
        if filters.service_ids is not None:
            statement = statement.where(in_services(Request.service_id, filters.service_ids))
        return statement

    count, median, p90 = period_percentiles(PROCESSING_TIME, acts, delivered_between, closed_in=(DELIVERED,),
                                            per_type=False).get(ALL_TYPES, (0, None, None))
    median, p90 = (None if v is None else round(v, 1) for v in (median, p90))
    return IndicatorResult(
        value=median, categories=(("median", _("Median")), ("p90", _("90th percentile"))),
        series=(Series("jours", _("Days"), (median, p90)),),
        note=" ".join((
            _("Calendar days from reception to delivery, computed only on the %(count)s requests delivered in "
              "the period (refused, closed and pending requests are not counted); 90th percentile by nearest "
              "rank.", count=count),
            str(DURATION_PRECISION_NOTE))))


def refusals_by_reason(commune, filters) -> IndicatorResult:
    """Refusals decided in the period, per reason (the refusal transition applied)."""
    start, end = _bounds(filters)
    codes = [code for code, _label in REFUSALS]
    # A refusal closes the request: the refused requests closed in the period
    # (on the closed-requests index), then their refusal events (per request)
    # — never a scan of the whole history.
    refused = (select(Request.id).join(RequestType, Request.request_type_id == RequestType.id)
               .where(RequestType.code.in_(list(rt.CODES)), Request.state == "refusee",
                      Request.closed_at >= start, Request.closed_at < end))
    if filters.service_ids is not None:
        refused = refused.where(in_services(Request.service_id, filters.service_ids))
    query = select(RequestEvent.details).where(
        RequestEvent.request_id.in_(refused.scalar_subquery()), RequestEvent.kind == "transition",
        RequestEvent.to_state == "refusee", RequestEvent.at >= start, RequestEvent.at < end)
    counts = {code: 0 for code in codes}
    for details in db.session.scalars(query):
        code = (details or {}).get("transition")
        counts[code] = counts.get(code, 0) + 1
    labels = dict(REFUSALS)
    categories = tuple((code, labels.get(code, code)) for code in counts)
    return IndicatorResult(
        value=sum(counts.values()), categories=categories,
        series=(Series("refus", _("Refusals"), tuple(counts[code] for code, _label in categories)),),
        note=_("Refusals at submission are not stored (the form refuses them); these are the refusals decided "
               "by an agent."))


def coming_unions(commune, filters, weeks: int = 8) -> IndicatorResult:
    """Marriages (date of celebration set) and PACS (registration appointment) of the coming weeks."""
    first = filters.today - timedelta(days=filters.today.weekday())
    categories = tuple((f"{first + timedelta(weeks=n):%Y-%m-%d}",
                        _("Week of %(day)s", day=day_in_words(first + timedelta(weeks=n))))
                       for n in range(weeks))
    # Files not closed: a celebrated marriage or a registered PACS is closed,
    # and the open requests have their own small index.
    query = (select(RequestType.code, Request.data).join(RequestType, Request.request_type_id == RequestType.id)
             .where(RequestType.code.in_([rt.MARIAGE, rt.PACS]), REQUEST_NOT_CLOSED))
    if filters.service_ids is not None:
        query = query.where(in_services(Request.service_id, filters.service_ids))
    marriages, pacs = [0] * weeks, [0] * weeks
    for code, data in db.session.execute(query):
        data = data or {}
        if code == rt.MARIAGE:
            day, counts = parse_day(data.get("date_celebration")), marriages
        else:
            day, counts = checks.as_date(data.get("date_enregistrement")), pacs
        if day is None or day < filters.today:
            continue
        week = (day - first).days // 7
        if 0 <= week < weeks:
            counts[week] += 1
    return IndicatorResult(
        value=sum(marriages) + sum(pacs), categories=categories,
        series=(Series("mariages", _("Marriages"), tuple(marriages)), Series("pacs", _("PACS"), tuple(pacs))),
        note=_("Marriages with a celebration date set and PACS with a registration appointment, from today."))


def quarters_of(filters) -> list[tuple[int, int]]:
    quarters, day = [], date(filters.start.year, 3 * ((filters.start.month - 1) // 3) + 1, 1)
    while day <= filters.end:
        quarters.append((day.year, (day.month - 1) // 3 + 1))
        day = add_months(day, 3)
    return quarters


def recensements_vs_cohort(commune, filters) -> IndicatorResult:
    """Per quarter: young people recensed, and citizens of the commune turning 16 in that quarter."""
    quarters = quarters_of(filters)
    index = {q: n for n, q in enumerate(quarters)}
    recensed, cohort = [0] * len(quarters), [0] * len(quarters)
    whole = type(filters)(start=date(quarters[0][0], 3 * quarters[0][1] - 2, 1),
                          end=add_months(date(quarters[-1][0], 3 * quarters[-1][1] - 2, 1), 3) - timedelta(days=1),
                          today=filters.today, service_ids=filters.service_ids)
    start, end = _bounds(whole)
    where = [Request.request_type_id.in_(select(RequestType.id).where(RequestType.code == rt.RECENSEMENT)
                                         .scalar_subquery()),
             Request.received_at >= start, Request.received_at < end, Request.state.not_in(NOT_DONE)]
    if filters.service_ids is not None:
        where.append(in_services(Request.service_id, filters.service_ids))
    # Counted per month by the database, folded into quarters here.
    for (month,), count in counts_by_bucket(Request.received_at, where, "month").items():
        n = index.get((month.year, (month.month - 1) // 3 + 1))
        if n is not None:
            recensed[n] += count
    # Born 16 years before the quarters (a little wider for 29 February), exact test below: one row per
    # birth date, not per citizen.
    low, high = date(whole.start.year - 16, 1, 1), date(whole.end.year - 15, 1, 1)
    for born, count in db.session.execute(select(Citizen.birth_date, func.count())
                                          .where(Citizen.birth_date >= low, Citizen.birth_date < high)
                                          .group_by(Citizen.birth_date)):
        sixteen = birthday(born, 16)
        n = index.get((sixteen.year, (sixteen.month - 1) // 3 + 1))
        if n is not None:
            cohort[n] += count
    categories = tuple((f"{year}-T{quarter}", _("Q%(quarter)s %(year)s", quarter=quarter, year=year))
                       for year, quarter in quarters)
    periods = ((f"{year}-T{quarter}", max(date(year, 3 * quarter - 2, 1), filters.start),
                min(add_months(date(year, 3 * quarter - 2, 1), 3) - timedelta(days=1), filters.end))
               for year, quarter in quarters)
    return IndicatorResult(
        value=sum(recensed), categories=categories, drilldown=_received_drilldown(rt.RECENSEMENT, periods),
        series=(Series("recenses", _("Recensed"), tuple(recensed)),
                Series("cohorte", _("Turning 16"), tuple(cohort))),
        note=_("Recensements received in each quarter (refused or closed ones excepted), against the citizens of "
               "the commune's file whose 16th birthday falls in that quarter."))


INDICATORS = (
    IndicatorDecl("etat_civil.actes_demandes", _l("Acts requested"), Unit(_l("request"), _l("requests")),
                  compute=acts_requested, dimensions=("month", "act"),
                  description=_l("Requests for copies and extracts, per act and month.")),
    IndicatorDecl("etat_civil.actes_delivres", _l("Acts delivered"), Unit(_l("act"), _l("acts")),
                  compute=acts_delivered, dimensions=("month", "act"),
                  description=_l("Acts delivered, per act and month of delivery.")),
    IndicatorDecl("etat_civil.delai_delivrance", _l("Delay from request to delivery"), Unit(_l("day"), _l("days")),
                  compute=delivery_delay, description=_l("Median and 90th percentile, on delivered requests only."),
                  better="lower"),
    IndicatorDecl("etat_civil.refus_par_motif", _l("Refusals by reason"), Unit(_l("refusal"), _l("refusals")),
                  compute=refusals_by_reason, dimensions=("reason",)),
    IndicatorDecl("etat_civil.unions_a_venir", _l("Marriages and PACS of the coming weeks"),
                  Unit(_l("file"), _l("files")), compute=coming_unions, dimensions=("week", "now")),
    IndicatorDecl("etat_civil.recensements", _l("Recensements against the cohort turning 16"),
                  Unit(_l("young person"), _l("young people")), compute=recensements_vs_cohort,
                  dimensions=("quarter",)),
)

WIDGETS = (
    WidgetDecl("etat_civil.w_actes_demandes", _l("Acts requested per month"), "etat_civil.actes_demandes",
               kind="stacked", dashboard="etat_civil", order=10),
    WidgetDecl("etat_civil.w_actes_delivres", _l("Acts delivered per month"), "etat_civil.actes_delivres",
               kind="stacked", dashboard="etat_civil", order=20),
    WidgetDecl("etat_civil.w_delai", _l("Delay to delivery (days)"), "etat_civil.delai_delivrance",
               kind="table", dashboard="etat_civil", order=30),
    WidgetDecl("etat_civil.w_refus", _l("Refusals by reason"), "etat_civil.refus_par_motif", kind="bar",
               dashboard="etat_civil", order=40),
    WidgetDecl("etat_civil.w_unions", _l("Marriages and PACS of the coming weeks"), "etat_civil.unions_a_venir",
               kind="table", dashboard="etat_civil", order=50),
    WidgetDecl("etat_civil.w_recensements", _l("Recensements per quarter"), "etat_civil.recensements", kind="bar",
               dashboard="etat_civil", order=60),
    WidgetDecl("etat_civil.s_actes_demandes", _l("Civil status acts requested"), "etat_civil.actes_demandes",
               kind="number", dashboard="strategic", order=110),
    WidgetDecl("etat_civil.s_delai", _l("Median delay to deliver an act (days)"), "etat_civil.delai_delivrance",
               kind="number", dashboard="strategic", order=111),
    WidgetDecl("etat_civil.s_recensements", _l("Recensements against the cohort turning 16"),
               "etat_civil.recensements", kind="bar", dashboard="strategic", order=112),
)
