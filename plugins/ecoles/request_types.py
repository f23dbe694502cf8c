"""The plugin's request types and routing, as data (workflows: workflows.py).

Labels here are copied into the commune's own rows (editable there): they
are English sources, translated by the plugin's catalog (grc_core.copied_labels). The file fields of the inscription are exactly the
three pieces of D131-3-1 (tested against ``rules.check_requested_pieces``).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
    FieldSpec("enfant_prenom", _l("Child's first name"), required=True),
    FieldSpec("enfant_nom", _l("Child's last name"), required=True),
    FieldSpec("enfant_naissance", _l("Child's date of birth"), "date", required=True),
    FieldSpec("annee_scolaire", _l("Year of the rentrée"), "integer", required=True, min=2000, max=2100,
              help=_l("For example 2027 for the 2027-2028 school year.")),
)

PIECES = (
    FieldSpec("piece_identite_enfant", _l("Child's identity (livret de famille, birth certificate…)"), "file",
              help=_l("Optional: a sworn statement is enough (C. éduc. D131-3-1).")),
    FieldSpec("piece_identite_responsables", _l("Identity of the legal guardians"), "file",
              help=_l("Optional: a sworn statement is enough (C. éduc. D131-3-1).")),
    FieldSpec("justificatif_domicile", _l("Proof of address"), "file",
              help=_l("Proof by any means; checking the address never holds up the enrolment.")),
    FieldSpec("attestation_honneur", _l("Guardians' sworn statement (when documents are missing)"), "boolean"),
)

MOTIFS = tuple((reason.value, label) for reason, label in (
    (rules.DerogationReason.PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE,
     _l("Working parents, without school meals or childcare in the commune of residence (R212-21 1°)")),
    (rules.DerogationReason.FRERE_OU_SOEUR_SCOLARISE,
     _l("Brother or sister at the school requested (R212-21 2°)")),
    (rules.DerogationReason.RAISON_MEDICALE, _l("Medical reason (R212-21 3°)")),
    (rules.DerogationReason.CAPACITE_INSUFFISANTE, _l("Not enough places in the commune of residence")),
    (rules.DerogationReason.CONTINUITE_DE_CYCLE, _l("Finishing a cycle begun at the school")),
    (rules.DerogationReason.CONVENANCE_PERSONNELLE, _l("Personal convenience (childcare, place of work…)")),
))
PERIMETRES = (
    ("intra", _l("Within the commune (change of catchment area)")),
    ("entrante", _l("Child of another commune to a school of the commune")),
    ("sortante", _l("Child of the commune to a school of another commune")),
)


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            INSCRIPTION, _l("School enrolment"), SERVICE, "ecoles.inscription",
            fields=CHILD + (
                FieldSpec("adresse_numero", _l("Street number"), help=_l("Number in the street (12, 12 bis…).")),
                FieldSpec("adresse_voie", _l("Child's street of residence"), required=True),
                FieldSpec("toute_petite_section", _l("Request for the toute petite section (2-year-old child)"), "boolean",
                          help=_l("Within the places available (C. éduc. D113-1).")),
            ) + PIECES,
            sla_days=15, public=True, order=10,
        ),
        RequestTypeDecl(
            DEROGATION, _l("School catchment-area exemption"), SERVICE, "ecoles.derogation",
            fields=CHILD + (
                FieldSpec("perimetre", _l("Kind of exemption"), "choice", required=True, choices=PERIMETRES),
                FieldSpec("ecole_demandee", _l("School asked for"), required=True,
                          help=_l("Name or code of the school asked for.")),
                FieldSpec("commune_residence", _l("Commune of residence"), "text",
                          condition=("perimetre", ("entrante",))),
                FieldSpec("commune_ecole", _l("Commune of the school asked for"), "text",
                          condition=("perimetre", ("sortante",))),
                FieldSpec("motif", _l("Reason"), "choice", required=True, choices=MOTIFS),
                FieldSpec("precisions", _l("Further details"), "textarea"),
            ),
            sla_days=30, public=True, order=20,
        ),
        RequestTypeDecl(
            RESTAURATION, _l("School meals and after-school care services"), SERVICE, "ecoles.activites",
            fields=CHILD + (
                FieldSpec("cantine", _l("School meals"), "boolean"),
                FieldSpec("matin", _l("Morning care"), "boolean"),
                FieldSpec("soir", _l("Evening care"), "boolean"),
                FieldSpec("mercredi", _l("Wednesday care"), "boolean"),
                FieldSpec("quotient_familial", _l("CAF family quotient (€)"), "integer", min=0, max=100000,
                          help=_l("Without a family quotient, the rate of the highest band applies.")),
            ),
            sla_days=10, public=True, order=30,
        ),
        RequestTypeDecl(
            CHANGEMENT, _l("Change of school after a move"), SERVICE, "ecoles.inscription",
            fields=CHILD + (
                FieldSpec("date_demenagement", _l("Date of the move"), "date", required=True),
                FieldSpec("adresse_numero", _l("Street number"), help=_l("Number in the new street.")),
                FieldSpec("adresse_voie", _l("New street of residence"), required=True),
            ) + PIECES,
            sla_days=8, public=True, order=40,
        ),
        RequestTypeDecl(
            RADIATION, _l("School deregistration (certificate of deregistration)"), SERVICE, "ecoles.radiation",
            fields=CHILD + (
                FieldSpec("date_radiation", _l("Date of leaving the school"), "date", required=True),
                FieldSpec("motif_radiation", _l("Reason"), "choice", required=True, choices=(
                    ("demenagement", _l("Move")), ("ecole_privee", _l("Enrolment in a private school")),
                    ("instruction_famille", _l("Home education")), ("autre", _l("Other reason")))),
                FieldSpec("nouvelle_ecole", _l("New school (if known)")),
            ),
            sla_days=8, public=True, order=50,
        ),
    ]


def routing_rules() -> list[RoutingRuleDecl]:
    return [RoutingRuleDecl(f"{code}.service", request_type=code, service=SERVICE, order=50) for code in TYPES]
