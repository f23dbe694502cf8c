"""Dashboards in the back office: operational (a service's queue today),
strategic (the commune's trends), and each domain's own; every widget
exports to CSV and XLSX and every chart element links to the request list.

Who may open which dashboard and read which figure is decided in
:mod:`grc_core.indicators.dashboards`, for pages and exports alike.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from babel.numbers import LC_NUMERIC, parse_pattern
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..indicators import dashboards as boards
from ..indicators import subscriptions
from ..indicators.charts import build_chart
from ..indicators.periods import PeriodError
from ..indicators.units import unit_label
from ..models import RequestType, Service, Workflow
from ..replica import replica_reads
from ..requests.hidden import hidden_confidential
from ..requests.labels import CHANNEL_LABELS, PRIORITY_LABELS
from ..security.redirects import safe_next
from ..spreadsheet import download
from ..tenancy.activation import active_plugins
from ..tenancy.resolver import current_commune
from ..workflows.deadlines import PARIS
from .base import SecureView

DASHBOARD_LABELS = {"operational": _l("Operational dashboard"), "strategic": _l("Strategic dashboard")}
PERIOD_LABELS = {"today": _l("Today"), "week": _l("This week"), "month": _l("This month"),
                 "12m": _l("Last 12 months"), "custom": _l("Custom")}
PERIOD_ERRORS = {
    "unknown": _l("Unknown period."),
    "missing": _l("A custom period needs a valid start date and end date."),
    "inverted": _l("The end of the period is before its start."),
    "too_early": _l("The period starts before 2000: no request can be that old."),
    "future": _l("The period starts in the future."),
    "too_long": _l("The period is longer than ten years."),
}
FILTER_ERRORS = {
    "service": _l("Unknown service, or a service whose figures you may not see."),
    "agent": _l("Unknown agent, or a filter you may not use."),
    "type": _l("Unknown request type."),
    "channel": _l("Unknown channel."),
    "priority": _l("Unknown priority."),
    "states": _l("Choose two different states to measure the time between them."),
}


def _today() -> date:
    from datetime import datetime

    return datetime.now(PARIS).date()


# Parsed once: Babel's format_decimal parses its format string on every call
# (37 µs of 44), and a 12-month dashboard writes several hundred numbers.
NUMBER_PATTERN = parse_pattern("#,##0.#")


def _number(value) -> str:
    """The number in the reader's language (« 1 234,6 », "1,234.6"): flask_babel.format_decimal's result."""
    if value is None:
        return "—"
    return NUMBER_PATTERN.apply(value, get_locale() or LC_NUMERIC)


def dashboard_label(code: str) -> str:
    if code in DASHBOARD_LABELS:
        return str(DASHBOARD_LABELS[code])
    manifest = current_app.extensions["grc"].manifests.get(code)
    return _("Dashboard: %(domain)s", domain=manifest.label if manifest else code)


class DashboardsView(SecureView):
    def _viewer(self) -> boards.Viewer:
        viewer = boards.viewer_of(current_user, g.get("grc_membership"), current_commune())
        if viewer is None:
            abort(403)
        return viewer

    def _dashboard(self, code: str, viewer: boards.Viewer) -> list[str]:
        """The viewer's dashboards; 404 for what does not exist here, 403
        (audited) for what exists but is not theirs."""
        commune = current_commune()
        known = set(boards.CORE_DASHBOARDS) | set(active_plugins(commune))
        if code not in known:
            abort(404)
        mine = boards.dashboards_of(viewer, commune)
        if code not in mine:
            record("permission.refused", target=request.path, details={"dashboard": code})
            abort(403)
        return mine

    def _filters(self, viewer):
        """(period, filters, error message): nothing is computed when the filters are wrong."""
        try:
            period, filters = boards.filters_from_args(request.args, viewer, today=_today())
            return period, filters, None
        except PeriodError as error:
            return None, None, str(PERIOD_ERRORS[error.code])
        except boards.FilterError as error:
            return None, None, str(FILTER_ERRORS[error.code])

    def _link_for(self, viewer, result, queue_url: str):
        """``queue_url``: the queue's address, built once per page (a dashboard links a few hundred figures)."""
        def link(category: str, series: str | None = None):
            if not viewer.may_drill_down:
                return None
            target = result.drilldown.get(f"{category}|{series}") if series else None
            if target is None:
                target = result.drilldown.get(category)
            if target is None:
                return None
            if isinstance(target, str):
                return target
            return queue_url + "?" + urlencode(target)
        return link

    def _hidden(self, viewer, computed_widgets) -> dict[str, int]:
        """How many of each number widget's requests its list will not show this viewer (confidential)."""
        if not viewer.may_drill_down:
            return {}
        figures = {c.widget.code: c.result.drilldown[""] for c in computed_widgets
                   if c.widget.kind == "number" and isinstance(c.result.drilldown.get(""), dict)}
        return hidden_confidential(figures, user=current_user, membership=g.get("grc_membership"))

    @expose("/")
    def index(self):
        viewer = self._viewer()
        codes = boards.dashboards_of(viewer, current_commune())
        return redirect(url_for(".show", code=codes[0], **request.args))

    @expose("/<code>/")
    @replica_reads
    def show(self, code):
        viewer = self._viewer()
        mine = self._dashboard(code, viewer)
        commune = current_commune()
        period, filters, error = self._filters(viewer)
        widgets = []
        if error is None:
            queue_url = url_for("core_requests.index")
            for computed in boards.compute(code, viewer, commune, period, filters):
                link = self._link_for(viewer, computed.result, queue_url)
                chart = None
                if computed.widget.kind in ("bar", "stacked", "line"):
                    chart = build_chart(computed.widget.kind, computed.result, link, _number)
                widgets.append((computed, chart, link))
        hidden = self._hidden(viewer, [computed for computed, _chart, _link in widgets])
        status = 400 if error else 200
        return self.render(
            "grc/dashboards/dashboard.html", code=code, title=dashboard_label(code), error=error,
            widgets=widgets, hidden=hidden, period=period, filters=filters, args=request.args,
            dashboards=[(c, dashboard_label(c)) for c in mine],
            period_labels=PERIOD_LABELS, viewer=viewer, number=_number, unit_label=unit_label,
            services=self._services(viewer), types=self._types(), channels=CHANNEL_LABELS, states=self._states(),
            priorities=PRIORITY_LABELS, agents=boards.agent_choices(viewer) if viewer.may_drill_down else [],
            subscribed=subscriptions.is_subscribed(current_user.id),
            may_subscribe=viewer.role in ("admin", "manager"),
        ), status

    def _services(self, viewer):
        statement = select(Service.id, Service.name).order_by(Service.name)
        if viewer.service_ids is not None:
            statement = statement.where(Service.id.in_(sorted(viewer.service_ids)))
        return db.session.execute(statement).all()

    def _states(self):
        """The states of the commune's workflows, for the time between two of them."""
        states = {"received": _("Filing of the request")}
        for definition in db.session.scalars(select(Workflow.definition)):
            for state in (definition or {}).get("states", ()):
                states.setdefault(state["code"], state.get("label") or state["code"])
        return sorted(states.items(), key=lambda item: (item[0] != "received", str(item[1]).lower()))

    def _types(self):
        return db.session.execute(select(RequestType.code, RequestType.label).order_by(RequestType.label)).all()

    @expose("/<code>/export/<widget_code>.<fmt>")
    @replica_reads
    def export(self, code, widget_code, fmt):
        viewer = self._viewer()
        self._dashboard(code, viewer)
        if fmt not in ("csv", "xlsx"):
            abort(404)
        commune = current_commune()
        allowed = {w.code for w, _i in boards.widgets_of(code, viewer, commune)}
        if widget_code not in allowed:
            abort(404)
        period, filters, error = self._filters(viewer)
        if error:
            flash(error, "danger")
            return redirect(url_for(".show", code=code))
        [computed] = [c for c in boards.compute(code, viewer, commune, period, filters) if c.widget.code == widget_code]
        rows = table_rows(computed)
        record("dashboard.export", target=widget_code,
               details={"dashboard": code, "format": fmt, "start": period.start.isoformat(),
                        "end": period.end.isoformat()})
        filename = f"{widget_code.replace('.', '-')}-{period.start.isoformat()}-{period.end.isoformat()}"
        return download(rows, fmt, filename, str(computed.widget.label))

    @expose("/subscription", methods=["POST"])
    def subscription(self):
        viewer = self._viewer()
        if viewer.role not in ("admin", "manager"):
            record("permission.refused", target=request.path, details={"subscription": "weekly"})
            abort(403)
        wanted = request.form.get("subscribe") == "1"
        subscriptions.set_subscribed(current_user.id, wanted)
        db.session.commit()
        flash(_("You will receive the weekly summary every Monday.") if wanted
              else _("You will no longer receive the weekly summary."), "success")
        return redirect(safe_next(request.form.get("next"), url_for(".index")))


def table_rows(computed) -> list[list]:
    """The widget as a table: a header, then one row per category (or the number)."""
    result = computed.result
    if computed.widget.kind == "number" or not result.categories:
        header = [_("Indicator"), _("Value"), _("Previous period"), _("Change (%)")]
        change = None if computed.change is None else round(computed.change, 1)
        return [header, [str(computed.widget.label), result.value, computed.previous, change]]
    header = [_("Category"), *[s.label for s in result.series]]
    rows = [[label, *[s.values[i] for s in result.series]] for i, (_k, label) in enumerate(result.categories)]
    return [header, *rows]


def views() -> list:
    return [DashboardsView(name=_l("Dashboards"), endpoint="core_dashboards", url="/admin/dashboards")]
