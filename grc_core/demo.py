"""Demo data: two communes, their agents, and each enabled plugin's data.

Idempotent: every object is looked up by a natural key before creation, so
``grc demo`` can run again after an upgrade and only adds what is missing.
The second commune exists to show that nothing crosses between communes.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from .accounts import get_or_create_agent, get_or_create_commune
from .demo_requests import load_demo_requests
from .extensions import db
from .models import Membership, Request, RequestEvent, RequestType, User, utcnow
from .portal.demo import load_portal_demo
from .security.two_factor import enabled, required, spaced
from .tenancy.activation import active_plugins
from .tenancy.scoping import use_commune
from .workflows.deadlines import as_utc

DEMO_PASSWORD = "demo-grc-2026"
# The two-step sign-in key of the demo accounts whose role requires it
# (admins, CCAS): public, like the demo password. `grc demo-code` prints
# the current code; any authenticator app accepts the key too.
DEMO_TOTP_SECRET = "GRCDEMOGRCDEMOGRCDEMOGRCDEMOGRC2"

COMMUNES = (
    # name, INSEE code (fictional: 459xx does not exist), slug
    ("Villeneuve-sur-Loire", "45901", "villeneuve-sur-loire"),
    ("Saint-Aubin-des-Prés", "45902", "saint-aubin-des-pres"),
)

# email, name, role, services (codes), extra permissions
CORE_AGENTS = {
    "45901": (
        ("admin@villeneuve-sur-loire.fr", "Claire Morel", "admin", (), ()),
        # Without services: the DGS sees every service, in queues and dashboards.
        ("dgs@villeneuve-sur-loire.fr", "Philippe Garnier", "manager", (), ()),
        # The technical services are created with the demo requests, then given to him.
        ("technique@villeneuve-sur-loire.fr", "Marc Lambert", "manager", (), ()),
        ("accueil@villeneuve-sur-loire.fr", "Nadia Benali", "accueil", (), ()),
        ("elu@villeneuve-sur-loire.fr", "Jean-Marc Lefèvre", "elu", (), ()),
    ),
    "45902": (
        ("admin@saint-aubin-des-pres.fr", "Sophie Marchand", "admin", (), ()),
        ("accueil@saint-aubin-des-pres.fr", "Karim Haddad", "accueil", (), ()),
    ),
}


def load_demo(password: str) -> list[str]:
    """Create what is missing; return the lines to print: per commune its URL,
    the demo requests of the core and of each plugin, and every login with
    its role."""
    # Thousands of small commits: each would expire every object the session
    # holds and reload it on next use (most of the demo's time). Nothing here
    # reads back what another process changed, so the objects stay as written.
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _load_demo(password)
    finally:
        session.expire_on_commit = expire_on_commit


def _load_demo(password: str) -> list[str]:
    registry = current_app.extensions["grc"]
    loaded, portal_lines = [], {}
    for name, insee, slug in COMMUNES:
        commune, _ = get_or_create_commune(name, insee, slug)
        for email, full_name, role, services, permissions in CORE_AGENTS[insee]:
            get_or_create_agent(commune, email, full_name, password, role, list(services), list(permissions),
                                platform_admin=(email == "admin@villeneuve-sur-loire.fr"))
        db.session.commit()
        with use_commune(commune):
            load_demo_requests(commune)
            db.session.commit()
            for plugin in active_plugins(commune):
                registry.demo_data(plugin, commune)
                db.session.commit()
            assign_demo_requests(commune)
            portal_lines[commune.id] = load_portal_demo(commune, password)
        loaded.append(commune)
    enrolled = enrol_demo_accounts()
    lines = []
    for commune in loaded:
        with use_commune(commune):
            lines.append(f"Commune de démonstration : {commune.name} (/c/{commune.slug}/)")
            lines += _requests_lines()
            lines.append(f"  Comptes (mot de passe : {password}) :")
            for email, full_name, role in _logins():
                second = " — code à 6 chiffres demandé" if email in enrolled else ""
                lines.append(f"  {email:<40} {full_name} ({role}){second}")
        lines += portal_lines.get(commune.id, [])
    lines.append("Connexion en deux étapes des administrateurs et du CCAS : code du moment avec « grc demo-code », "
                 f"ou clé {spaced(DEMO_TOTP_SECRET)} dans une application d'authentification.")
    return lines


def _requests_lines() -> list[str]:
    """The current commune's requests per part that declared their type: the core (its own types) and each plugin."""
    rows = db.session.execute(
        select(RequestType.plugin, func.count(Request.id)).join(Request, Request.request_type_id == RequestType.id)
        .group_by(RequestType.plugin).order_by(RequestType.plugin.is_not(None), RequestType.plugin)).all()
    total = sum(count for _plugin, count in rows)
    lines = [f"  {total} demandes de démonstration, dont :"]
    lines += [f"  {count:>6} demandes {'du cœur' if plugin is None else 'du plugin'} ({plugin or 'core'})"
              for plugin, count in rows]
    return lines


