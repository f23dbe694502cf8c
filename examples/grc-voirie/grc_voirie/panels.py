"""The voirie's blocks on the citizen's and the request's pages: templates
of templates/voirie/, rendered by the core with autoescape."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from grc_core.plugin_api import CitizenPanel, RequestPanel

from .request_types import SIGNALEMENT


def citizen_panels(requests) -> list[CitizenPanel] | None:
    # ``requests``: the citizen's requests the agent may read, chosen by the core.
    reports = [request for request in requests if request.request_type.code == SIGNALEMENT]
    if not reports:
        return None
    return [CitizenPanel(_("Road reports"), "voirie/citizen_panel.html", {"reports": reports}, order=40)]


def request_panels(request, commune) -> list[RequestPanel] | None:
    if request.request_type.code != SIGNALEMENT:
        return None
    data = request.data or {}
    planned = data.get("voirie_intervention_le")
    context = {"data": data, "on_call": (commune.settings or {}).get("voirie.astreinte", ""),
               "planned_on": date.fromisoformat(planned) if planned else None}
    return [RequestPanel(_("Road"), "voirie/request_panel.html", context, order=40)]
