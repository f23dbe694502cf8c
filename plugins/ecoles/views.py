"""Printable certificates (inscription, radiation), for whoever may see the request.

Served by a back-office view: the core's guard (signed in, plugin active in
the commune) and the request loader of the request pages (another commune's
request or a disabled domain → 404) decide, exactly as for the request page.
"""
from __future__ import annotations

from datetime import date

from flask import abort, g
from flask_admin import expose
from flask_login import current_user

from grc_core.plugin_api import SecureView, may_use_queue, readable_request_or_404

from . import rules, services
from .request_types import CHANGEMENT, INSCRIPTION, RADIATION


class CertificatesView(SecureView):
    # Issuing a certificate is the permission's very purpose; the request loader then
    # decides which requests (the member's services').
    permission = "ecoles.assign"

    def is_accessible(self) -> bool:
        return super().is_accessible() and may_use_queue(current_user, g.get("grc_membership"))

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        # Certificates are reached from a request's page, never listed.
        abort(404)

    @expose("/<id:request_id>/inscription")
    def inscription(self, request_id):
        req = readable_request_or_404(request_id)
        if req.request_type.code not in (INSCRIPTION, CHANGEMENT):
            abort(404)
        enrolment = services.enrolment_of_request(req.id)
        if enrolment is None or enrolment.school is None or enrolment.status not in ("affectee", "admise"):
            abort(404)
        return self.render("ecoles/certificat.html", kind="inscription", req=req, enrolment=enrolment,
                           commune=g.grc_commune, today=enrolment.assigned_on or date.today(),
                           pieces=rules.pieces_allowed())

    @expose("/<id:request_id>/radiation")
    def radiation(self, request_id):
        req = readable_request_or_404(request_id)
        if req.request_type.code != RADIATION or req.state_kind != "closed":
            abort(404)
        enrolment = services.known_enrolment(req.data or {}, ("radiee",))
        if enrolment is None:
            abort(404)
        return self.render("ecoles/certificat.html", kind="radiation", req=req, enrolment=enrolment,
                           commune=g.grc_commune, today=enrolment.radiated_on or date.today(), pieces=())
