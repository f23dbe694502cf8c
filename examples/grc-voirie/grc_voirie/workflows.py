"""The voirie's workflow template, as data: each commune edits its own copy
(labels in French, like the request type's)."""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, StateSpec, TimerSpec, TransitionSpec, WorkflowDecl

PLAN = "voirie.plan"


def workflows() -> list[WorkflowDecl]:
    return [
        WorkflowDecl(
            "voirie.intervention", "Intervention sur la voirie",
            states=(
                StateSpec("recu", "Reçu", "new"),
                StateSpec("pris_en_charge", "Pris en charge", "open"),
                StateSpec("planifie", "Intervention planifiée", "waiting"),
                StateSpec("repare", "Réparé", "closed"),
                StateSpec("classe", "Classé sans suite", "closed"),
            ),
            transitions=(
                TransitionSpec("prendre_en_charge", "Prendre en charge", ("recu",), "pris_en_charge"),
                # The date belongs to this decision only: asked here, kept in the history.
                TransitionSpec("planifier", "Planifier l'intervention", ("pris_en_charge",), "planifie",
                               roles=(), permission=PLAN, notify_citizen=True, fields=(
                                   FieldSpec("date_intervention", "Date de l'intervention", "date", required=True),
                                   FieldSpec("equipe", "Équipe", "text"),
                               )),
                TransitionSpec("reparer", "Réparé", ("pris_en_charge", "planifie"), "repare", notify_citizen=True),
                TransitionSpec("classer", "Classer sans suite", ("recu", "pris_en_charge"), "classe",
                               comment_required=True, notify_citizen=True),
            ),
            timers=(
                # A danger not taken in charge within 4 hours of its reception: the service's
                # manager is e-mailed and given the report; it stays where it is.
                TimerSpec("danger_non_pris", "recu", delay_hours=4, anchor="created",
                          condition=("danger_immediat", ("oui",)), action="escalate", escalate=("notify", "assign")),
                # A planned intervention not reported done after a month closes as repaired.
                TimerSpec("cloture_auto", "planifie", "reparer", delay_months=1),
            ),
        ),
    ]
