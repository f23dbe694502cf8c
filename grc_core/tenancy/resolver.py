"""Which commune a request is about.

- Public URLs live under ``/c/<commune_slug>/``. On a commune's own
  hostname (``Commune.hostnames``), ``/`` is that commune's public home,
  ``/portal/`` its portal (grc_core.tenancy.addresses), and another
  commune's slug answers 404; on the shared platform host the slug decides.
- Back office: the signed-in agent's commune (the one chosen in the session
  when the agent belongs to several); a platform admin may switch to any.
- CLI and jobs: explicit, with :func:`grc_core.tenancy.use_commune`.

Then, in one place for every URL: a plugin's blueprints and admin views
answer 404 while the plugin is inactive for that commune.
"""
from __future__ import annotations

from functools import cache

from flask import abort, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import Select, String, and_, bindparam, cast, exists, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Commune, Membership, Service, WebhookEndpoint
from .activation import enabled_plugins_column, is_active, remember_enabled
from .addresses import served_on_hostname
from .scoping import set_current_commune, unscoped

SESSION_KEY = "grc_commune_id"
#: ``g``'s {commune id: has an active webhook endpoint}, read with the memberships.
WEBHOOK_COMMUNES = "grc_webhook_communes"
#: ``g``'s (user id, rows): the memberships read with the signed-in user (:func:`remember_memberships`).
PREFETCHED = "grc_prefetched_memberships"


def commune_for_slug(slug: str) -> Commune | None:
    return db.session.scalar(select(Commune).where(Commune.slug == slug, Commune.active.is_(True)))


def commune_for_host(host: str) -> Commune | None:
    host = host.split(":", 1)[0].lower()
    if not host:
        return None
    candidates = db.session.scalars(
        select(Commune).where(Commune.active.is_(True), Commune.hostnames.contains(host))
    )
    return next((c for c in candidates if host in c.hostname_list), None)


def communes_for_slug_and_host(slug: str, host: str) -> tuple[Commune | None, Commune | None]:
    """``(the commune of this slug, the commune whose own hostname this is)``,
    each None when there is none, in one query: every public page asks both
    (a commune's own hostname serves that commune only), and which plugins
    the commune of the slug uses (cached for the request, see
    grc_core.tenancy.activation.active_plugins)."""
    host = host.split(":", 1)[0].lower()
    matches = Commune.slug == slug
    if host:
        matches = matches | Commune.hostnames.contains(host)
    rows = db.session.execute(select(Commune, enabled_plugins_column(Commune))
                              .where(Commune.active.is_(True), matches)).all()
    by_slug = next((row for row in rows if row[0].slug == slug), None)
    if by_slug is not None:
        # The page asks which plugins the commune uses (its menus, its types): read with it.
        remember_enabled(by_slug[0].id, (by_slug[1] or "").split(",") if by_slug[1] else ())
    by_host = next((row[0] for row in rows if host and host in row[0].hostname_list), None)
    return (by_slug[0] if by_slug is not None else None), by_host


def memberships_and_communes(user) -> list[tuple[Membership, Commune]]:
    """Every membership of the user with its (active) commune, by commune name,
    the membership's services, the plugins the commune uses and its services
    (every page's access checks and menus read them, cached
    for the request): one query, or none when the signed-in user was loaded
    with them (:func:`with_memberships`)."""
    prefetched = g.pop(PREFETCHED, None) if has_request_context() else None
    if prefetched is not None and prefetched[0] == user.id:
        rows = prefetched[1]
    else:
        with unscoped():
            rows = db.session.execute(_memberships_statement(), {"user_id": user.id}).unique().all()
    pairs = [(membership, commune) for membership, commune, *_columns in rows]
    if has_request_context():
        for _membership, commune, enabled, *_columns in rows:
            remember_enabled(commune.id, enabled.split(",") if enabled else ())
        known = g.setdefault("grc_commune_services", {})
        webhooks = g.setdefault(WEBHOOK_COMMUNES, {})
        for _membership, commune, _enabled, services, has_webhooks in rows:
            known[commune.id] = frozenset(int(service_id) for service_id in services.split(",")) if services \
                else frozenset()
            webhooks[commune.id] = bool(has_webhooks)
        # The navbar's commune menu lists them again on the same page: kept as
        # plain values, which a commit in between does not expire.
        g.grc_member_communes = (user.id, [(commune.id, commune.name) for _membership, commune in pairs])
    return pairs


def _membership_columns():
    return (Membership, Commune, enabled_plugins_column(Commune), _service_ids_column(Commune),
            _has_webhooks_column(Commune))


@cache
def _memberships_statement():
    """:func:`memberships_and_communes`' query, built once for a bound
    ``user_id``: building it and its cache key took 0.35 ms on every page."""
    return (select(*_membership_columns()).join(Commune)
            .where(Membership.user_id == bindparam("user_id"), Commune.active.is_(True))
            .options(joinedload(Membership.services)).order_by(Commune.name))


def with_memberships(statement: Select, user_id_column) -> Select:
    """``statement`` (one row per user) with the user's memberships in active
    communes and all :func:`memberships_and_communes` reads with them, outer
    joined (a platform admin may have none): the query that loads the
    signed-in user on every request brings them, one round trip instead of
    two. Hand the rows to :func:`remember_memberships`."""
    in_active_commune = Membership.__table__.join(Commune.__table__, and_(Commune.id == Membership.commune_id,
                                                                          Commune.active.is_(True)))
    return (statement.add_columns(*_membership_columns())
            .outerjoin(in_active_commune, Membership.user_id == user_id_column)
            .options(joinedload(Membership.services)).order_by(Commune.name))


