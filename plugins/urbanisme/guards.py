"""rules.py applied to a workflow transition (grc_check_transition): the
file's legal dates and its follow-ups may refuse it; nothing changes then."""
from __future__ import annotations

from . import dossier as files
from .follow_ups import objection


def check(request, transition) -> list[str] | None:
    dossier = files.of_request(request)
    if dossier is None:
        return None
    # files.today, looked up at each call: the day the agent acts (tests set it).
    return files.transition_objection(dossier, transition.code, files.today()) + objection(dossier, transition.code)
