"""Demo data: two communes, their agents, and each enabled plugin's data.

Idempotent: every object is looked up by a natural key before creation, so
``grc demo`` can run again after an upgrade and only adds what is missing.
The second commune exists to show that nothing crosses between communes.
"""
from __future__ import annotations

from flask import current_app

from .accounts import get_or_create_agent, get_or_create_commune
from .demo_requests import load_demo_requests
from .extensions import db
from .portal.demo import load_portal_demo
from .security.two_factor import enabled, required, spaced
from .tenancy.activation import active_plugins
from .tenancy.scoping import use_commune

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
    """Create what is missing; return the lines to print (URL hints, logins)."""
    registry = current_app.extensions["grc"]
    lines = []
    for name, insee, slug in COMMUNES:
        commune, _ = get_or_create_commune(name, insee, slug)
        for email, full_name, role, services, permissions in CORE_AGENTS[insee]:
            get_or_create_agent(commune, email, full_name, password, role, list(services), list(permissions),
                                platform_admin=(email == "admin@villeneuve-sur-loire.fr"))
        db.session.commit()
        with use_commune(commune):
            filed = load_demo_requests(commune)
            db.session.commit()
            for plugin in active_plugins(commune):
                registry.demo_data(plugin, commune)
                db.session.commit()
            portal_lines = load_portal_demo(commune, password)
        if filed:
            lines.append(f"  {filed} demandes de démonstration créées pour {name}.")
        lines.append(f"Commune de démonstration : {name} (/c/{slug}/)")
        lines.extend(portal_lines)
    enrolled = enrol_demo_accounts()
    lines.append(f"Comptes de démonstration (mot de passe : {password}) :")
    for agents in CORE_AGENTS.values():
        for email, full_name, role, _services, _permissions in agents:
            second = " — code à 6 chiffres demandé" if email in enrolled else ""
            lines.append(f"  {email:<40} {full_name} ({role}){second}")
    lines.append("  …et les agents des services créés par les plugins (voir Administration › Agents).")
    lines.append("Connexion en deux étapes des administrateurs et du CCAS : code du moment avec « grc demo-code », "
                 f"ou clé {spaced(DEMO_TOTP_SECRET)} dans une application d'authentification.")
    return lines


def enrol_demo_accounts() -> set[str]:
    """Give the demo accounts that must use a second factor the public demo
    key, so that a newcomer can sign in with them; returns their e-mails."""
    from sqlalchemy import select

    from .models import User, utcnow

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
