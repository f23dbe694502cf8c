"""The portal's error pages (404, 429…): in the portal's layout, in the
citizen's language, with a way back to the catalogue — never the back
office's page and its link to ``/admin/``.

An address under ``/c/<slug>/portal/`` (or ``/portal/`` on a commune's own
hostname) that matches no view has no commune resolved
(grc_core.tenancy.resolver reads it from the view's arguments): its commune
is read from the path or the host, under the resolver's rule (an active
commune, on its own hostname or the platform's), and nobody is signed in on it.
"""
from __future__ import annotations

import re

from flask import g, render_template, request

from ..tenancy.resolver import commune_for_host, communes_for_slug_and_host
from . import session
from .forms import ConfirmForm

PORTAL_PATH = re.compile(r"^/c/(?P<slug>[^/]+)/portal(/|$)")
HOSTNAME_PORTAL_PATH = re.compile(r"^/portal(/|$)")


def _commune():
    if request.blueprint == "portal":
        return g.get("grc_commune")
    found = PORTAL_PATH.match(request.path)
    if found is None:
        host_commune = commune_for_host(request.host)
        if host_commune is not None and HOSTNAME_PORTAL_PATH.match(request.path):
            g.grc_own_host = True
            return host_commune
        return None
    commune, host_commune = communes_for_slug_and_host(found["slug"], request.host)
    if commune is None or (host_commune is not None and host_commune.id != commune.id):
        return None
    g.grc_own_host = host_commune is not None
    return commune


def error_page(code: int, error):
    """The portal's page for this error, or None where the address is no portal's."""
    commune = _commune()
    if commune is None:
        return None
    if request.blueprint == "portal":
        account = session.current_account()
    else:
        account = None
        g.grc_commune = commune  # the portal's links are built for it (views._commune_slug)
    return render_template("portal/error.html", code=code, error=error, commune=commune, account=account,
                           confirm_form=ConfirmForm()), code
