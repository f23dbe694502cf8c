"""rules.py applied to a workflow transition (grc_check_transition): the
file's legal dates and its follow-ups may refuse it; nothing changes then.
Judged on the engine's clock (``now``: the moment the transition is
applied), never the system's."""
from __future__ import annotations

from grc_core.plugin_api import local_date

from . import dossier as files
from .follow_ups import objection


def check(request, transition, now) -> list[str] | None:
    dossier = files.of_request(request)
    if dossier is None:
        return None
    return files.transition_objection(dossier, transition.code, local_date(now)) + objection(dossier, transition.code)
