"""rules.py applied to a workflow transition (grc_check_transition): each
message refuses the transition and nothing changes."""
from __future__ import annotations

from .request_types import CHANGEMENT, INSCRIPTION, RADIATION, RESTAURATION
from .services import activities_requested, capacity_problems, enrolment_of_request, known_enrolment


def check_transition(request, transition) -> list[str]:
    code = request.request_type.code
    if code in (INSCRIPTION, CHANGEMENT) and transition.code == "affecter":
        enrolment = enrolment_of_request(request.id)
        if enrolment is None or enrolment.school_id is None:
            return ["Aucune école n'est affectée à cet enfant : choisissez l'école dans « Inscriptions » "
                    "(affectation manuelle) avant de délivrer le certificat."]
    if code == RESTAURATION and transition.code in ("inscrire", "refuser"):
        enrolment = known_enrolment(request.data or {})
        if enrolment is None:
            return ["L'enfant n'a plus d'inscription scolaire pour cette année."]
        problems = capacity_problems(enrolment, activities_requested(request.data or {}))
        if transition.code == "inscrire":
            return problems
        if not problems:
            return ["Refus impossible : il reste des places pour chaque service demandé. L'inscription à la "
                    "cantine est un droit tant que la capacité n'est pas atteinte (C. éduc. L131-13)."]
    if code == RADIATION and transition.code == "radier" and known_enrolment(request.data or {}) is None:
        return ["Aucune inscription à radier pour cet enfant et cette année."]
    return []
