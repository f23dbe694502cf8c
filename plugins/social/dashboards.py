"""Indicators and widgets of the CCAS, respecting professional secrecy.

Counts that point at nobody (requests per type, active domiciliations,
persons registered, aids granted, files awaiting the commission) carry no
permission: élus see them on the strategic dashboard. Figures finer than a
count (delays per type, amounts per month) need ``social.read``. The register
is only ever counted here; names stay in the register page (``social.registre``).

Each ``compute(commune, filters)`` runs inside the commune and applies the
period (``filters.start``..``filters.end``, local dates, both included) and
``filters.service_ids``.
"""
from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grc_core.plugin_api import (
    LOCAL_TIMEZONE, REQUEST_NOT_CLOSED, IndicatorDecl, IndicatorFilters, IndicatorResult, Request, RequestType,
    Series, Unit, WidgetDecl, add_months, db, in_services, received_per_type,
)

from . import checks
from . import request_types as rt
from .models import AidGrant, RegisterEntry

READ = "social.read"
EXPIRY_HORIZON_DAYS = 30
MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def _bounds(filters) -> tuple[datetime, datetime]:
    return (datetime.combine(filters.start, time(0), tzinfo=LOCAL_TIMEZONE),
            datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=LOCAL_TIMEZONE))


def _social(*where):
    query = select(Request, RequestType.code).join(RequestType, Request.request_type_id == RequestType.id).where(
        RequestType.code.in_(list(rt.CODES)), *where)
    return query


def _services(query, filters):
    return query.where(in_services(Request.service_id, filters.service_ids)) if filters.service_ids is not None \
        else query


def _type_labels() -> list[tuple[str, str]]:
    labels = {row.code: str(row) for row in db.session.scalars(
        select(RequestType).where(RequestType.code.in_(list(rt.CODES))))}
    return [(code, labels.get(code, code)) for code in rt.CODES]


def _type_codes() -> dict[int, str]:
    """{request type id: code} of the CCAS types (requests are read by type
    id: through the index of each type's requests, not a join)."""
    return dict(db.session.execute(select(RequestType.id, RequestType.code)
                                   .where(RequestType.code.in_(list(rt.CODES)))).all())


def requests_by_type(commune, filters) -> IndicatorResult:
    """CCAS requests received in the period, per type (counts only), from the core's daily counters."""
    codes = _type_codes()
    # The period and the services narrow it, as the other figures of the CCAS; the other filters do not.
    received = received_per_type(IndicatorFilters(start=filters.start, end=filters.end, today=filters.today,
                                                  service_ids=filters.service_ids))
    counts = {code: received.get(type_id, 0) for type_id, code in codes.items()}
    categories = tuple(_type_labels())
    values = tuple(float(counts.get(code, 0)) for code, _label in categories)
    return IndicatorResult(value=sum(values), categories=categories,
                           series=(Series("demandes", _("Requests"), values),),
                           note=_("CCAS requests received in the period, per type."))


def delay_by_type(commune, filters) -> IndicatorResult:
    """Median calendar days from reception to closure, per type, of files closed in the period."""
    start, end = _bounds(filters)
    rows = db.session.execute(_services(_social(Request.closed_at >= start, Request.closed_at < end), filters)
                              .with_only_columns(RequestType.code, Request.received_at, Request.closed_at)).all()
    days: dict[str, list[float]] = {code: [] for code in rt.CODES}
    for code, received, closed in rows:
        days[code].append((closed - received).total_seconds() / 86400)
    categories = tuple(_type_labels())
    medians = tuple(round(statistics.median(days[code]), 1) if days[code] else None for code, _l2 in categories)
    counts = tuple(float(len(days[code])) for code, _l2 in categories)
    every = [d for values in days.values() for d in values]
    return IndicatorResult(
        value=round(statistics.median(every), 1) if every else None, categories=categories,
        series=(Series("mediane", _("Median delay (days)"), medians), Series("closes", _("Files closed"), counts)),
        note=_("Calendar days from reception to closure, files closed in the period only."))


def domiciliations(commune, filters) -> IndicatorResult:
    """Active domiciliations today, those whose attestation expires within 30 days, and those warned."""
    # Two columns of the open requests (their own small index), not whole files.
    domiciliation = [type_id for type_id, code in _type_codes().items() if code == rt.DOMICILIATION]
    rows = db.session.execute(_services(
        select(Request.state, Request.data).where(Request.request_type_id.in_(domiciliation), REQUEST_NOT_CLOSED,
                                                  Request.state.in_(("active", "avertie"))), filters)).all()
    horizon = filters.today + timedelta(days=EXPIRY_HORIZON_DAYS)
    expiring = sum(1 for _state, data in rows
                   if (day := checks.parse_day((data or {}).get("date_expiration"))) and day <= horizon)
    warned = sum(1 for state, _data in rows if state == "avertie")
    categories = (("actives", _("Active domiciliations")), ("expirent", _("Expiring within 30 days")),
                  ("averties", _("Warned: no contact")))
    return IndicatorResult(value=float(len(rows)), categories=categories,
                           series=(Series("domiciliations", _("Domiciliations"),
                                          (float(len(rows)), float(expiring), float(warned))),),
                           drilldown={"averties": {"state": "avertie"}},
                           note=_("Situation today, whatever the period."))


def register_count(commune, filters) -> IndicatorResult:
    """Persons in the register today: a count, never a name."""
    total = db.session.scalar(select(func.count(RegisterEntry.id)))
    return IndicatorResult(value=float(total or 0), note=_("Persons registered today (count only)."))


