"""Public pages of a commune: ``/c/<commune_slug>/`` (or ``/`` on its own hostname)."""
from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select

from .extensions import db
from .models import Service
from .tenancy.activation import active_plugins
from .tenancy.resolver import commune_for_host
from .tenancy.scoping import use_commune

bp = Blueprint("public", __name__)


def _home(commune):
    with use_commune(commune):
        services = list(db.session.scalars(select(Service).where(Service.email != "").order_by(Service.name)))
    manifests = current_app.extensions["grc"].manifests
    domains = [manifests[name] for name in active_plugins(commune)]
    return render_template("grc/public_home.html", commune=commune, domains=domains, services=services)


@bp.route("/c/<commune_slug>/")
def home(commune_slug):
    return _home(g.grc_commune)


@bp.route("/")
def root():
    """A commune's hostname shows its public home; the platform host, the back office."""
    commune = commune_for_host(request.host)
    if commune is not None:
        g.grc_own_host = True  # its portal's links are the hostname form (grc_core.tenancy.addresses)
        return _home(commune)
    return redirect(url_for("admin.index"))
