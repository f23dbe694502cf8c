"""Agent-level satisfaction (Citizens › My satisfaction): the closing
surveys of the requests an agent handled (``SurveyInvitation.agent_id``:
the request's assignee when it was closed, else who closed it).

An agent sees his own figures; only ``enquetes.agent_results`` (managers)
may read another agent's — checked here, on the server, for the page and
its export. Figures only, never the comments (they are read on the results
page, limited to the requests the reader may read); a confidential type
below its threshold is left out as everywhere."""
from __future__ import annotations

from flask import abort, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from grc_core.plugin_api import (
    Membership, SecureView, User, can, db, parse_int, record_audit_event, spreadsheet_download,
)

from . import closing_results
from .labels import SCORE_FACES, SCORE_LABELS
from .views import ID_MAX, _period, figure_rows

PERMISSION = "enquetes.agent_results"


def agents() -> list[User]:
    """The commune's members who handle requests (élus do not)."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                   .where(Membership.role != "elu").order_by(User.full_name, User.id)))


def agent_or_error() -> User:
    """The agent whose figures are asked: oneself by default; another only
    with the permission (403), and only a member of this commune (404)."""
    asked = request.args.get("agent", "")
    agent_id = parse_int(asked, low=1, high=ID_MAX) if asked else current_user.id
    if agent_id is None:
        abort(404)
    if agent_id != current_user.id and not can(PERMISSION):
        abort(403)
    found = next((user for user in agents() if user.id == agent_id), None)
    if found is None:
        if agent_id == current_user.id:
            return current_user
        abort(404)
    return found


class AgentResultsView(SecureView):
    permission = "core.backoffice"

    def _data(self):
        agent = agent_or_error()
        start, end = _period()
        scope = closing_results.surveyed(start, end, agent_id=agent.id)
        types = scope.types
        return {"agent": agent, "start": start, "end": end, "hidden": scope.hidden,
                "total": closing_results.figures(scope.invitations),
                "per_type": closing_results.grouped(
                    scope.invitations, lambda i: i.request_type_id,
                    lambda tid: types[tid].shown_label if tid in types else "—"),
                "per_month": closing_results.grouped(scope.invitations, closing_results.month_key,
                                                           closing_results.month_label, by_key=True)}

    @expose("/")
    def index(self):
        data = self._data()
        return self.render("enquetes/agent_results.html", score_labels=SCORE_LABELS, score_faces=SCORE_FACES,
                           agents=agents() if can(PERMISSION) else None, export_args=request.args.to_dict(),
                           **data)

    @expose("/export.<fmt>")
    def export(self, fmt):
        if fmt not in ("csv", "xlsx"):
            abort(404)
        data = self._data()
        rows = [[_("Agent"), data["agent"].full_name or data["agent"].email], []]
        rows += figure_rows([(_("Type"), data["per_type"]), (_("Month"), data["per_month"]),
                             (_("All"), [("", data["total"])])])
        record_audit_event("enquetes.agent_export", target=str(data["agent"].id), commit=True)
        return spreadsheet_download(rows, fmt, f"satisfaction-agent-{data['agent'].id}-{data['start']}-{data['end']}")