def remember_memberships(user, rows) -> None:
    """Keep, for this request's first :func:`memberships_and_communes`, the
    membership columns of ``rows`` (a :func:`with_memberships` statement's,
    ``.unique()``: its last five columns). Only the first call uses them: a
    commit in between would have expired their objects."""
    setattr(g, PREFETCHED, (user.id, [tuple(row[-5:]) for row in rows if row[-5] is not None]))


def _service_ids_column(commune_table):
    """SQL: the ids of each row of ``commune_table``'s services, comma-separated
    (a Core subquery, as for the plugins: the commune is not the current one yet)."""
    table = Service.__table__
    return (select(func.aggregate_strings(cast(table.c.id, String), ","))
            .where(table.c.commune_id == commune_table.id).correlate(commune_table).scalar_subquery())


def _has_webhooks_column(commune_table):
    """SQL: does the row of ``commune_table`` have an active webhook endpoint?
    Each change of a request asks (grc_core.webapi.webhooks), mostly to learn
    there is none: the answer comes with the memberships, for the request."""
    table = WebhookEndpoint.__table__
    return exists().where(table.c.commune_id == commune_table.id, table.c.active.is_(True)) \
        .correlate(commune_table).label("has_webhooks")


def commune_service_ids(commune_id: int | None) -> frozenset[int]:
    """Ids of every service of the commune: read with the signed-in agent's
    memberships, else once per request (a service created in between is
    the next request's: scopes built on it only ever narrow to these)."""
    known = g.setdefault("grc_commune_services", {}) if has_request_context() else {}
    if commune_id not in known:
        with unscoped():
            known[commune_id] = frozenset(db.session.scalars(
                select(Service.id).where(Service.commune_id == commune_id)))
    return known[commune_id]


def member_communes(user) -> list[tuple[int, str]]:
    """``(id, name)`` of the user's active communes, by name: read once per request."""
    known = g.get("grc_member_communes") if has_request_context() else None
    if known is not None and known[0] == user.id:
        return known[1]
    return [(commune.id, commune.name) for _membership, commune in memberships_and_communes(user)]


def memberships_of(user) -> list[Membership]:
    """Every membership of the user, across communes (for choosing one)."""
    return [membership for membership, _commune in memberships_and_communes(user)]


def backoffice_place(user) -> tuple[Commune | None, Membership | None]:
    """The commune the agent works in now, remembered in the session, and
    his membership there — one query for both, as every page asks."""
    wanted = session.get(SESSION_KEY)
    if user.is_platform_admin and wanted:
        commune = db.session.get(Commune, wanted)
        if commune is not None:
            return commune, None
    pairs = memberships_and_communes(user)
    chosen = next((pair for pair in pairs if pair[0].commune_id == wanted), None) or (pairs[0] if pairs else None)
    if chosen is not None:
        return chosen[1], chosen[0]
    if user.is_platform_admin:
        return db.session.scalar(select(Commune).where(Commune.active.is_(True)).order_by(Commune.name)), None
    return None, None


def backoffice_commune(user) -> Commune | None:
    """The commune the agent works in now, remembered in the session."""
    return backoffice_place(user)[0]


def current_commune() -> Commune | None:
    return g.get("grc_commune")


def current_membership() -> Membership | None:
    return g.get("grc_membership")


def _resolve() -> None:
    g.grc_commune = None
    g.grc_membership = None
    g.grc_public = False
    g.grc_own_host = False
    set_current_commune(None)
    membership = None

    slug = (request.view_args or {}).get("commune_slug")
    if slug is not None:
        commune, host_commune = communes_for_slug_and_host(slug, request.host)
        # A commune's own hostname serves that commune only.
        if commune is None or (host_commune is not None and host_commune.id != commune.id):
            abort(404)
        g.grc_public = True
        g.grc_own_host = host_commune is not None
    elif request.blueprint == "portal" or served_on_hostname(request.endpoint):
        # The portal's hostname form (grc_core.tenancy.addresses): the host names the commune.
        commune = commune_for_host(request.host)
        if commune is None:
            abort(404)
        g.grc_public = True
        g.grc_own_host = True
        if request.blueprint != "portal" and request.view_args is not None:
            # A plugin's portal view takes its commune's slug, as on the slug form.
            request.view_args["commune_slug"] = commune.slug
    elif current_user.is_authenticated:
        commune, membership = backoffice_place(current_user)
    else:
        commune = None
    if commune is None:
        return
    g.grc_commune = commune
    set_current_commune(commune.id)
    if current_user.is_authenticated and not g.grc_public:
        g.grc_membership = membership if membership is not None else db.session.scalar(
            select(Membership).where(Membership.user_id == current_user.id)
        )

    owners = current_app.extensions["grc"].blueprint_owners
    for blueprint in request.blueprints:
        plugin = owners.get(blueprint)
        if plugin is not None and not is_active(plugin, commune):
            abort(404)


def _plugin_url_without_commune() -> None:
    """A plugin page with no commune at all (anonymous, unknown host) is 404 too."""
    if g.get("grc_commune") is not None:
        return
    owners = current_app.extensions["grc"].blueprint_owners
    if any(owners.get(bp) for bp in request.blueprints):
        if current_user.is_authenticated:
            abort(404)


def init_app(app) -> None:
    @app.before_request
    def resolve_commune():
        if request.endpoint == "static" or (request.endpoint or "").endswith(".static"):
            return
        _resolve()
        _plugin_url_without_commune()

    @app.teardown_request
    def forget_commune(_exc=None):
        set_current_commune(None)
