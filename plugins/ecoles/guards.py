"""rules.py applied to a workflow transition (grc_check_transition): each
message refuses the transition and nothing changes."""
from __future__ import annotations

from flask_babel import gettext as _

from .request_types import CHANGEMENT, INSCRIPTION, RADIATION, RESTAURATION
from .services import activities_requested, capacity_problems, enrolment_of_request, known_enrolment


def check_transition(request, transition) -> list[str]:
    code = request.request_type.code
    if code in (INSCRIPTION, CHANGEMENT) and transition.code == "affecter":
        enrolment = enrolment_of_request(request.id)
        if enrolment is None or enrolment.school_id is None:
            return [_("No school is assigned to this child: choose the school in « Enrolments » (manual "
                      "assignment) before issuing the certificate.")]
    if code == RESTAURATION and transition.code in ("inscrire", "refuser"):
        enrolment = known_enrolment(request.data or {})
        if enrolment is None:
            return [_("The child no longer has a school enrolment for this year.")]
        problems = capacity_problems(enrolment, activities_requested(request.data or {}))
        if transition.code == "inscrire":
            return problems
        if not problems:
            return [_("Refusal impossible: there are places left for every service requested. Enrolment in the "
                      "canteen is a right as long as the capacity is not reached (C. éduc. L131-13).")]
    if code == RADIATION and transition.code == "radier" and known_enrolment(request.data or {}) is None:
        return [_("No enrolment to strike off for this child and this year.")]
    return []
