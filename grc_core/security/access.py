"""May this member read, or act on, this object? One answer per kind of
object — request, attachment, citizen, a plugin's domain record — used by
every route that takes an id: lists, pages, actions, exports, plugins.

The rules are those the queue always applied, now applied to the object too:

- **requests**: the member's service scope (:func:`service_scope`: a member
  with services reads those services' requests and the ones assigned to
  him; admins, managers and the front desk without services read all; a
  service agent without services reads what is assigned to him; élus read
  none), the domain enabled in the commune, and professional secrecy
  (:mod:`grc_core.requests.confidentiality`). Acting has the same scope:
  which transition the member may apply is the workflow engine's business.
- **attachments** follow their request.
- **citizens**: every member but the élu reads citizens, except a person
  known only through confidential files he may not read (a CCAS file):
  their record, their place in searches and in duplicate suggestions would
  tell that the CCAS knows them (:func:`readable_citizens_condition`).
- **exports** written by a job (:class:`~grc_core.models.ExportFile`) are
  their author's alone, in their commune, once ready: they hold what his
  rights let him read, which another member's may not.
- **domain records** of a plugin (an enrolment, a planning dossier) that
  belong to a request follow that request; records of no request are
  reference data, governed by their view's permission.

Unreadable is the same as absent: the routes answer 404. Outside a signed-in
request (jobs, CLI) nothing is restricted, as in ``confidentiality``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from flask import abort, g, has_request_context
from flask import request as http_request
from flask_login import current_user
from sqlalchemy import bindparam, exists, or_, select, union
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Attachment, Citizen, ExportFile, HouseholdLink, Request, RequestType, TrackingLink
from ..requests import confidentiality
from ..tenancy.activation import active_plugins, is_active
from ..tenancy.resolver import commune_service_ids
from ..tenancy.scoping import current_commune_id
from .ids import parse_id
from .permissions import effective_role

# Without services, these roles read every request of the commune.
SEES_ALL_WITHOUT_SERVICES = ("admin", "manager", "accueil")


@dataclass(frozen=True)
class ServiceScope:
    """Which requests a member may work on, as data: ``everything``, or
    those of ``service_ids`` plus those assigned to ``user_id``.
    ``every_service``: ``service_ids`` are all the commune's services."""

    everything: bool
    service_ids: frozenset[int] = frozenset()
    user_id: int | None = None
    every_service: bool = False

    def allows(self, request: Request) -> bool:
        return self.everything or request.service_id in self.service_ids or (
            self.user_id is not None and request.assignee_id == self.user_id)

    def condition(self):
        """The same rule as SQL on ``Request`` (None: no condition)."""
        if self.everything:
            return None
        if self.every_service:
            # Within the commune (every query on Request is), "one of all its
            # services" is "routed to a service". Said so, PostgreSQL sees the
            # queue's true row count: it multiplies the selectivities of
            # commune_id = c and service_id IN (its services) as if they were
            # independent, 1/50 too few in a 50-commune deployment, and then
            # reads every open request instead of the first 50 in order
            # (docs/benchmarks.md, "Many communes in one deployment").
            return or_(Request.service_id.is_not(None), Request.assignee_id == self.user_id)
        if self.service_ids:
            return or_(Request.service_id.in_(sorted(self.service_ids)), Request.assignee_id == self.user_id)
        return Request.assignee_id == self.user_id


def service_scope(user, membership) -> ServiceScope | None:
    """The member's scope, or None when he may read no request (élus, non-members)."""
    role = effective_role(user, membership)
    if role is None or role == "elu":
        return None
    if membership is None:
        return ServiceScope(everything=True)  # platform admin acting in the commune
    service_ids = frozenset(service.id for service in membership.services)
    if service_ids:
        every_service = service_ids == commune_service_ids(membership.commune_id)
        return ServiceScope(everything=False, service_ids=service_ids, user_id=user.id, every_service=every_service)
    if role in SEES_ALL_WITHOUT_SERVICES:
        return ServiceScope(everything=True)
    return ServiceScope(everything=False, user_id=user.id)


def _signed_in():
    """(user, membership) of the signed-in member — an API call's key acts
    as both (grc_core.webapi.keys.KeyPrincipal) — or (None, None) outside a
    signed-in request."""
    if not has_request_context():
        return None, None
    key = g.get("grc_api_principal")
    if key is not None:
        return key, key
    if not current_user.is_authenticated:
        return None, None
    return current_user, g.get("grc_membership")