def _months(filters) -> list[tuple[str, str]]:
    months, day = [], date(filters.start.year, filters.start.month, 1)
    while day <= filters.end:
        months.append((f"{day:%Y-%m}", f"{MONTHS_FR[day.month - 1]} {day.year}"))
        day = add_months(day, 1)
    return months


def _grants(filters):
    query = select(AidGrant).where(AidGrant.granted_on >= filters.start, AidGrant.granted_on <= filters.end)
    if filters.service_ids is not None:
        query = query.join(Request, AidGrant.request_id == Request.id).where(
            in_services(Request.service_id, filters.service_ids))
    return list(db.session.scalars(query))


def aid_per_month(commune, filters) -> IndicatorResult:
    """Optional aid granted per month: amounts and households helped."""
    months = _months(filters)
    index = {key: n for n, (key, _label) in enumerate(months)}
    amounts = [Decimal("0")] * len(months)
    households: list[set] = [set() for _m in months]
    for grant in _grants(filters):
        n = index.get(f"{grant.granted_on:%Y-%m}")
        if n is not None:
            amounts[n] += Decimal(str(grant.amount))
            households[n].add(grant.citizen_id if grant.citizen_id is not None else f"r{grant.request_id}")
    return IndicatorResult(
        value=float(sum(amounts)), categories=tuple(months),
        series=(Series("montants", _("Amount granted (€)"), tuple(float(a) for a in amounts)),
                Series("foyers", _("Households helped"), tuple(float(len(h)) for h in households))),
        note=_("Optional aid granted by the commission, by month of the decision."))


def aid_count(commune, filters) -> IndicatorResult:
    """Number of optional aids granted in the period (count only)."""
    return IndicatorResult(value=float(len(_grants(filters))), note=_("Aids granted in the period."))


def awaiting_commission(commune, filters) -> IndicatorResult:
    """Optional aid files awaiting the commission today."""
    total = db.session.scalar(_services(_social(RequestType.code == rt.AIDE_FACULTATIVE,
                                                Request.state == "commission"), filters)
                              .with_only_columns(func.count(Request.id)))
    return IndicatorResult(value=float(total or 0), note=_("Files awaiting the commission today."),
                           drilldown={"total": {"state": "commission"}})


INDICATORS = (
    IndicatorDecl("social.demandes_par_type", _l("CCAS requests by type"), Unit(_l("request"), _l("requests")),
                  compute=requests_by_type, dimensions=("type",),
                  description=_l("Requests received in the period, per type (counts).")),
    IndicatorDecl("social.delai_par_type", _l("CCAS processing delay by type"), Unit(_l("day"), _l("days")),
                  compute=delay_by_type, dimensions=("type",), permission=READ, better="lower",
                  description=_l("Median days from reception to closure, files closed in the period.")),
    IndicatorDecl("social.domiciliations", _l("Domiciliations: active and expiring"),
                  Unit(_l("domiciliation"), _l("domiciliations")), compute=domiciliations, dimensions=("now",),
                  description=_l("Active today, expiring within 30 days, warned.")),
    IndicatorDecl("social.registre", _l("Persons in the vulnerable persons register"),
                  Unit(_l("person"), _l("persons")), compute=register_count, dimensions=("now",),
                  description=_l("A count only: names stay in the register.")),
    IndicatorDecl("social.aides_par_mois", _l("Optional aid granted per month"), Unit(_l("euro"), _l("euros")),
                  compute=aid_per_month, dimensions=("month",), permission=READ,
                  description=_l("Amounts granted and households helped, per month.")),
    IndicatorDecl("social.aides_accordees", _l("Optional aids granted"), Unit(_l("aid"), _l("aids")), compute=aid_count,
                  description=_l("Number of aids granted in the period (count).")),
    IndicatorDecl("social.commission", _l("Files awaiting the commission"), Unit(_l("file"), _l("files")),
                  compute=awaiting_commission, dimensions=("now",),
                  description=_l("Optional aid files awaiting the commission today.")),
)

WIDGETS = (
    WidgetDecl("social.w_demandes", _l("Requests by type"), "social.demandes_par_type", kind="bar",
               dashboard="social", order=10),
    WidgetDecl("social.w_delais", _l("Processing delay by type (days)"), "social.delai_par_type", kind="table",
               dashboard="social", order=20),
    WidgetDecl("social.w_domiciliations", _l("Domiciliations"), "social.domiciliations", kind="table",
               dashboard="social", order=30),
    WidgetDecl("social.w_registre", _l("Persons in the register"), "social.registre", kind="number",
               dashboard="social", order=40),
    WidgetDecl("social.w_aides", _l("Optional aid per month"), "social.aides_par_mois", kind="line",
               dashboard="social", order=50),
    WidgetDecl("social.w_commission", _l("Awaiting the commission"), "social.commission", kind="number",
               dashboard="social", order=60),
    WidgetDecl("social.s_demandes", _l("CCAS requests"), "social.demandes_par_type", kind="number",
               dashboard="strategic", order=140),
    WidgetDecl("social.s_domiciliations", _l("Active domiciliations"), "social.domiciliations", kind="number",
               dashboard="strategic", order=141),
    WidgetDecl("social.s_registre", _l("Persons in the vulnerable persons register"), "social.registre",
               kind="number", dashboard="strategic", order=142),
    WidgetDecl("social.s_aides", _l("Optional aids granted"), "social.aides_accordees", kind="number",
               dashboard="strategic", order=143),
)