def _logins() -> list[tuple[str, str, str]]:
    """``(e-mail, name, role)`` of every member of the current commune, the core's agents first."""
    return list(db.session.execute(
        select(User.email, User.full_name, Membership.role).join(Membership, Membership.user_id == User.id)
        .order_by(Membership.id)).all())


def assign_demo_requests(commune, now: datetime | None = None) -> int:
    """Give the open requests nobody holds to the agents who would hold them,
    so that « Mes demandes » is not empty for any demo agent; returns how many.

    Each request goes to the agents of its service who may read it (a
    confidential type only to holders of its permission), in turn; one in
    four stays unassigned, as in a real queue. The agents of no service (the
    admin, the DGS, the counter) are each given two of the commune's own
    requests. The assignment is dated just after the request's last event, so
    that its history stays in time order. Done once: a commune where a
    request is held is left alone.
    """
    from .requests.confidentiality import confidential_types
    from .requests.service import assign
    from .security.permissions import permissions_of

    if db.session.scalar(select(Request.id).where(Request.assignee_id.is_not(None)).limit(1)) is not None:
        return 0  # already given out: ``grc demo`` run again adds nothing
    now = now or utcnow()
    members = list(db.session.scalars(
        select(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.role != "elu", User.active.is_(True)).order_by(Membership.id)))
    if not members:
        return 0
    secret = {code: permission for code, (permission, _plugin) in confidential_types(commune).items()}
    held = {m.id: permissions_of(m.user, m, commune) for m in members}
    last_event = dict(db.session.execute(select(RequestEvent.request_id, func.max(RequestEvent.at))
                                         .group_by(RequestEvent.request_id)).all())
    waiting = list(db.session.scalars(select(Request).where(Request.closed_at.is_(None),
                                                            Request.assignee_id.is_(None)).order_by(Request.id)))
    given = {m.id: 0 for m in members}

    def give(request, member) -> None:
        last = as_utc(last_event.get(request.id) or request.received_at)
        moment = max(last, min(now, last + timedelta(minutes=20)))
        assign(request, member.user, actor=member.user, now=moment)
        given[member.id] += 1

    def may_hold(member, request) -> bool:
        permission = secret.get(request.request_type.code)
        return permission is None or permission in held[member.id]

    turn = 0
    for request in waiting:
        candidates = [m for m in members if request.service in m.services and may_hold(m, request)]
        if not candidates:
            continue
        turn += 1
        if turn % 4:
            give(request, candidates[turn % len(candidates)])
    core_types = [r for r in waiting if r.assignee_id is None and r.request_type.plugin is None]
    for member in (m for m in members if not m.services):
        for request in core_types[:2]:
            give(request, member)
        core_types = core_types[2:]
    # Whoever is still without a request (a small service) gets one they may read.
    for member in (m for m in members if not given[m.id]):
        spare = next((r for r in waiting if r.assignee_id is None and may_hold(member, r)
                      and (not member.services or r.service in member.services)), None)
        if spare is not None:
            give(spare, member)
    return sum(given.values())


def enrol_demo_accounts() -> set[str]:
    """Give the demo accounts that must use a second factor the public demo
    key, so that a newcomer can sign in with them; returns their e-mails."""
    emails = set()
    for user in db.session.scalars(select(User).order_by(User.id)):
        if enabled(user):
            if user.totp_secret == DEMO_TOTP_SECRET:
                emails.add(user.email)
        elif required(user):
            user.totp_secret, user.totp_enabled_at, user.totp_last_step = DEMO_TOTP_SECRET, utcnow(), None
            emails.add(user.email)
    db.session.commit()
    return emails


def demo_agents(commune, agents) -> None:
    """Create a plugin's demo agents in ``commune`` (e-mail domain from its slug)."""
    for local_part, full_name, role, services, permissions in agents:
        get_or_create_agent(commune, f"{local_part}@{commune.slug}.fr", full_name, DEMO_PASSWORD, role,
                            list(services), list(permissions))
