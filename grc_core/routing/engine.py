"""Where a request goes, and why.

Order of evaluation (the first answer wins):

1. the rules the commune's admin configured (``RoutingRule``), by
   ``position`` then id: the first active rule whose every condition set
   matches (request type, quartier, one form field's value compared as
   text, ignoring case);
2. the plugins' ``grc_route_request`` (asked in load order; None is "no
   opinion");
3. the default rules of the active plugins (``grc_register_routing_rules``),
   by ``order`` then code: request type and every ``(field, value)``
   condition;
4. the request type's default service;
5. nowhere (the request waits in the commune's unassigned queue).

Code before data: a plugin's hook is the more specific answer, so a default
rule (``conditions=()`` matches every request of its type) can no longer
hide it; a hook leaves a request to the rules by returning None.

A condition compares the form's value as text, ignoring case
(:func:`grc_core.forms.specs.value_matches`): a checkbox matches ``oui``,
``true``, ``yes`` or ``1`` when ticked and ``non``, ``false``, ``no``,
``0`` or the empty string when not; a multiple choice matches when one of
its ticked values does; a date matches ``2026-12-06`` or ``06/12/2026``.

A rule may also set the priority, an assignee, or ask for automatic
assignment to the least loaded agent of its service. :func:`apply_routing`
writes the outcome on the request and its history ("routed", and
"assigned" when someone was chosen), so an agent sees why the request went
where it went.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import Commune, Membership, Request, RequestEvent, RequestType, RoutingRule, Service, User, utcnow
from ..forms.specs import value_matches
from ..models.user import membership_service
from ..tenancy import active_plugins, current_commune_id

# Roles whose members work a service's queue and may be given its requests.
ASSIGNABLE_ROLES = ("agent", "manager")


@dataclass(frozen=True)
class RoutingOutcome:
    service_id: int | None
    priority: str | None
    assignee_id: int | None
    reason: str
    rule_id: int | None = None
    # "rule", "plugin_rule", "plugin", "default" or "none".
    source: str = "none"
    auto_assigned: bool = False
    # The words of ``reason`` (see ROUTED_BECAUSE): the history says it again in each reader's language.
    reason_args: dict | None = None


# Why a request went where it went, by source: the history keeps the source and
# its words, and the sentence is made when shown (grc_core.admin.requests_admin).
ROUTED_BECAUSE = {
    "rule": _l("Routing rule « %(label)s »"),
    "plugin_rule": _l("Default rule of the domain (%(code)s)"),
    "default": _l("Default service of the request type « %(type)s »"),
}


def _fold(text) -> str:
    return str(text or "").strip().casefold()


def rule_matches(rule: RoutingRule, request: Request) -> bool:
    if rule.request_type_id is not None and rule.request_type_id != request.request_type_id:
        return False
    if rule.quartier.strip() and _fold(rule.quartier) != _fold(request.quartier):
        return False
    if rule.field_name.strip():
        value = (request.data or {}).get(rule.field_name.strip())
        if not value_matches(value, [rule.field_value]):
            return False
    return True


def _type_of(request: Request) -> RequestType | None:
    # A request not flushed yet may carry only the id.
    if request.request_type is not None or request.request_type_id is None:
        return request.request_type
    return db.session.scalar(select(RequestType).where(RequestType.id == request.request_type_id))


def _declared_rule_matches(decl, request: Request) -> bool:
    request_type = _type_of(request)
    if request_type is None or decl.request_type != request_type.code:
        return False
    data = request.data or {}
    return all(value_matches(data.get(field), [expected]) for field, expected in decl.conditions)


def least_loaded_agent(service_id: int, roles: tuple[str, ...] = ASSIGNABLE_ROLES) -> int | None:
    """The active agent or head of the service (or only those of ``roles``)
    with the fewest open requests assigned (ties: by name, then id)."""
    load = (
        select(Request.assignee_id, func.count(Request.id).label("open_count"))
        .where(Request.state_kind != "closed", Request.assignee_id.is_not(None))
        .group_by(Request.assignee_id)
        .subquery()
    )
    query = (
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .join(membership_service, and_(membership_service.c.membership_id == Membership.id,
                                       membership_service.c.service_id == service_id))
        .outerjoin(load, load.c.assignee_id == User.id)
        .where(User.active.is_(True), Membership.role.in_(roles))
        .order_by(func.coalesce(load.c.open_count, 0), User.full_name, User.id)
        .limit(1)
    )
    return db.session.scalar(query)


def _is_member(user_id: int | None) -> bool:
    if user_id is None:
        return False
    return db.session.scalar(select(Membership.id).where(Membership.user_id == user_id)) is not None


def _service_by_code(code: str) -> Service | None:
    from ..tenancy.activation import service_for

    return service_for(code)


def _commune(request: Request) -> Commune:
    return db.session.get(Commune, request.commune_id or current_commune_id())


@cache
def _active_rules_statement():
    # Built once: every filing reads the rules.
    return select(RoutingRule).where(RoutingRule.active.is_(True)).order_by(RoutingRule.position, RoutingRule.id)


def route(request: Request) -> RoutingOutcome:
    """Decide, without changing anything, where ``request`` goes."""
    rules = db.session.scalars(_active_rules_statement())
    for rule in rules:
        if rule_matches(rule, request):
            assignee, auto = rule.assignee_id, False
            if assignee is not None and not _is_member(assignee):
                assignee = None  # the agent left the commune since the rule was written
            if assignee is None and rule.auto_assign:
                assignee = least_loaded_agent(rule.service_id)
                auto = assignee is not None
            return RoutingOutcome(
                rule.service_id, rule.priority or None, assignee,
                _("Routing rule « %(label)s »", label=rule.label), rule.id, "rule", auto, {"label": rule.label},
            )
    commune = _commune(request)
    active = active_plugins(commune)
    registry = current_app.extensions["grc"]
    decision = registry.route_request(active, request=request, commune=commune)
    if decision is not None:
        service = _service_by_code(decision.service)
        if service is not None:
            assignee = decision.assignee_id if _is_member(decision.assignee_id) else None
            return RoutingOutcome(service.id, decision.priority, assignee, str(decision.reason), None, "plugin")
    for decl in registry.routing_rules(active):
        if _declared_rule_matches(decl, request):
            service = _service_by_code(decl.service)
            if service is not None:
                return RoutingOutcome(service.id, decl.priority, None,
                                      _("Default rule of the domain (%(code)s)", code=decl.code),
                                      None, "plugin_rule", reason_args={"code": decl.code})
    request_type = _type_of(request)
    if request_type is not None and request_type.service_id is not None:
        return RoutingOutcome(request_type.service_id, None, None,
                              _("Default service of the request type « %(type)s »", type=request_type.label),
                              None, "default", reason_args={})
    return RoutingOutcome(None, None, None, _("No routing rule matched and the request type has no default service."))


def apply_routing(request: Request, *, actor=None, now=None) -> RoutingOutcome:
    """Route ``request``: set its service, priority and (when it has none
    yet) its assignee, and record why in its history. Does not commit."""
    outcome = route(request)
    request.service_id = outcome.service_id
    if outcome.priority:
        request.priority = outcome.priority
    actor_id = getattr(actor, "id", None)
    service = db.session.get(Service, outcome.service_id) if outcome.service_id else None
    db.session.add(RequestEvent(
        request=request, at=now or utcnow(), actor_id=actor_id, kind="routed",
        details={"reason": outcome.reason, "rule": outcome.rule_id, "source": outcome.source,
                 **({"reason_args": outcome.reason_args} if outcome.reason_args is not None else {}),
                 "service": service.name if service else None, "priority": outcome.priority},
    ))
    if outcome.assignee_id is not None and request.assignee_id is None:
        request.assignee_id = outcome.assignee_id
        assignee = db.session.get(User, outcome.assignee_id)
        db.session.add(RequestEvent(
            request=request, at=now or utcnow(), actor_id=actor_id, kind="assigned",
            details={"assignee": assignee.full_name if assignee else None, "assignee_id": outcome.assignee_id,
                     "automatic": outcome.auto_assigned, "reason": outcome.reason},
        ))
    return outcome
