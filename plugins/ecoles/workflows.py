"""The plugin's workflow templates, as data: each commune edits its own copy.

Labels are copied into the commune's rows (editable there): they are written
in French.
"""
from __future__ import annotations

from grc_core.plugin_api import StateSpec, TransitionSpec, WorkflowDecl

DECIDE = "ecoles.derogation.decide"
ASSIGN = "ecoles.assign"
STAFF = ("admin", "manager", "agent")


def workflows() -> list[WorkflowDecl]:
    return [
        WorkflowDecl(
            "ecoles.inscription", "Inscription scolaire",
            states=(
                StateSpec("recue", "Reçue", "new"),
                StateSpec("verifiee", "Dossier vérifié", "open"),
                StateSpec("affectee", "Affectée (certificat délivré)", "open"),
                StateSpec("admise", "Admise par l'école", "closed"),
                StateSpec("classee", "Classée sans suite", "closed"),
            ),
            transitions=(
                TransitionSpec("verifier", "Dossier vérifié", ("recue",), "verifiee", roles=STAFF + ("accueil",)),
                TransitionSpec("affecter", "Affecter et délivrer le certificat", ("verifiee",), "affectee",
                               roles=(), permission=ASSIGN, notify_citizen=True, set_due_days=0),
                TransitionSpec("admettre", "Admission confirmée par l'école", ("affectee",), "admise", roles=STAFF),
                TransitionSpec("classer", "Classer sans suite", ("recue", "verifiee"), "classee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.derogation", "Dérogation de secteur",
            states=(
                StateSpec("recue", "Reçue", "new"),
                StateSpec("commission", "En commission", "open"),
                StateSpec("accordee", "Accordée", "closed"),
                StateSpec("refusee", "Refusée", "closed"),
            ),
            transitions=(
                TransitionSpec("commission", "Présenter en commission", ("recue",), "commission", roles=STAFF),
                TransitionSpec("accorder", "Accorder la dérogation", ("commission",), "accordee", roles=(),
                               permission=DECIDE, notify_citizen=True),
                TransitionSpec("refuser", "Refuser la dérogation", ("commission",), "refusee", roles=(),
                               permission=DECIDE, comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.activites", "Restauration et périscolaire",
            states=(
                StateSpec("recue", "Reçue", "new"),
                StateSpec("inscrite", "Inscription enregistrée", "closed"),
                StateSpec("refusee", "Refusée faute de place", "closed"),
            ),
            transitions=(
                TransitionSpec("inscrire", "Enregistrer l'inscription", ("recue",), "inscrite", roles=STAFF,
                               notify_citizen=True),
                TransitionSpec("refuser", "Refuser faute de place", ("recue",), "refusee", roles=STAFF,
                               comment_required=True, notify_citizen=True),
            ),
        ),
        WorkflowDecl(
            "ecoles.radiation", "Radiation scolaire",
            states=(
                StateSpec("recue", "Reçue", "new"),
                StateSpec("radiee", "Radiée (certificat délivré)", "closed"),
            ),
            transitions=(
                TransitionSpec("radier", "Radier et délivrer le certificat", ("recue",), "radiee", roles=(),
                               permission=ASSIGN, notify_citizen=True),
            ),
        ),
    ]
