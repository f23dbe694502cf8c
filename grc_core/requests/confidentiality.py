"""Confidential request types (professional secrecy, e.g. CCAS files under
L133-5 CASF): the one place that says who may read which request.

A plugin declares ``RequestTypeDecl(read_permission="social.read")``: only
members holding that permission in the commune read requests of that type.
Everyone else — élus included, who never read a request, and admins or
platform admins unless they were granted it by name — gets:

- queues, home counts, bulk actions and exports: the rows are left out
  (:func:`readable_condition`, applied by ``queue.queue_select``);
- the request page and every action on it, its attachments: 404
  (``security.access.request_or_404`` calls :func:`may_read`);
- citizen search by reference: no match; request counts per citizen leave
  them out;
- the citizen's 360° timeline: none of its entries; instead, while such a
  file is not closed, at most one neutral line per domain saying that a
  confidential file is in progress — no reference, type, date, service,
  state or text (:func:`open_files_of`);
- outgoing e-mails in the back office: left out;
- the plugins' panels on the 360° page: they get only the requests this
  member may read (:func:`readable_requests_of`) and never query their own.

Every read by someone who holds the permission (the request page, each
action on it, a download, an export holding such rows) writes an
:class:`~grc_core.models.AuditEvent` (:func:`audit_read`): who, what, when.

Background jobs (timers, routing, notifications to the citizen) run without
a signed-in user and are not restricted. Types defined by a commune admin are
never confidential: only declared types carry a permission.
"""
from __future__ import annotations

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import select

from ..models import Request, RequestType
from ..security.permissions import effective_role, permissions_of
from ..tenancy.activation import active_plugins
from ..tenancy.scoping import current_commune_id


def confidential_types(commune) -> dict[str, tuple[str, str]]:
    """``{type code: (read permission, plugin)}`` of the commune's active plugins."""
    registry = current_app.extensions["grc"]
    active = active_plugins(commune)
    out = {}
    for plugin in active:
        for decl in registry.declared_by("grc_register_request_types", plugin):
            if decl.read_permission:
                out[decl.code] = (decl.read_permission, plugin)
    return out


def _who(user, membership, commune):
    if user is None and has_request_context() and g.get("grc_api_principal") is not None:
        user = membership = g.grc_api_principal  # an API call: its key (grc_core.webapi.keys)
    if user is None and has_request_context():
        user = current_user if current_user.is_authenticated else None
        membership = g.get("grc_membership") if membership is None else membership
    if commune is None and has_request_context():
        commune = g.get("grc_commune")
    if commune is None:
        commune = current_commune_id()
    return user, membership, commune


def unreadable_codes(user=None, membership=None, commune=None) -> frozenset[str]:
    """Codes of the confidential types this member may not read (empty outside
    a signed-in request: jobs and the CLI are not restricted)."""
    user, membership, commune = _who(user, membership, commune)
    if user is None or commune is None:
        return frozenset()
    cache_key = (getattr(user, "id", None), getattr(membership, "id", None), getattr(commune, "id", commune))
    cache = g.setdefault("grc_unreadable_codes", {}) if has_request_context() else {}
    if cache_key in cache:
        return cache[cache_key]
    declared = confidential_types(commune)
    if not declared:
        result = frozenset()
    elif effective_role(user, membership) in (None, "elu") or getattr(user, "is_api_key", False):
        result = frozenset(declared)  # élus read aggregates only; a program, never a confidential file
    else:
        held = permissions_of(user, membership, commune)
        result = frozenset(code for code, (permission, _plugin) in declared.items() if permission not in held)
    cache[cache_key] = result
    return result


def readable_condition(user=None, membership=None, commune=None):
    """SQL condition on ``Request`` leaving out what this member may not read,
    or None when nothing is hidden (no confidential type: queries unchanged)."""
    codes = unreadable_codes(user, membership, commune)
    if not codes:
        return None
    return Request.request_type_id.not_in(select(RequestType.id).where(RequestType.code.in_(sorted(codes))))


