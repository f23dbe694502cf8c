"""The planning procedures as request types, with their CERFA and their intake form.

Labels are French: they are copied into the commune's rows and become its
editable data. The procedure of each type is fixed here (``PROCEDURES``);
the legal rules behind it are :mod:`.rules`'.
"""
from __future__ import annotations

from dataclasses import dataclass

from grc_core.plugin_api import FieldSpec, RequestTypeDecl

from .rules import Circumstance, Procedure, cerfa_numbers

SERVICE = "urbanisme.ads"


@dataclass(frozen=True)
class ProcedureType:
    code: str  # request type code
    procedure: Procedure
    label: str
    workflow: str
    abbreviation: str


PROCEDURES = (
    ProcedureType("urbanisme.dp", Procedure.DECLARATION_PREALABLE, "Déclaration préalable de travaux",
                  "urbanisme.autorisation", "DP"),
    ProcedureType("urbanisme.pcmi", Procedure.PERMIS_DE_CONSTRUIRE_MI,
                  "Permis de construire une maison individuelle", "urbanisme.autorisation", "PCMI"),
    ProcedureType("urbanisme.pc", Procedure.PERMIS_DE_CONSTRUIRE, "Permis de construire",
                  "urbanisme.autorisation", "PC"),
    ProcedureType("urbanisme.pa", Procedure.PERMIS_AMENAGER, "Permis d'aménager", "urbanisme.autorisation", "PA"),
    ProcedureType("urbanisme.pd", Procedure.PERMIS_DEMOLIR, "Permis de démolir", "urbanisme.autorisation", "PD"),
    ProcedureType("urbanisme.cua", Procedure.CERTIFICAT_URBANISME_A, "Certificat d'urbanisme d'information (CUa)",
                  "urbanisme.certificat", "CUa"),
    ProcedureType("urbanisme.cub", Procedure.CERTIFICAT_URBANISME_B, "Certificat d'urbanisme opérationnel (CUb)",
                  "urbanisme.certificat", "CUb"),
    ProcedureType("urbanisme.modificatif", Procedure.PERMIS_MODIFICATIF, "Permis modificatif",
                  "urbanisme.autorisation", "PM"),
    ProcedureType("urbanisme.transfert", Procedure.TRANSFERT_PERMIS, "Transfert de permis",
                  "urbanisme.suite", "TR"),
    ProcedureType("urbanisme.prorogation", Procedure.PROROGATION, "Prorogation d'une autorisation",
                  "urbanisme.suite", "PRO"),
    ProcedureType("urbanisme.doc", Procedure.DECLARATION_OUVERTURE_CHANTIER,
                  "Déclaration d'ouverture de chantier (DOC)", "urbanisme.declaration", "DOC"),
    ProcedureType("urbanisme.daact", Procedure.DAACT,
                  "Déclaration attestant l'achèvement et la conformité des travaux (DAACT)",
                  "urbanisme.achevement", "DAACT"),
)
BY_CODE = {p.code: p for p in PROCEDURES}
BY_PROCEDURE = {p.procedure: p for p in PROCEDURES}


def procedure_label(dossier) -> str:
    """The label of a file's procedure, as its request type says it."""
    kind = BY_PROCEDURE.get(Procedure(dossier.procedure))
    return kind.label if kind else dossier.procedure


# Procedures that follow an earlier authorisation (its reference is asked).
FOLLOW_UPS = {Procedure.PERMIS_MODIFICATIF, Procedure.TRANSFERT_PERMIS, Procedure.PROROGATION,
              Procedure.DECLARATION_OUVERTURE_CHANTIER, Procedure.DAACT}
# Procedures describing works on a land (parcels, surfaces, protections).
WITH_LAND = {Procedure.DECLARATION_PREALABLE, Procedure.PERMIS_DE_CONSTRUIRE_MI, Procedure.PERMIS_DE_CONSTRUIRE,
             Procedure.PERMIS_AMENAGER, Procedure.PERMIS_DEMOLIR, Procedure.CERTIFICAT_URBANISME_A,
             Procedure.CERTIFICAT_URBANISME_B, Procedure.PERMIS_MODIFICATIF}