def disabled_types():
    """``SELECT id`` of the request types of the plugins the commune disabled."""
    active = active_plugins(current_commune_id())
    return select(RequestType.id).where(RequestType.plugin.is_not(None), RequestType.plugin.not_in(active))


# --- requests --------------------------------------------------------------------------

def readable_requests_conditions(user, membership) -> list:
    """SQL conditions on ``Request``: what this member may read (raises
    ``LookupError`` when he may read none — callers decide 403 or 404)."""
    scope = service_scope(user, membership)
    if scope is None:
        raise LookupError("no request is readable")
    where = []
    condition = scope.condition()
    if condition is not None:
        where.append(condition)
    # NOT IN a (usually empty) list: a plain filter that never drives the plan.
    where.append(Request.request_type_id.not_in(disabled_types()))
    secret = confidentiality.readable_condition(user, membership)
    if secret is not None:
        where.append(secret)
    return where


def hidden_confidential_conditions(user, membership) -> list | None:
    """SQL conditions on ``Request``: the confidential requests this member
    would read in his services and enabled domains were they not confidential
    — what a figure counting for him says it leaves out ("dont 6
    confidentielles"). None when none is hidden from him."""
    hidden = confidentiality.unreadable_condition(user, membership)
    if hidden is None:
        return None
    scope = service_scope(user, membership)
    if scope is None:
        return None
    where = [hidden, Request.request_type_id.not_in(disabled_types())]
    condition = scope.condition()
    return where if condition is None else [condition, *where]


def may_read_request(request: Request, user=None, membership=None) -> bool:
    if user is None:
        user, membership = _signed_in()
        if user is None:
            return not has_request_context()  # jobs and the CLI; an anonymous visitor reads nothing
    scope = service_scope(user, membership)
    if scope is None or not scope.allows(request):
        return False
    commune = g.get("grc_commune") if has_request_context() else None
    if request.request_type is None or not is_active(request.request_type.plugin,
                                                      commune if commune is not None else current_commune_id()):
        return False
    return confidentiality.may_read(request, user, membership)


def may_act_on_request(request: Request, user=None, membership=None) -> bool:
    """Assign, write, attach, apply a transition: the reading scope; the
    workflow engine then says which transition."""
    return may_read_request(request, user, membership)


@cache
def _request_statement():
    """:func:`request_or_404`'s query, built once (a bound ``request_id``):
    building it and its cache key took 0.1 ms on every request page."""
    return select(Request).where(Request.id == bindparam("request_id")).options(
        joinedload(Request.request_type), joinedload(Request.citizen), joinedload(Request.service),
        joinedload(Request.assignee), joinedload(Request.workflow))


def request_or_404(request_id, *, act: bool = False) -> Request:
    """The request if the signed-in member may read it (``act``: act on it), else 404.

    Each read of a confidential request is traced (confidentiality.audit_read).
    """
    request_id = parse_id(request_id)
    found = None if request_id is None else db.session.scalar(_request_statement(), {"request_id": request_id})
    allowed = may_act_on_request if act else may_read_request
    if found is None or not allowed(found):
        abort(404)
    confidentiality.audit_read(found, view=http_request.endpoint or "")
    return found


# --- attachments -----------------------------------------------------------------------

def may_read_attachment(attachment: Attachment, user=None, membership=None) -> bool:
    request = db.session.get(Request, attachment.request_id)
    return request is not None and may_read_request(request, user, membership)


def attachment_or_404(attachment_id) -> Attachment:
    attachment_id = parse_id(attachment_id)
    attachment = None if attachment_id is None else db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id))
    if attachment is None or not may_read_attachment(attachment):
        abort(404)
    request_or_404(attachment.request_id)  # traces the read of a confidential file
    return attachment


# --- exports ---------------------------------------------------------------------------

def export_file_or_404(export_id) -> ExportFile:
    """The signed-in member's own export, ready, of the current commune; else 404."""
    export_id = parse_id(export_id)
    user, _membership = _signed_in()
    # A query, not session.get: the tenancy criteria apply to it.
    exported = None if export_id is None or user is None else db.session.scalar(
        select(ExportFile).where(ExportFile.id == export_id))
    if exported is None or exported.user_id != user.id or exported.status != "ready":
        abort(404)
    return exported


# --- citizens --------------------------------------------------------------------------

