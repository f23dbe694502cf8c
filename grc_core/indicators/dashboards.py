"""Dashboards: who sees which one, the filters a viewer may apply, and the
widgets computed for them.

Who sees what (checked here, on the server, for pages and exports alike):

- admin (and a platform admin acting in the commune): every dashboard, every
  service;
- manager: the operational and strategic dashboards and the domains of their
  services — all services when they have none (DGS);
- agent and front desk: the operational dashboard and the domains of their
  services (the front desk sees every service when it has none, as in its
  queue);
- élu: the strategic dashboard only — aggregates, no drill-down to a list
  of requests, no figure per agent — for the services of his delegation
  when he has some, else for the whole commune;
- an indicator with a ``permission`` (``social.read``) only for its holders.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import RequestType, Service, User
from ..models.request import PRIORITIES, REQUEST_CHANNELS
from ..plugin_api.types import IndicatorDecl, IndicatorFilters, IndicatorResult, WidgetDecl
from ..security.permissions import effective_role, permissions_of
from ..tenancy.activation import active_plugins
from .open_queue import counted_once
from .periods import Period, PeriodError, period_of, tone, trend

CORE_DASHBOARDS = ("operational", "strategic")
STRATEGIC_ROLES = ("admin", "manager", "elu")


class FilterError(ValueError):
    """A filter that cannot apply in this commune for this viewer; ``code`` says which."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Viewer:
    role: str
    # None: every service of the commune; otherwise the services' ids.
    service_ids: frozenset[int] | None
    permissions: frozenset[str]

    @property
    def may_drill_down(self) -> bool:
        """Élus read aggregates only: no link to a list of requests."""
        return self.role != "elu"


def viewer_of(user, membership, commune) -> Viewer | None:
    role = effective_role(user, membership)
    if role is None:
        return None
    permissions = frozenset(permissions_of(user, membership, commune))
    if role == "admin" or membership is None:
        return Viewer(role, None, permissions)
    services = frozenset(service.id for service in membership.services)
    if role == "elu":
        # An élu with a delegation (services) reads its figures; without one, the commune's.
        return Viewer(role, services or None, permissions)
    if role in ("manager", "accueil") and not services:
        return Viewer(role, None, permissions)
    return Viewer(role, services, permissions)


def plugin_services(plugin: str) -> set[int]:
    return set(db.session.scalars(select(Service.id).where(Service.plugin == plugin)))


def dashboards_of(viewer: Viewer, commune) -> list[str]:
    """The dashboards this viewer may open, in menu order."""
    if viewer.role == "elu":
        return ["strategic"]
    codes = ["operational"]
    if viewer.role in STRATEGIC_ROLES:
        codes.append("strategic")
    active = active_plugins(commune)
    # A domain has a dashboard when widgets are placed on its name.
    domains = {w.dashboard for w in current_app.extensions["grc"].dashboard_widgets(active)} & set(active)
    codes += [plugin for plugin in sorted(domains)
              if viewer.service_ids is None or viewer.service_ids & plugin_services(plugin)]
    return codes


def widgets_of(dashboard: str, viewer: Viewer, commune) -> list[tuple[WidgetDecl, IndicatorDecl]]:
    """The widgets of ``dashboard`` this viewer may read, with their indicator."""
    registry = current_app.extensions["grc"]
    active = active_plugins(commune)
    indicators = {i.code: i for i in registry.indicators(active)}
    out = []
    for widget in registry.dashboard_widgets(active):
        indicator = indicators.get(widget.indicator)
        if widget.dashboard != dashboard or indicator is None:
            continue
        if indicator.permission and indicator.permission not in viewer.permissions:
            continue
        if viewer.role == "elu" and "agent" in indicator.dimensions:
            continue  # a figure per person is not an aggregate
        out.append((widget, indicator))
    return out


