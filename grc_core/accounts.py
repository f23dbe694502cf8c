"""Creating communes and agents — shared by ``grc`` commands and demo data."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from .extensions import db
from .models import Commune, Membership, Service, User
from .plugin_api.types import ROLES
from .security.permissions import check_grantable
from .tenancy.activation import enable_plugin
from .tenancy.scoping import use_commune


def get_or_create_commune(name: str, insee_code: str, slug: str, hostnames: str = "",
                          plugins: list[str] | None = None) -> tuple[Commune, bool]:
    """Return ``(commune, created)``; enable ``plugins`` (None: every loaded one)."""
    commune = db.session.scalar(select(Commune).where(Commune.insee_code == insee_code))
    created = commune is None
    if created:
        commune = Commune(name=name, insee_code=insee_code, slug=slug, hostnames=hostnames, settings={})
        db.session.add(commune)
        db.session.flush()
        names = current_app.extensions["grc"].names if plugins is None else plugins
        for plugin in names:
            enable_plugin(commune, plugin)
    return commune, created


def get_or_create_agent(commune: Commune, email: str, full_name: str, password: str, role: str,
                        services: list[str] = (), permissions: list[str] = (),
                        platform_admin: bool = False) -> tuple[User, bool]:
    """Return ``(user, created)``; the membership in ``commune`` is created or left as is."""
    if role not in ROLES:
        raise ValueError(f"Rôle inconnu « {role} » (rôles : {', '.join(ROLES)}).")
    check_grantable(commune, permissions)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
    created = user is None
    if created:
        user = User(email=email.lower(), full_name=full_name, is_platform_admin=platform_admin)
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
    with use_commune(commune):
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        if membership is None:
            wanted = list(db.session.scalars(select(Service).where(Service.code.in_(services))))
            unknown = set(services) - {s.code for s in wanted}
            if unknown:
                raise ValueError(f"Service inconnu dans {commune.name} : {', '.join(sorted(unknown))}.")
            db.session.add(Membership(user=user, role=role, services=wanted, permissions=sorted(permissions)))
            db.session.flush()
    return user, created