CERFA_LABELS = {
    "13703": "13703 — maison individuelle et ses annexes",
    "13404": "13404 — constructions et aménagements",
    "13702": "13702 — lotissements et divisions foncières",
}

PROTECTIONS = (
    (Circumstance.ABORDS_MONUMENT_HISTORIQUE.value, "Abords d'un monument historique"),
    (Circumstance.SITE_PATRIMONIAL_REMARQUABLE.value, "Site patrimonial remarquable"),
    (Circumstance.SITE_CLASSE.value, "Site classé ou en instance de classement"),
    (Circumstance.DEMOLITION_SITE_INSCRIT.value, "Démolition en site inscrit"),
    (Circumstance.IMMEUBLE_INSCRIT_MH.value, "Immeuble inscrit au titre des monuments historiques"),
    (Circumstance.TRAVAUX_ERP.value, "Établissement recevant du public (ERP)"),
    (Circumstance.RESERVE_NATURELLE.value, "Réserve naturelle"),
)
CONSULTATIONS = (
    (Circumstance.AUTRE_LEGISLATION.value, "Autre législation (loi sur l'eau, ICPE…)"),
    (Circumstance.AVIS_CDPENAF.value, "Commission départementale (CDPENAF)"),
    (Circumstance.COMMISSION_DEPARTEMENTALE_OU_REGIONALE.value, "Commission départementale ou régionale"),
    (Circumstance.AUTORISATION_EXPLOITATION_COMMERCIALE.value, "Autorisation d'exploitation commerciale (CDAC)"),
    (Circumstance.PARTICIPATION_DU_PUBLIC.value, "Participation du public"),
)
# Consultation bodies of the file page; ABF is implied by the heritage protections.
BODIES = (
    ("abf", "Architecte des Bâtiments de France"),
    ("sdis", "Service départemental d'incendie et de secours"),
    ("cdpenaf", "CDPENAF"),
    ("commission", "Commission départementale ou régionale"),
    ("cdac", "Commission d'aménagement commercial"),
    ("gestionnaire_reseaux", "Gestionnaire des réseaux (eau, électricité)"),
    ("autre", "Autre service consulté"),
)
BODY_OF_CIRCUMSTANCE = {
    Circumstance.ABORDS_MONUMENT_HISTORIQUE.value: "abf",
    Circumstance.SITE_PATRIMONIAL_REMARQUABLE.value: "abf",
    Circumstance.IMMEUBLE_INSCRIT_MH.value: "abf",
    Circumstance.TRAVAUX_ERP.value: "sdis",
    Circumstance.AVIS_CDPENAF.value: "cdpenaf",
    Circumstance.COMMISSION_DEPARTEMENTALE_OU_REGIONALE.value: "commission",
    Circumstance.AUTORISATION_EXPLOITATION_COMMERCIALE.value: "cdac",
    Circumstance.AUTRE_LEGISLATION.value: "autre",
}
OPINIONS = (
    ("favorable", "Favorable"),
    ("prescriptions", "Favorable avec prescriptions"),
    ("defavorable", "Défavorable"),
)
INITIAL_PROCEDURES = tuple(
    (p.procedure.value, p.label) for p in PROCEDURES
    if p.procedure in (Procedure.PERMIS_DE_CONSTRUIRE_MI, Procedure.PERMIS_DE_CONSTRUIRE,
                       Procedure.PERMIS_AMENAGER, Procedure.PERMIS_DEMOLIR, Procedure.DECLARATION_PREALABLE)
)