def filters_from_args(args, viewer: Viewer, *, today: date) -> tuple[Period, IndicatorFilters]:
    """The period and filters asked in the query string, checked.

    Raises :class:`PeriodError` or :class:`FilterError` (nothing is computed).
    A service must be one of the commune's that the viewer may see, an agent
    one of the commune's (never for élus), a request type one of the
    commune's; channel and priority one of the known codes.
    """
    get = lambda key: (args.get(key) or "").strip()  # noqa: E731
    period = period_of(get("period") or "month", today, _date(get("start")), _date(get("end")))
    service_ids = viewer.service_ids
    if get("service"):
        service = _int(get("service"))
        exists = service is not None and db.session.scalar(select(Service.id).where(Service.id == service))
        if not exists or (service_ids is not None and service not in service_ids):
            raise FilterError("service")
        service_ids = frozenset({service})
    agent_id = None
    if get("agent"):
        agent_id = _int(get("agent"))
        if viewer.role == "elu" or agent_id is None or not _is_member(agent_id):
            raise FilterError("agent")
    request_type = get("type") or None
    if request_type and not db.session.scalar(select(RequestType.id).where(RequestType.code == request_type)):
        raise FilterError("type")
    channel = get("channel") or None
    if channel and channel not in REQUEST_CHANNELS:
        raise FilterError("channel")
    priority = get("priority") or None
    if priority and priority not in PRIORITIES:
        raise FilterError("priority")
    states = None
    if get("from_state") or get("to_state"):
        if not (get("from_state") and get("to_state")) or get("from_state") == get("to_state"):
            raise FilterError("states")
        states = (get("from_state")[:60], get("to_state")[:60])
    filters = IndicatorFilters(
        start=period.start, end=period.end, today=today, service_ids=service_ids, request_type=request_type,
        channel=channel, priority=priority, quartier=get("quartier")[:80] or None, agent_id=agent_id,
        granularity=period.granularity, states=states,
    )
    return period, filters


def _is_member(user_id: int) -> bool:
    from ..models import Membership

    return db.session.scalar(select(Membership.id).where(Membership.user_id == user_id)) is not None


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise PeriodError("missing") from None


@dataclass
class ComputedWidget:
    widget: WidgetDecl
    indicator: IndicatorDecl
    result: IndicatorResult
    previous: float | None = None
    change: float | None = None

    @property
    def tone(self) -> str:
        """Whether the change is good news (a shorter delay is)."""
        return tone(self.change, self.indicator.better)


def as_result(value) -> IndicatorResult:
    """Plugins may return a plain number; keys and labels are shown as text
    (a missing label reads "—")."""
    if not isinstance(value, IndicatorResult):
        return IndicatorResult(value=value)
    categories = tuple((str(key), "—" if label is None else str(label)) for key, label in value.categories)
    return replace(value, categories=categories)


def compute(dashboard: str, viewer: Viewer, commune, period: Period, filters: IndicatorFilters) -> list[ComputedWidget]:
    """Every widget of the dashboard for the viewer; each indicator computed
    once per period even when several widgets show it. Number widgets carry
    the previous period's value and the change."""
    cache: dict[tuple[str, date], IndicatorResult] = {}

    def result_of(indicator: IndicatorDecl, f: IndicatorFilters) -> IndicatorResult:
        key = (indicator.code, f.start)
        if key not in cache:
            cache[key] = as_result(indicator.compute(commune, f))
        return cache[key]

    previous_period = period.previous()
    previous_filters = replace(filters, start=previous_period.start, end=previous_period.end, value_only=True)
    out = []
    with counted_once():
        for widget, indicator in widgets_of(dashboard, viewer, commune):
            result = result_of(indicator, filters)
            computed = ComputedWidget(widget, indicator, result)
            if widget.kind == "number" and "now" not in indicator.dimensions and result.value is not None:
                computed.previous = result_of(indicator, previous_filters).value
                computed.change = trend(result.value, computed.previous)
            out.append(computed)
    return out


def agent_choices(viewer: Viewer) -> list[tuple[int, str]]:
    """Agents a manager may filter on: members of the commune (of their
    services when they have some)."""
    from ..models import Membership

    statement = select(User.id, User.full_name).join(Membership, Membership.user_id == User.id)
    if viewer.service_ids is not None:
        from ..models.user import membership_service

        statement = statement.join(membership_service, membership_service.c.membership_id == Membership.id).where(
            membership_service.c.service_id.in_(sorted(viewer.service_ids)))
    return sorted(set(db.session.execute(statement.where(Membership.role != "elu")).all()), key=lambda r: r[1])


def highlights(viewer: Viewer, commune, today: date) -> tuple[Period, list[ComputedWidget]]:
    """The week's figures for the élu's home: the strategic dashboard's
    numbers for this week (from Monday), each with last week's beside it."""
    period = period_of("week", today)
    filters = IndicatorFilters(start=period.start, end=period.end, today=today, service_ids=viewer.service_ids,
                               granularity=period.granularity)
    return period, [c for c in compute("strategic", viewer, commune, period, filters) if c.widget.kind == "number"]
