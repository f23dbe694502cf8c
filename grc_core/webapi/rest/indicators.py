"""The dashboards' indicators as JSON: each widget a key's role may read,
computed as the back office's dashboard computes it
(:mod:`grc_core.indicators.dashboards`: which dashboards and figures a role
reads, the period and filters checked, élus' aggregates only — no
drill-down, no figure per agent), with its period, value, previous value,
the text saying how it is computed and each category's drill-down (the
request list's filters).

Confidential (CCAS) activity never shows to a key: no indicator that needs a
permission a program never holds (``social.read``), no dashboard of a
confidential domain, and no row of a figure per type, service or domain
naming a confidential type, its domain's services or its domain — however
small (a count of 1 in « CCAS » tells of a person). The totals stay those
of the back office's dashboards: aggregates of the whole commune.
"""
from __future__ import annotations

from datetime import datetime

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...indicators import dashboards as boards
from ...indicators.periods import PeriodError
from ...indicators.units import unit_label
from ...models import RequestType, Service
from ...requests.confidentiality import confidential_types
from ...security.ids import parse_id
from ...security.permissions import effective_role
from ...workflows.deadlines import PARIS
from ..calls import ApiRefusal, require_key
from .openapi import error_responses, operation
from .views import _answer, bp

PERIODS = ("today", "week", "month", "12m", "custom")
PERIOD_FIELDS = {"unknown": "period", "missing": "start", "inverted": "end", "too_early": "start",
                 "future": "start", "too_long": "end"}


def _schema(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _viewer(who) -> boards.Viewer:
    viewer = boards.viewer_of(who, who, g.grc_commune)
    if viewer is None or effective_role(who, who) is None:
        raise ApiRefusal(403, _("This API key's role reads no dashboard."))
    secret = {permission for permission, _plugin in confidential_types(g.grc_commune).values()}
    return boards.Viewer(viewer.role, viewer.service_ids, frozenset(viewer.permissions - secret))


def _number(value):
    return None if value is None else float(value)


def _secret_keys() -> dict[str, set[str]]:
    """By dimension, the category keys that name confidential activity: its
    request types (id or code), its domains' services (id) and its domains."""
    secret = confidential_types(g.grc_commune)
    if not secret:
        return {}
    plugins = sorted({plugin for _permission, plugin in secret.values()})
    types = db.session.scalars(select(RequestType.id).where(RequestType.code.in_(sorted(secret))))
    services = db.session.scalars(select(Service.id).where(Service.plugin.in_(plugins)))
    return {"type": {str(i) for i in types} | set(secret), "service": {str(i) for i in services},
            "domain": set(plugins)}


def _widget_out(computed: boards.ComputedWidget, viewer: boards.Viewer, period, hidden: dict[str, set[str]]) -> dict:
    result, indicator = computed.result, computed.indicator
    # The categories are the indicator's first dimension (per type, per service, per domain).
    dimension = next((d for d in indicator.dimensions if d in ("type", "service", "domain")), None)
    secret = hidden.get(dimension, set())
    keep = [index for index, (key, _label) in enumerate(result.categories) if key not in secret]
    drilldown = []
    if viewer.may_drill_down:
        kept_keys = {result.categories[index][0] for index in keep} | {""}
        for key, target in result.drilldown.items():
            category, _bar, series = key.partition("|")
            # A plugin's own list (a URL) is a back-office page, not an API filter.
            if isinstance(target, dict) and category in kept_keys:
                drilldown.append({"category": category, "series": series or None,
                                  "filters": {name: str(value) for name, value in target.items()}})
    return {
        "widget": computed.widget.code, "indicator": indicator.code, "label": str(computed.widget.label),
        "kind": computed.widget.kind, "unit": unit_label(indicator.unit, result.value), "better": indicator.better,
        "period": None if "now" in indicator.dimensions else {"start": period.start.isoformat(),
                                                               "end": period.end.isoformat()},
        "value": _number(result.value), "previous": _number(computed.previous), "change": _number(computed.change),
        "method": str(result.note or indicator.description or ""),
        "categories": [{"key": result.categories[i][0], "label": result.categories[i][1]} for i in keep],
        "series": [{"code": s.code, "label": str(s.label), "values": [_number(s.values[i]) if i < len(s.values)
                                                                      else None for i in keep]}
                   for s in result.series],
        "drilldown": drilldown,
    }


@bp.route("/indicators", methods=["GET"])
@operation("/indicators", "get", {
    "summary": "A dashboard's indicators for this key's role, over a period", "operationId": "getIndicators",
    "parameters": [
        {"name": "dashboard", "in": "query", "schema": {"type": "string"},
         "description": "operational, strategic or a domain's; the first the role reads by default."},
        {"name": "period", "in": "query", "schema": {"type": "string", "enum": list(PERIODS)}},
        {"name": "start", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "end", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "service", "in": "query", "schema": {"type": "integer"}, "description": "A service's id."},
        {"name": "type", "in": "query", "schema": {"type": "string"}},
        {"name": "channel", "in": "query", "schema": {"type": "string"}},
        {"name": "priority", "in": "query", "schema": {"type": "string"}},
        {"name": "agent", "in": "query", "schema": {"type": "integer"}, "description": "Not for élus' keys."}],
    "responses": {"200": {"description": "The figures", "content": {"application/json": {"schema": {
        "type": "object", "required": ["commune", "dashboard", "dashboards", "period", "items"], "properties": {
            "commune": _schema("Commune"), "dashboard": {"type": "string"},
            "dashboards": {"type": "array", "items": {"type": "string"}},
            "period": {"type": "object", "required": ["start", "end"], "properties": {
                "start": {"type": "string", "format": "date"}, "end": {"type": "string", "format": "date"}}},
            "items": {"type": "array", "items": _schema("Indicator")}}}}}},
        **error_responses(400, 403, 404, 429)}})
def indicators():
    who = require_key("read")
    viewer = _viewer(who)
    commune = g.grc_commune
    secret_plugins = {plugin for _permission, plugin in confidential_types(commune).values()}
    mine = [code for code in boards.dashboards_of(viewer, commune) if code not in secret_plugins]
    dashboard = request.args.get("dashboard") or mine[0]
    if dashboard not in mine:
        raise ApiRefusal(404, _("Unknown dashboard, or one this key's role does not read."), field="dashboard")
    for name in ("service", "agent"):
        # Ids, bounded like every id (an integer column on PostgreSQL): beyond it, no such row.
        if request.args.get(name) and parse_id(request.args[name]) is None:
            raise ApiRefusal(400, _("Unknown value, or a filter this key's role may not use."), field=name)
    try:
        period, filters = boards.filters_from_args(request.args, viewer, today=datetime.now(PARIS).date())
    except PeriodError as error:
        raise ApiRefusal(400, _("Unknown period, or invalid dates (YYYY-MM-DD, start before end, under ten "
                                "years)."), field=PERIOD_FIELDS.get(error.code, "period")) from None
    except boards.FilterError as error:
        raise ApiRefusal(400, _("Unknown value, or a filter this key's role may not use."),
                         field=error.code if error.code != "states" else "from_state") from None
    if filters.request_type and filters.request_type in confidential_types(commune):
        raise ApiRefusal(400, _("Unknown value, or a filter this key's role may not use."), field="type")
    hidden = _secret_keys()
    computed = boards.compute(dashboard, viewer, commune, period, filters)
    return _answer({"dashboard": dashboard, "dashboards": mine,
                    "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
                    "items": [_widget_out(c, viewer, period, hidden) for c in computed]})
