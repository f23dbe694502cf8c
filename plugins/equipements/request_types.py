"""The plugin's request types and routing, as data (workflows: workflows.py).

Labels here are copied into the commune's own rows (editable there): they
are written in French. Times are chosen by the half-hour (the form has no
time type; a choice cannot be malformed).
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from . import rules
from .models import CATEGORY_LABELS, LOAN_MODES

SERVICE = "equipements.equipements"
RESERVATION = "equipements.reservation"
CRENEAUX = "equipements.creneaux"
PRET = "equipements.pret"
BUVETTE = "equipements.buvette"
TYPES = (RESERVATION, CRENEAUX, PRET, BUVETTE)

HOURS = tuple((f"{m // 60:02d}:{m % 60:02d}", f"{m // 60:02d}:{m % 60:02d}") for m in range(0, 24 * 60 + 1, 30))
WEEKDAY_CHOICES = tuple((str(i), name.capitalize()) for i, name in enumerate(rules.WEEKDAYS))
GROUPS = (("1", "Groupe 1 : boissons sans alcool"), ("3", "Groupe 3 : boissons fermentées (vin, bière, cidre…)"),
          ("4", "Groupe 4 : rhums, tafias"), ("5", "Groupe 5 : autres alcools"))
ORGANISERS = tuple((kind.value, label) for kind, label in (
    (rules.OrganiserKind.ASSOCIATION, "Association"),
    (rules.OrganiserKind.SPORTS_ASSOCIATION, "Association sportive"),
    (rules.OrganiserKind.OTHER, "Autre organisateur"),
))
FACILITY_HELP = "Nom ou code de l'équipement (salle des fêtes, gymnase…)."


def _period(what: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec("date_debut", f"Date de début {what}", "date", required=True),
        FieldSpec("heure_debut", "Heure de début", "choice", required=True, choices=HOURS),
        FieldSpec("date_fin", f"Date de fin {what}", "date", required=True),
        FieldSpec("heure_fin", "Heure de fin", "choice", required=True, choices=HOURS),
    )


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            RESERVATION, "Réservation d'une salle ou d'un équipement", SERVICE, "equipements.reservation",
            fields=(
                FieldSpec("equipement", "Équipement", required=True, help=FACILITY_HELP),
                FieldSpec("categorie", "Catégorie d'utilisateur", "choice", required=True, choices=CATEGORY_LABELS,
                          help="Justifiée par la fiche de l'usager ou une pièce (statuts d'une association…)."),
                *_period("de la réservation"),
                FieldSpec("objet", "Objet de la manifestation", required=True),
                FieldSpec("participants", "Nombre de participants attendus", "integer", required=True, min=1,
                          max=100000),
                FieldSpec("organisateur", "Association ou organisme (le cas échéant)"),
                FieldSpec("attestation_assurance", "Attestation d'assurance responsabilité civile", "file",
                          help="Exigée avant la confirmation de la réservation."),
            ),
            sla_days=10, public=True, order=10,
        ),
        RequestTypeDecl(
            CRENEAUX, "Créneaux réguliers d'une association pour une saison", SERVICE, "equipements.creneaux",
            fields=(
                FieldSpec("equipement", "Équipement", required=True, help=FACILITY_HELP),
                FieldSpec("association", "Association", required=True),
                FieldSpec("jour", "Jour de la semaine", "choice", required=True, choices=WEEKDAY_CHOICES),
                FieldSpec("heure_debut", "Heure de début", "choice", required=True, choices=HOURS),
                FieldSpec("heure_fin", "Heure de fin", "choice", required=True, choices=HOURS),
                FieldSpec("premier_jour", "Premier jour de la saison", "date", required=True),
                FieldSpec("dernier_jour", "Dernier jour de la saison", "date", required=True),
                FieldSpec("participants", "Nombre de participants par créneau", "integer", required=True, min=1,
                          max=100000),
                FieldSpec("activite", "Activité", required=True),
            ),
            sla_days=30, public=True, order=20,
        ),
        RequestTypeDecl(
            PRET, "Prêt de matériel (tables, chaises, barrières…)", SERVICE, "equipements.pret",
            fields=(
                *_period("du prêt"),
                FieldSpec("materiel", "Matériel demandé", "textarea", required=True,
                          help="Une ligne par matériel : quantité puis nom, par exemple « 20 tables »."),
                FieldSpec("mode", "Livraison ou retrait", "choice", required=True, choices=LOAN_MODES),
                FieldSpec("lieu", "Lieu de livraison", condition=("mode", ("livraison",))),
                FieldSpec("objet", "Manifestation", required=True),
            ),
            sla_days=10, public=True, order=30,
        ),
        RequestTypeDecl(
            BUVETTE, "Buvette temporaire (débit de boissons temporaire)", SERVICE, "equipements.buvette",
            fields=(
                FieldSpec("association", "Association organisatrice", required=True),
                FieldSpec("organisateur_type", "Type d'organisateur", "choice", required=True, choices=ORGANISERS),
                FieldSpec("agrement_sportif", "Association sportive agréée (C. sport L121-4)", "boolean"),
                FieldSpec("equipement_sportif", "Dans un stade, un gymnase ou un équipement sportif", "boolean"),
                FieldSpec("manifestation", "Manifestation publique", required=True),
                FieldSpec("lieu", "Lieu", required=True),
                *_period("de la buvette"),
                FieldSpec("groupes", "Boissons vendues", "multichoice", choices=GROUPS,
                          help="Seuls les groupes 1 et 3 peuvent être autorisés (CSP L3334-2)."),
            ),
            sla_days=15, public=True, order=40,
        ),
    ]


def routing_rules() -> list[RoutingRuleDecl]:
    return [RoutingRuleDecl(f"{code}.service", request_type=code, service=SERVICE, order=50) for code in TYPES]