def fields_for(kind: ProcedureType) -> tuple[FieldSpec, ...]:
    """The intake form of a procedure: what the CERFA asks that the instruction needs."""
    procedure = kind.procedure
    fields: list[FieldSpec] = []
    cerfas = cerfa_numbers(procedure)
    if len(cerfas) > 1:
        fields.append(FieldSpec("cerfa", "Formulaire CERFA", "choice", required=True,
                                choices=tuple((c, CERFA_LABELS.get(c, c)) for c in cerfas)))
    fields += [
        FieldSpec("date_depot", "Date de dépôt en mairie", "date", required=True,
                  help="Date du récépissé de dépôt ; les délais légaux en partent."),
        FieldSpec("demandeur_type", "Le demandeur est", "choice", required=True,
                  choices=(("personne", "Une personne"), ("societe", "Une société ou une personne morale"))),
        FieldSpec("demandeur_nom", "Nom du demandeur ou raison sociale", required=True),
        FieldSpec("siret", "Numéro SIRET", condition=("demandeur_type", ("societe",)),
                  help="14 chiffres."),
    ]
    if procedure in FOLLOW_UPS:
        fields.append(FieldSpec("autorisation_initiale", "Numéro de l'autorisation initiale", required=True,
                                help="Son numéro (PC 045 901 25 00012, avec ou sans espaces) ou la référence GRC "
                                     "de sa demande (2026-00042)."))
    if procedure is Procedure.PERMIS_MODIFICATIF:
        # Taken from the permit's file when GRC has it (linking.py); needed otherwise, for a « PC »
        # number, which may be a PCMI's: the modificatif's delay is its permit's.
        fields.append(FieldSpec("procedure_initiale", "Nature de l'autorisation initiale", "choice",
                                choices=tuple(c for c in INITIAL_PROCEDURES
                                              if c[0] != Procedure.DECLARATION_PREALABLE.value),
                                help="Reprise du dossier du permis s'il est dans GRC ; à préciser sinon."))
    if procedure in WITH_LAND or procedure is Procedure.DAACT:
        fields.append(FieldSpec("adresse_terrain", "Adresse du terrain", "address", required=True))
    if procedure in WITH_LAND:
        fields += [
            FieldSpec("parcelles", "Références cadastrales", required=True,
                      help="Section et numéro de chaque parcelle, séparées par des virgules : AB 123, AB 124."),
            FieldSpec("superficie_terrain", "Superficie du terrain (m²)", "decimal", min=1, max=10_000_000),
        ]
    if procedure in WITH_LAND and procedure not in (Procedure.CERTIFICAT_URBANISME_A,):
        fields.append(FieldSpec("nature_travaux", "Nature des travaux ou du projet", "textarea", required=True))
    if procedure in WITH_LAND - {Procedure.CERTIFICAT_URBANISME_A, Procedure.CERTIFICAT_URBANISME_B,
                                 Procedure.PERMIS_DEMOLIR}:
        fields += [
            FieldSpec("surface_plancher", "Surface de plancher créée (m²)", "decimal", min=0, max=1_000_000),
            FieldSpec("hauteur", "Hauteur de la construction (m)", "decimal", min=0, max=300),
        ]
    if procedure in WITH_LAND:
        fields += [
            FieldSpec("zone_plu", "Zone du PLU", help="Par exemple UA, UB, AU, A, N."),
            FieldSpec("protections", "Protections du terrain", "multichoice", choices=PROTECTIONS),
        ]
    if procedure in WITH_LAND - {Procedure.CERTIFICAT_URBANISME_A}:
        fields.append(FieldSpec("consultations", "Consultations nécessaires", "multichoice",
                                choices=CONSULTATIONS))
    if procedure is Procedure.DAACT:
        fields.append(FieldSpec("date_achevement", "Date d'achèvement des travaux", "date", required=True))
    if procedure is Procedure.DECLARATION_OUVERTURE_CHANTIER:
        fields.append(FieldSpec("date_ouverture", "Date d'ouverture du chantier", "date", required=True))
    fields.append(FieldSpec("pieces", "Pièces fournies", "textarea",
                            help="Liste des pièces jointes au dossier (PCMI1 plan de situation, DP2 plan de masse…)."))
    return tuple(fields)


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            kind.code, kind.label, service=SERVICE, workflow=kind.workflow, fields=fields_for(kind),
            channels=("guichet", "courrier", "email", "web"), order=10 + n,
        )
        for n, kind in enumerate(PROCEDURES)
    ]
