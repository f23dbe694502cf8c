"""The citizens' voice on the core's dashboards: mean satisfaction, share
« résolu » and response rate of the closing surveys, beside the processing
times (strategic and operational dashboards).

Each figure counts the closing surveys *sent* in the period (as the
results page does), narrowed by the dashboard's filters, and drills down to
this plugin's list of exactly those requests (:func:`counted`, shared by
the figure and the list). A confidential (CCAS) type with fewer answers in
the period than its threshold counts nowhere, so that no person can be
recognised; élus get the figures without the drill-down (the core drops it)."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from grc_core.plugin_api import (
    IndicatorDecl, IndicatorFilters, IndicatorResult, Request, RequestType, WidgetDecl, confidential_permission_of, db,
    in_services, period_bounds,
)

from . import day_counts
from .models import SurveyInvitation, SurveySetting

FIGURES = ("mean", "resolved", "rate")


def _filter_conditions(filters: IndicatorFilters) -> list:
    low, high = period_bounds(filters.start, filters.end)
    where = [SurveyInvitation.status.in_(("sent", "answered")), SurveyInvitation.sent_at >= low,
             SurveyInvitation.sent_at < high]
    if filters.service_ids is not None:
        where.append(in_services(SurveyInvitation.service_id, filters.service_ids))
    if filters.request_type:
        where.append(SurveyInvitation.request_type_id.in_(
            select(RequestType.id).where(RequestType.code == filters.request_type).scalar_subquery()))
    on_request = []
    if filters.channel:
        on_request.append(Request.channel == filters.channel)
    if filters.priority:
        on_request.append(Request.priority == filters.priority)
    if filters.quartier:
        on_request.append(Request.quartier == filters.quartier)
    if filters.agent_id is not None:
        on_request.append(Request.assignee_id == filters.agent_id)
    if on_request:
        where.append(SurveyInvitation.request_id.in_(select(Request.id).where(*on_request)))
    return where


def hidden_types(where: list) -> set[int]:
    """Confidential types with fewer answers than their threshold under ``where``."""
    return _hidden_of(dict(db.session.execute(
        select(SurveyInvitation.request_type_id, func.count(SurveyInvitation.score)).where(*where)
        .group_by(SurveyInvitation.request_type_id)).all()))


def _hidden_of(answered: dict) -> set[int]:
    """Of the types answered (type id → answers), the confidential ones under their threshold."""
    confidential = [t for t in db.session.scalars(select(RequestType).where(RequestType.id.in_(
        [tid for tid in answered if tid is not None]))) if confidential_permission_of(t)]
    if not confidential:
        return set()
    thresholds = dict(db.session.execute(select(SurveySetting.request_type_id, SurveySetting.min_count)).all())
    return {t.id for t in confidential if answered.get(t.id, 0) < thresholds.get(t.id, 5)}


def counted(filters: IndicatorFilters, figure: str) -> list:
    """The conditions selecting the surveys a figure counts: ``rate``, every
    survey sent; ``mean``, those answered; ``resolved``, those whose « résolu ? » was said."""
    where = _filter_conditions(filters)
    hidden = hidden_types(where)
    if hidden:
        where.append(SurveyInvitation.request_type_id.not_in(sorted(hidden)))
    if figure == "mean":
        where.append(SurveyInvitation.score.is_not(None))
    elif figure == "resolved":
        where.append(SurveyInvitation.resolved != "")
    return where


def drilldown_args(filters: IndicatorFilters, figure: str) -> dict[str, str]:
    args = {"figure": figure, "start": filters.start.isoformat(), "end": filters.end.isoformat()}
    if filters.service_ids is not None:
        args["services"] = ",".join(str(s) for s in sorted(filters.service_ids))
    for name in ("request_type", "channel", "priority", "quartier"):
        if getattr(filters, name):
            args[name] = getattr(filters, name)
    if filters.agent_id is not None:
        args["agent"] = str(filters.agent_id)
    return args


def _link(filters: IndicatorFilters, figure: str) -> str:
    return url_for("enquetes_requests.index") + "?" + urlencode(drilldown_args(filters, figure))


def figures(filters: IndicatorFilters) -> dict:
    """The three figures of one period, from one query grouped by type — on the daily counts when they can
    answer the filters — (the confidential types under their threshold left out in Python), computed once
    per page: a dashboard shows each figure and asks the previous period too."""
    cache = g.setdefault("enquetes_figures", {})
    if filters not in cache:
        per_type = day_counts.per_type(filters) if day_counts.answers(filters) else _per_type(filters)
        hidden = _hidden_of({type_id: answered for type_id, _sent, answered, *_rest in per_type})
        sent, answered, total, said, yes = (sum(row[i] for row in per_type if row[0] not in hidden)
                                            for i in range(1, 6))
        cache[filters] = {"mean": round(total / answered, 2) if answered else None,
                          "resolved": round(100 * yes / said, 1) if said else None,
                          "rate": round(100 * answered / sent, 1) if sent else None}
    return cache[filters]


def _per_type(filters: IndicatorFilters) -> list:
    """The rows of :func:`day_counts.per_type`, from the surveys themselves (filters the counts do not keep)."""
    return db.session.execute(select(
        SurveyInvitation.request_type_id, func.count(), func.count(SurveyInvitation.score),
        func.coalesce(func.sum(SurveyInvitation.score), 0), func.count(case((SurveyInvitation.resolved != "", 1))),
        func.count(case((SurveyInvitation.resolved == "yes", 1))))
        .where(*_filter_conditions(filters)).group_by(SurveyInvitation.request_type_id)).all()


def mean_score(commune, filters: IndicatorFilters) -> IndicatorResult:
    return IndicatorResult(
        value=figures(filters)["mean"], drilldown={"": _link(filters, "mean")},
        note=_("Mean of the scores (1 = very dissatisfied to 5 = very satisfied) given to the closing surveys sent "
               "in the period. A confidential type with fewer answers than its threshold is left out."))


def resolved_share(commune, filters: IndicatorFilters) -> IndicatorResult:
    return IndicatorResult(
        value=figures(filters)["resolved"], drilldown={"": _link(filters, "resolved")},
        note=_("Share of « yes » among the citizens who said whether their problem is resolved (closing surveys "
               "sent in the period)."))


def response_rate(commune, filters: IndicatorFilters) -> IndicatorResult:
    return IndicatorResult(
        value=figures(filters)["rate"], drilldown={"": _link(filters, "rate")},
        note=_("Closing surveys answered ÷ closing surveys sent in the period, in percent."))


INDICATORS = (
    IndicatorDecl("enquetes.satisfaction", _l("Perceived quality: mean satisfaction"), "/5", mean_score,
                  description=_l("Mean score of the closing surveys, from 1 to 5."), better="higher"),
    IndicatorDecl("enquetes.resolved", _l("Perceived quality: problem resolved"), "%", resolved_share,
                  description=_l("Share of citizens saying their problem is resolved."), better="higher"),
    IndicatorDecl("enquetes.response_rate", _l("Perceived quality: response rate"), "%", response_rate,
                  description=_l("Share of closing surveys answered."), better="higher"),
)

WIDGETS = tuple(
    WidgetDecl(f"{indicator.code}.{board}", indicator.label, indicator.code, "number", board, order=order)
    for board in ("strategic", "operational")
    for order, indicator in enumerate(INDICATORS, start=14)
)