def readable_citizens_condition(user=None, membership=None):
    """SQL condition on ``Citizen`` hiding the people this member knows only
    through confidential files he may not read; None when nothing is hidden."""
    if user is None:
        user, membership = _signed_in()
    codes = confidentiality.unreadable_codes(user, membership)  # an API key: every confidential type
    return _hidden_citizens_condition(tuple(sorted(codes))) if codes else None


def _hidden_citizens_condition(codes: tuple[str, ...]):
    secret_types = select(RequestType.id).where(RequestType.code.in_(codes)).scalar_subquery()
    secret = exists().where(Request.citizen_id == Citizen.id, Request.request_type_id.in_(secret_types))
    known = exists().where(Request.citizen_id == Citizen.id, Request.request_type_id.not_in(secret_types))
    return or_(~secret, known)


@lru_cache(maxsize=64)
def _citizen_statement(hidden_codes: tuple[str, ...]):
    """:func:`citizen_or_404`'s query (a bound ``citizen_id``) for a reader
    who may not read the files of ``hidden_codes``, built once for each such
    set: building it and its cache key took 0.15 ms on every intake."""
    statement = select(Citizen).where(Citizen.id == bindparam("citizen_id"))
    return statement.where(_hidden_citizens_condition(hidden_codes)) if hidden_codes else statement


def may_read_citizen(citizen: Citizen, user=None, membership=None) -> bool:
    if user is None:
        user, membership = _signed_in()
        if user is None:
            return not has_request_context()
    if effective_role(user, membership) in (None, "elu"):
        return False  # élus read aggregates only
    condition = readable_citizens_condition(user, membership)
    if condition is None:
        return True
    return bool(db.session.scalar(select(Citizen.id).where(Citizen.id == citizen.id, condition)))


def citizen_or_404(citizen_id, *, live: bool = True) -> Citizen:
    """The citizen if the signed-in member may read the record, else 404
    (``live``: a merged record is absent too)."""
    citizen_id = parse_id(citizen_id)
    user, membership = _signed_in()
    if citizen_id is None or (user is not None and effective_role(user, membership) in (None, "elu")):
        abort(404)  # élus read aggregates only (may_read_citizen)
    # A query, not session.get: the tenancy criteria apply to it; and
    # may_read_citizen's condition in the same query.
    hidden = tuple(sorted(confidentiality.unreadable_codes(user, membership))) if user is not None else ()
    citizen = db.session.scalar(_citizen_statement(hidden), {"citizen_id": citizen_id})
    if citizen is None or (live and citizen.merged_into_id is not None) or (
            user is None and not may_read_citizen(citizen)):
        abort(404)
    return citizen


def readable_citizen_ids(citizen_ids) -> set[int]:
    """The ids among ``citizen_ids`` this member may read (search results, suggestions)."""
    citizen_ids = set(citizen_ids)
    condition = readable_citizens_condition()
    if condition is None or not citizen_ids:
        return citizen_ids
    return set(db.session.scalars(select(Citizen.id).where(Citizen.id.in_(sorted(citizen_ids)), condition)))


# --- plugins' domain records -------------------------------------------------------------

def may_read_record(record, user=None, membership=None) -> bool:
    """A plugin's row that belongs to a request (``request_id``) follows it;
    a row of no request is reference data, left to its view's permission."""
    request_id = getattr(record, "request_id", None)
    if request_id is None:
        return True
    request = db.session.get(Request, request_id)
    return request is not None and may_read_request(request, user, membership)


def readable_records_condition(model, user=None, membership=None):
    """SQL condition on a plugin model with a ``request_id`` column: its rows
    of no request, and those of the requests this member may read."""
    if user is None:
        user, membership = _signed_in()
        if user is None:
            return None
    try:
        where = readable_requests_conditions(user, membership)
    except LookupError:
        return model.request_id.is_(None)
    return or_(model.request_id.is_(None), model.request_id.in_(select(Request.id).where(*where)))


# --- segments ---------------------------------------------------------------------------

def segment_or_404(segment_id):
    """A saved segment of the current commune, else 404. Who may open
    segments at all is the view's permission (``core.segments``); what a
    segment selects is limited by its reader's rights when it is evaluated
    (``grc_core.segments``)."""
    from ..models import Segment

    segment_id = parse_id(segment_id)
    segment = None if segment_id is None else db.session.scalar(select(Segment).where(Segment.id == segment_id))
    if segment is None:
        abort(404)
    return segment


