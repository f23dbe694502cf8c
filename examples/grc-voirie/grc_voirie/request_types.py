"""The plugin's request type and its default routing, as data (workflow: workflows.py).

Labels are copied into the commune's own rows, which it may edit: they are
written in French, the commune's language.
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from .rules import Nature

SERVICE = "voirie.voirie"
SIGNALEMENT = "voirie.signalement"

NATURES = (
    (Nature.POTHOLE.value, "Nid-de-poule"),
    (Nature.LIGHTING.value, "Éclairage public"),
    (Nature.SIGNAGE.value, "Signalisation"),
    (Nature.OTHER.value, "Autre"),
)


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            SIGNALEMENT, "Signalement sur la voirie", SERVICE, "voirie.intervention",
            fields=(
                FieldSpec("nature", "Nature du problème", "choice", required=True, choices=NATURES),
                FieldSpec("adresse", "Adresse", "address", required=True),
                FieldSpec("largeur_cm", "Largeur du trou (cm)", "integer", min=1, max=1000,
                          condition=("nature", (Nature.POTHOLE.value,))),
                FieldSpec("danger_immediat", "Danger immédiat pour la circulation", "boolean"),
                FieldSpec("description", "Description", "textarea"),
            ),
            # WORKING days from reception to the due date (weekends and public holidays skipped).
            sla_days=5,
            public=True,
        ),
    ]


def routing_rules() -> list[RoutingRuleDecl]:
    # Asked after the administrator's rules and grc_route_request (plugin.py).
    return [RoutingRuleDecl("voirie.signalements", request_type=SIGNALEMENT, service=SERVICE)]
