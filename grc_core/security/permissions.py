"""Who may do what: roles, declared permissions, and the checks.

A member holds a permission when its role is among the permission's
``default_roles`` or when it was granted explicitly on the membership. A
platform admin acting in a commune holds the ``admin`` role there. Checks
are server-side; templates only hide what the server refuses anyway.
"""
from __future__ import annotations

from flask import abort, current_app, g, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..plugin_api.types import PermissionDecl
from ..tenancy.activation import active_plugins

ROLE_LABELS = {
    "admin": _l("Commune administrator"),
    "manager": _l("Head of service"),
    "agent": _l("Service agent"),
    "accueil": _l("Front-desk agent"),
    "elu": _l("Elected official"),
}

# The core's own permissions; plugins add theirs through grc_register_permissions.
CORE_PERMISSIONS = (
    PermissionDecl("core.admin", _l("Administer the commune"),
                   _l("Services, agents, enabled domains."), ("admin",)),
    PermissionDecl("core.backoffice", _l("Use the back office"),
                   _l("Home page and menus of the agent."), ("admin", "manager", "agent", "accueil", "elu")),
    PermissionDecl("core.audit.read", _l("Read the audit log"), "", ("admin",)),
    PermissionDecl("core.segments", _l("Build segments of citizens"),
                   _l("Select citizens by criteria for campaigns and surveys (grant it to the communication agents)."),
                   ("admin",)),
)


def effective_role(user, membership) -> str | None:
    if membership is not None:
        return membership.role
    if getattr(user, "is_platform_admin", False) and g.get("grc_commune") is not None:
        return "admin"
    return None


def grantable_permissions(commune) -> list[PermissionDecl]:
    """What may be granted on a membership in the commune: the permissions
    its active plugins and the core declare (every role already uses the
    back office, so that one is not granted)."""
    declared = current_app.extensions["grc"].permissions(active_plugins(commune))
    return [p for p in declared if p.code != "core.backoffice"]


def check_grantable(commune, codes) -> None:
    """Raise ValueError naming the valid codes when one of ``codes`` is not grantable."""
    valid = [p.code for p in grantable_permissions(commune)]
    unknown = sorted(set(codes) - set(valid))
    if unknown:
        raise ValueError(f"Permission inconnue dans {commune.name} : {', '.join(unknown)} "
                         f"(permissions valides : {', '.join(sorted(valid))}).")


def permissions_of(user, membership, commune) -> set[str]:
    """Every permission the user holds in the commune (core + active plugins)."""
    role = effective_role(user, membership)
    if role is None:
        return set()
    active = tuple(active_plugins(commune))
    granted = tuple(membership.permissions or ()) if membership is not None else ()
    # The answer depends on these three only: pages ask it once per workflow
    # transition offered (queue, request page), so it is kept for the request
    # under exactly what decides it — a grant or a domain changed during the
    # request makes another key.
    cache = g.setdefault("grc_permission_sets", {}) if has_request_context() else {}
    key = (role, granted, active)
    if key not in cache:
        declared = current_app.extensions["grc"].permissions(list(active))
        known = {p.code for p in declared}
        cache[key] = frozenset({p.code for p in declared if role in p.default_roles}
                               | {code for code in granted if code in known})
    return set(cache[key])


def can(permission: str) -> bool:
    """Does the signed-in user hold ``permission`` in the current commune?"""
    # The request's globals read once: pages ask this for each view of the menu and each action.
    state = g._get_current_object()
    if not current_user.is_authenticated or state.get("grc_commune") is None:
        return False
    cache = state.get("grc_permissions")
    if cache is None:
        cache = permissions_of(current_user, state.get("grc_membership"), state.grc_commune)
        state.grc_permissions = cache
    return permission in cache


def require(permission: str) -> None:
    """Abort with 403 (and an audit event) unless the user holds ``permission``."""
    if not can(permission):
        from ..audit import record
        record("permission.refused", target=request.path, details={"permission": permission})
        abort(403)