# --- API keys ------------------------------------------------------------------------------

def key_readable_requests_conditions(principal) -> list:
    """SQL conditions on ``Request``: what an API key reads — its role's
    scope in its commune (see grc_core.webapi.keys.KeyPrincipal), and never a
    confidential (CCAS) type, whatever permission a plugin gives its role:
    professional secrecy is granted to people by name, not to programs."""
    where = readable_requests_conditions(principal, principal)
    secret_codes = confidentiality.confidential_types(current_commune_id())
    if secret_codes:
        where.append(Request.request_type_id.not_in(
            select(RequestType.id).where(RequestType.code.in_(sorted(secret_codes)))))
    return where


def key_request_or_404(principal, *, reference: str | None = None, request_id=None) -> Request:
    """The request (by reference or id) if the key may read it, else 404."""
    where = key_readable_requests_conditions(principal)
    if reference is not None:
        where.append(Request.reference == reference[:20])
    else:
        request_id = parse_id(request_id)
        if request_id is None:
            abort(404)
        where.append(Request.id == request_id)
    found = db.session.scalar(select(Request).where(*where).options(
        joinedload(Request.request_type), joinedload(Request.service)))
    if found is None:
        abort(404)
    return found


# --- citizens on the portal -----------------------------------------------------------

def citizen_requests_conditions(account) -> list | None:
    """SQL conditions on ``Request``: what a portal account may read — the
    requests of its own citizen record and of the children the agents
    linked to it (whatever their channel), in its
    commune, of an enabled domain, never of a confidential type (a CCAS file
    is not shown online). None when it may read none (not verified, no
    record yet). A portal account is never an agent: nothing here looks at
    ``current_user``."""
    from ..portal.linking import linked_citizen

    if account is None or not account.verified:
        return None
    citizen = linked_citizen(account)
    if citizen is None:
        return None
    # A parent also follows the requests of the children the agents linked to him.
    # One IN over a UNION, not "own OR IN (children)": PostgreSQL reads the
    # citizen index for the former and the whole request table for the latter
    # (bench/portal_bench.py: 259 ms → 1 ms at 100,000 requests).
    children = select(HouseholdLink.relative_id).where(HouseholdLink.citizen_id == citizen.id,
                                                       HouseholdLink.relation == "child")
    own_and_children = union(select(Citizen.id).where(Citizen.id == citizen.id), children)
    where = [Request.commune_id == account.commune_id,
             Request.citizen_id.in_(own_and_children),
             Request.request_type_id.not_in(disabled_types())]
    secret = sorted(confidentiality.confidential_types(account.commune_id))
    if secret:
        where.append(Request.request_type_id.not_in(select(RequestType.id).where(RequestType.code.in_(secret))))
    return where


def may_citizen_read_request(request: Request, account) -> bool:
    where = citizen_requests_conditions(account)
    return where is not None and db.session.scalar(select(Request.id).where(Request.id == request.id, *where)) \
        is not None


def citizen_request_or_404(request_id, account) -> Request:
    """The request if this portal account may read it (and answer it), else 404."""
    request_id = parse_id(request_id)
    where = citizen_requests_conditions(account)
    found = None if request_id is None or where is None else db.session.scalar(
        select(Request).where(Request.id == request_id, *where).options(
            joinedload(Request.request_type), joinedload(Request.workflow)))
    if found is None:
        abort(404)
    return found


def tracked_request(token):
    """``(link, request)`` for a private tracking link of the current commune
    that is live, on a request of an enabled domain that is not confidential;
    else None. The tenancy scoping applies: another commune's token is
    unknown here. The portal shows its clear "link not valid" page (404)."""
    from ..portal.tokens import digest, plausible

    if not plausible(token):
        return None
    link = db.session.scalar(select(TrackingLink).where(TrackingLink.token_hash == digest(token),
                                                        TrackingLink.revoked_at.is_(None)))
    if link is None:
        return None
    where = [Request.id == link.request_id, Request.request_type_id.not_in(disabled_types())]
    secret = sorted(confidentiality.confidential_types(link.commune_id))
    if secret:
        where.append(Request.request_type_id.not_in(select(RequestType.id).where(RequestType.code.in_(secret))))
    found = db.session.scalar(select(Request).where(*where).options(
        joinedload(Request.request_type), joinedload(Request.workflow)))
    return None if found is None else (link, found)
