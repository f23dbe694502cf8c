"""The on-call team's page: open reports of an immediate danger, oldest first."""
from __future__ import annotations

from flask import g
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select

from grc_core.plugin_api import REQUEST_NOT_CLOSED, Request, RequestType, SecureView, db, readable_requests_conditions

from .request_types import SIGNALEMENT


class DangersView(SecureView):
    # Checked by the core on every request to the view (403 and an audit event without it).
    permission = "voirie.plan"

    @expose("/")
    def index(self):
        # Only the requests this agent may read: the same rule as the queue and the request page.
        readable = readable_requests_conditions(current_user, g.get("grc_membership"))
        reports = db.session.scalars(
            select(Request).join(RequestType, RequestType.id == Request.request_type_id)
            .where(RequestType.code == SIGNALEMENT, REQUEST_NOT_CLOSED, *readable).order_by(Request.received_at)
        )
        # The danger is a form field (JSON): a few open reports, filtered here.
        dangers = [report for report in reports if (report.data or {}).get("danger_immediat")]
        return self.render("voirie/dangers.html", reports=dangers)