def unreadable_condition(user=None, membership=None, commune=None):
    """SQL condition on ``Request`` keeping only what this member may not read
    (the opposite of :func:`readable_condition`), or None when that is nothing."""
    codes = unreadable_codes(user, membership, commune)
    if not codes:
        return None
    return Request.request_type_id.in_(select(RequestType.id).where(RequestType.code.in_(sorted(codes))))


def read_permission_of(request_type, commune=None) -> str | None:
    """The permission guarding requests of ``request_type`` in the commune, if any."""
    if request_type is None or request_type.plugin is None:
        return None
    if commune is None:
        commune = g.get("grc_commune") if has_request_context() else None
        commune = commune if commune is not None else current_commune_id()
    if commune is None:
        return None
    declared = confidential_types(commune).get(request_type.code)
    return declared[0] if declared else None


def visible_permissions(user=None, membership=None, commune=None) -> frozenset[str] | None:
    """The read permissions whose confidential objects this member may see in
    the audit log and elsewhere; None outside a signed-in request (jobs and
    the CLI are not restricted)."""
    user, membership, commune = _who(user, membership, commune)
    if user is None or commune is None:
        return None
    if effective_role(user, membership) in (None, "elu"):
        return frozenset()
    return frozenset(permissions_of(user, membership, commune))


def may_read(request: Request, user=None, membership=None, commune=None) -> bool:
    return request.request_type.code not in unreadable_codes(user, membership, commune) \
        if request.request_type is not None else True


def audit_read(request: Request, action: str = "confidential.read", *, commit: bool = True, **details) -> None:
    """Trace a read of a confidential request (nothing for other requests)."""
    from ..audit import record

    permission = read_permission_of(request.request_type)
    if permission is None:
        return
    record(action, target=f"request:{request.id}", permission=permission,
           details={"reference": request.reference, "type": request.request_type.code, **details}, commit=commit)


def audit_export(requests, fmt: str, *, user=None, commit: bool = True) -> None:
    """Trace an export that holds confidential requests: one event, their ids.

    A job writing an agent's export names him (``user``); its commune is the
    one the job runs in.
    """
    from ..audit import record

    if has_request_context():
        commune = g.get("grc_commune")
    else:
        commune = current_commune_id() if user is not None else None
    if commune is None:
        return
    codes = confidential_types(commune)
    if not codes:
        return
    held = [r for r in requests if r.request_type is not None and r.request_type.code in codes]
    # One event per permission: each is shown only to those who hold it.
    for permission in sorted({codes[r.request_type.code][0] for r in held}):
        mine = [r for r in held if codes[r.request_type.code][0] == permission]
        record("confidential.export", target=f"export.{fmt}", permission=permission, user=user, commit=commit,
               details={"requests": [r.id for r in mine], "references": [r.reference for r in mine]})


def open_files_of(citizen_id: int, user=None, membership=None, commune=None) -> list[str]:
    """The plugins with a confidential file of this citizen not closed that
    this member may not read — what the 360° page may say, nothing more."""
    codes = unreadable_codes(user, membership, commune)
    if not codes:
        return []
    from ..extensions import db

    user, membership, commune = _who(user, membership, commune)
    found = set(db.session.scalars(
        select(RequestType.code).join(Request, Request.request_type_id == RequestType.id)
        .where(Request.citizen_id == citizen_id, Request.state_kind != "closed",
               RequestType.code.in_(sorted(codes))).distinct()))
    declared = confidential_types(commune)
    return sorted({declared[code][1] for code in found})


def readable_requests_of(citizen_id: int, user=None, membership=None, commune=None) -> list[Request]:
    """The citizen's requests this member may read, newest first: what the
    plugins' panels of the 360° page are given."""
    from sqlalchemy.orm import joinedload

    from ..extensions import db

    query = (select(Request).options(joinedload(Request.request_type), joinedload(Request.workflow))
             .where(Request.citizen_id == citizen_id).order_by(Request.received_at.desc(), Request.id.desc()))
    secret = readable_condition(user, membership, commune)
    if secret is not None:
        query = query.where(secret)
    return list(db.session.scalars(query))
