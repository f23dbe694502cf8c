"""The plugin's request types and routing, as data (workflows: workflows.py).

Labels here are copied into the commune's own rows (editable there): they
are written in French. The file fields of the inscription are exactly the
three pieces of D131-3-1 (tested against ``rules.check_requested_pieces``).
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from . import rules

SERVICE = "ecoles.affaires_scolaires"
INSCRIPTION = "ecoles.inscription"
DEROGATION = "ecoles.derogation"
RESTAURATION = "ecoles.restauration"
CHANGEMENT = "ecoles.changement"
RADIATION = "ecoles.radiation"
TYPES = (INSCRIPTION, DEROGATION, RESTAURATION, CHANGEMENT, RADIATION)

# Form fields that name a piece, mapped to the D131-3-1 piece they are.
PIECE_FIELDS = {
    "piece_identite_enfant": rules.Piece.IDENTITE_ENFANT,
    "piece_identite_responsables": rules.Piece.IDENTITE_RESPONSABLES,
    "justificatif_domicile": rules.Piece.JUSTIFICATIF_DOMICILE,
}

CHILD = (
    FieldSpec("enfant_prenom", "Prénom de l'enfant", required=True),
    FieldSpec("enfant_nom", "Nom de l'enfant", required=True),
    FieldSpec("enfant_naissance", "Date de naissance de l'enfant", "date", required=True),
    FieldSpec("annee_scolaire", "Année de la rentrée", "integer", required=True, min=2000, max=2100,
              help="Par exemple 2027 pour l'année scolaire 2027-2028."),
)

PIECES = (
    FieldSpec("piece_identite_enfant", "Identité de l'enfant (livret de famille, acte de naissance…)", "file",
              help="Facultatif : une attestation sur l'honneur suffit (C. éduc. D131-3-1)."),
    FieldSpec("piece_identite_responsables", "Identité des responsables légaux", "file",
              help="Facultatif : une attestation sur l'honneur suffit (C. éduc. D131-3-1)."),
    FieldSpec("justificatif_domicile", "Justificatif de domicile", "file",
              help="Preuve par tout moyen ; la vérification du domicile ne bloque jamais l'inscription."),
    FieldSpec("attestation_honneur", "Attestation sur l'honneur des responsables (à défaut de pièces)", "boolean"),
)

MOTIFS = tuple((reason.value, label) for reason, label in (
    (rules.DerogationReason.PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE,
     "Parents qui travaillent, sans restauration ni garde dans la commune de résidence (R212-21 1°)"),
    (rules.DerogationReason.FRERE_OU_SOEUR_SCOLARISE, "Frère ou sœur scolarisé dans l'école demandée (R212-21 2°)"),
    (rules.DerogationReason.RAISON_MEDICALE, "Raison médicale (R212-21 3°)"),
    (rules.DerogationReason.CAPACITE_INSUFFISANTE, "Capacité d'accueil insuffisante dans la commune de résidence"),
    (rules.DerogationReason.CONTINUITE_DE_CYCLE, "Poursuite d'un cycle commencé dans l'école"),
    (rules.DerogationReason.CONVENANCE_PERSONNELLE, "Convenance personnelle (garde, lieu de travail…)"),
))
PERIMETRES = (
    ("intra", "Dans la commune (changement de secteur)"),
    ("entrante", "Enfant d'une autre commune vers une école de la commune"),
    ("sortante", "Enfant de la commune vers une école d'une autre commune"),
)


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            INSCRIPTION, "Inscription scolaire", SERVICE, "ecoles.inscription",
            fields=CHILD + (
                FieldSpec("adresse_numero", "Numéro", help="Numéro dans la voie (12, 12 bis…)."),
                FieldSpec("adresse_voie", "Voie de résidence de l'enfant", required=True),
                FieldSpec("toute_petite_section", "Demande de toute petite section (enfant de 2 ans)", "boolean",
                          help="Dans la limite des places disponibles (C. éduc. D113-1)."),
            ) + PIECES,
            sla_days=15, public=True, order=10,
        ),
        RequestTypeDecl(
            DEROGATION, "Dérogation de secteur scolaire", SERVICE, "ecoles.derogation",
            fields=CHILD + (
                FieldSpec("perimetre", "Type de dérogation", "choice", required=True, choices=PERIMETRES),
                FieldSpec("ecole_demandee", "École demandée", required=True,
                          help="Nom ou code de l'école demandée."),
                FieldSpec("commune_residence", "Commune de résidence", "text",
                          condition=("perimetre", ("entrante",))),
                FieldSpec("commune_ecole", "Commune de l'école demandée", "text",
                          condition=("perimetre", ("sortante",))),
                FieldSpec("motif", "Motif", "choice", required=True, choices=MOTIFS),
                FieldSpec("precisions", "Précisions", "textarea"),
            ),
            sla_days=30, public=True, order=20,
        ),
        RequestTypeDecl(
            RESTAURATION, "Restauration scolaire et accueil périscolaire", SERVICE, "ecoles.activites",
            fields=CHILD + (
                FieldSpec("cantine", "Restauration scolaire", "boolean"),
                FieldSpec("matin", "Accueil du matin", "boolean"),
                FieldSpec("soir", "Accueil du soir", "boolean"),
                FieldSpec("mercredi", "Accueil du mercredi", "boolean"),
                FieldSpec("quotient_familial", "Quotient familial CAF (€)", "integer", min=0, max=100000,
                          help="Sans quotient familial, le tarif de la tranche la plus haute s'applique."),
            ),
            sla_days=10, public=True, order=30,
        ),
        RequestTypeDecl(
            CHANGEMENT, "Changement d'école après un déménagement", SERVICE, "ecoles.inscription",
            fields=CHILD + (
                FieldSpec("date_demenagement", "Date du déménagement", "date", required=True),
                FieldSpec("adresse_numero", "Numéro", help="Numéro dans la nouvelle voie."),
                FieldSpec("adresse_voie", "Nouvelle voie de résidence", required=True),
            ) + PIECES,
            sla_days=8, public=True, order=40,
        ),
        RequestTypeDecl(
            RADIATION, "Radiation scolaire (certificat de radiation)", SERVICE, "ecoles.radiation",
            fields=CHILD + (
                FieldSpec("date_radiation", "Date de départ de l'école", "date", required=True),
                FieldSpec("motif_radiation", "Motif", "choice", required=True, choices=(
                    ("demenagement", "Déménagement"), ("ecole_privee", "Inscription dans une école privée"),
                    ("instruction_famille", "Instruction dans la famille"), ("autre", "Autre motif"))),
                FieldSpec("nouvelle_ecole", "Nouvelle école (si connue)"),
            ),
            sla_days=8, public=True, order=50,
        ),
    ]


def routing_rules() -> list[RoutingRuleDecl]:
    return [RoutingRuleDecl(f"{code}.service", request_type=code, service=SERVICE, order=50) for code in TYPES]
