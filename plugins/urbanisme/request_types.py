"""The planning procedures as request types, with their CERFA and their intake form.

Labels are English sources, translated by the plugin's catalog: copied into
the commune's rows, they keep their translation key (grc_core.copied_labels). The procedure of each type is fixed here (``PROCEDURES``);
the legal rules behind it are :mod:`.rules`'.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import FieldSpec, RequestTypeDecl

from .rules import Circumstance, Procedure, cerfa_numbers

SERVICE = "urbanisme.ads"


@dataclass(frozen=True)
class ProcedureType:
    code: str  # request type code
    procedure: Procedure
    label: object  # lazy: read in the reader's language
    workflow: str
    abbreviation: str


PROCEDURES = (
    ProcedureType("urbanisme.dp", Procedure.DECLARATION_PREALABLE, _l("Prior declaration of works (DP)"),
                  "urbanisme.autorisation", "DP"),
    ProcedureType("urbanisme.pcmi", Procedure.PERMIS_DE_CONSTRUIRE_MI,
                  _l("Building permit for a detached house (PCMI)"), "urbanisme.autorisation", "PCMI"),
    ProcedureType("urbanisme.pc", Procedure.PERMIS_DE_CONSTRUIRE, _l("Building permit (PC)"),
                  "urbanisme.autorisation", "PC"),
    ProcedureType("urbanisme.pa", Procedure.PERMIS_AMENAGER, _l("Development permit (PA)"), "urbanisme.autorisation",
                  "PA"),
    ProcedureType("urbanisme.pd", Procedure.PERMIS_DEMOLIR, _l("Demolition permit (PD)"), "urbanisme.autorisation",
                  "PD"),
    ProcedureType("urbanisme.cua", Procedure.CERTIFICAT_URBANISME_A, _l("Information planning certificate (CUa)"),
                  "urbanisme.certificat", "CUa"),
    ProcedureType("urbanisme.cub", Procedure.CERTIFICAT_URBANISME_B, _l("Operational planning certificate (CUb)"),
                  "urbanisme.certificat", "CUb"),
    ProcedureType("urbanisme.modificatif", Procedure.PERMIS_MODIFICATIF, _l("Amending permit"),
                  "urbanisme.autorisation", "PM"),
    ProcedureType("urbanisme.transfert", Procedure.TRANSFERT_PERMIS, _l("Transfer of a permit"),
                  "urbanisme.suite", "TR"),
    ProcedureType("urbanisme.prorogation", Procedure.PROROGATION, _l("Extension of an authorisation"),
                  "urbanisme.suite", "PRO"),
    ProcedureType("urbanisme.doc", Procedure.DECLARATION_OUVERTURE_CHANTIER,
                  _l("Declaration of the opening of the works site (DOC)"), "urbanisme.declaration", "DOC"),
    ProcedureType("urbanisme.daact", Procedure.DAACT,
                  _l("Declaration of completion and conformity of the works (DAACT)"),
                  "urbanisme.achevement", "DAACT"),
)
BY_CODE = {p.code: p for p in PROCEDURES}
BY_PROCEDURE = {p.procedure: p for p in PROCEDURES}


def procedure_label(dossier) -> str:
    """The label of a file's procedure, as its request type says it."""
    kind = BY_PROCEDURE.get(Procedure(dossier.procedure))
    return str(kind.label) if kind else dossier.procedure


# Procedures that follow an earlier authorisation (its reference is asked).
FOLLOW_UPS = {Procedure.PERMIS_MODIFICATIF, Procedure.TRANSFERT_PERMIS, Procedure.PROROGATION,
              Procedure.DECLARATION_OUVERTURE_CHANTIER, Procedure.DAACT}
# Procedures describing works on a land (parcels, surfaces, protections).
WITH_LAND = {Procedure.DECLARATION_PREALABLE, Procedure.PERMIS_DE_CONSTRUIRE_MI, Procedure.PERMIS_DE_CONSTRUIRE,
             Procedure.PERMIS_AMENAGER, Procedure.PERMIS_DEMOLIR, Procedure.CERTIFICAT_URBANISME_A,
             Procedure.CERTIFICAT_URBANISME_B, Procedure.PERMIS_MODIFICATIF}

CERFA_LABELS = {
    "13703": _l("13703 — detached house and its outbuildings"),
    "13404": _l("13404 — buildings and developments"),
    "13702": _l("13702 — housing estates and land divisions"),
}

PROTECTIONS = (
    (Circumstance.ABORDS_MONUMENT_HISTORIQUE.value, _l("Surroundings of a historic monument")),
    (Circumstance.SITE_PATRIMONIAL_REMARQUABLE.value, _l("Remarkable heritage site")),
    (Circumstance.SITE_CLASSE.value, _l("Listed site or site being listed")),
    (Circumstance.DEMOLITION_SITE_INSCRIT.value, _l("Demolition in a registered site")),
    (Circumstance.IMMEUBLE_INSCRIT_MH.value, _l("Building registered as a historic monument")),
    (Circumstance.TRAVAUX_ERP.value, _l("Building open to the public (ERP)")),
    (Circumstance.RESERVE_NATURELLE.value, _l("Nature reserve")),
)
CONSULTATIONS = (
    (Circumstance.AUTRE_LEGISLATION.value, _l("Other legislation (water law, ICPE…)")),
    (Circumstance.AVIS_CDPENAF.value, _l("Departmental commission (CDPENAF)")),
    (Circumstance.COMMISSION_DEPARTEMENTALE_OU_REGIONALE.value, _l("Departmental or regional commission")),
    (Circumstance.AUTORISATION_EXPLOITATION_COMMERCIALE.value, _l("Commercial operating authorisation (CDAC)")),
    (Circumstance.PARTICIPATION_DU_PUBLIC.value, _l("Public participation")),
)
# Consultation bodies of the file page; ABF is implied by the heritage protections.
BODIES = (
    ("abf", _l("Architecte des Bâtiments de France")),
    ("sdis", _l("Departmental fire and rescue service")),
    ("cdpenaf", "CDPENAF"),
    ("commission", _l("Departmental or regional commission")),
    ("cdac", _l("Commercial development commission")),
    ("gestionnaire_reseaux", _l("Network operator (water, electricity)")),
    ("autre", _l("Other body consulted")),
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
    ("favorable", _l("Favourable")),
    ("prescriptions", _l("Favourable with conditions")),
    ("defavorable", _l("Unfavourable")),
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
        fields.append(FieldSpec("cerfa", _l("CERFA form"), "choice", required=True,
                                choices=tuple((c, CERFA_LABELS.get(c, c)) for c in cerfas)))
    fields += [
        FieldSpec("date_depot", _l("Date filed at the town hall"), "date", required=True,
                  help=_l("Date of the filing receipt; the legal time limits start from it.")),
        FieldSpec("demandeur_type", _l("The applicant is"), "choice", required=True,
                  choices=(("personne", _l("A person")), ("societe", _l("A company or a legal entity")))),
        FieldSpec("demandeur_nom", _l("Applicant's name or company name"), required=True),
        FieldSpec("siret", _l("SIRET number"), condition=("demandeur_type", ("societe",)),
                  help=_l("14 digits.")),
    ]
    if procedure in FOLLOW_UPS:
        fields.append(FieldSpec("autorisation_initiale", _l("Number of the initial authorisation"), required=True,
                                help=_l("Its number (PC 045 901 25 00012, with or without spaces) or the GRC reference of its request (2026-00042).")))
    if procedure is Procedure.PERMIS_MODIFICATIF:
        # Taken from the permit's file when GRC has it (linking.py); needed otherwise, for a « PC »
        # number, which may be a PCMI's: the modificatif's delay is its permit's.
        fields.append(FieldSpec("procedure_initiale", _l("Kind of the initial authorisation"), "choice",
                                choices=tuple(c for c in INITIAL_PROCEDURES
                                              if c[0] != Procedure.DECLARATION_PREALABLE.value),
                                help=_l("Taken from the permit's file if it is in GRC; to state otherwise.")))
    if procedure in WITH_LAND or procedure is Procedure.DAACT:
        fields.append(FieldSpec("adresse_terrain", _l("Address of the land"), "address", required=True))
    if procedure in WITH_LAND:
        fields += [
            FieldSpec("parcelles", _l("Cadastral references"), required=True,
                      help=_l("Section and number of each plot, separated by commas: AB 123, AB 124.")),
            FieldSpec("superficie_terrain", _l("Land area (m²)"), "decimal", min=1, max=10_000_000),
        ]
    if procedure in WITH_LAND and procedure not in (Procedure.CERTIFICAT_URBANISME_A,):
        fields.append(FieldSpec("nature_travaux", _l("Nature of the works or project"), "textarea", required=True))
    if procedure in WITH_LAND - {Procedure.CERTIFICAT_URBANISME_A, Procedure.CERTIFICAT_URBANISME_B,
                                 Procedure.PERMIS_DEMOLIR}:
        fields += [
            FieldSpec("surface_plancher", _l("Floor area created (m²)"), "decimal", min=0, max=1_000_000),
            FieldSpec("hauteur", _l("Height of the building (m)"), "decimal", min=0, max=300),
        ]
    if procedure in WITH_LAND:
        fields += [
            FieldSpec("zone_plu", _l("PLU zone"), help=_l("For example UA, UB, AU, A, N.")),
            FieldSpec("protections", _l("Protections of the land"), "multichoice", choices=PROTECTIONS),
        ]
    if procedure in WITH_LAND - {Procedure.CERTIFICAT_URBANISME_A}:
        fields.append(FieldSpec("consultations", _l("Consultations needed"), "multichoice",
                                choices=CONSULTATIONS))
    if procedure is Procedure.DAACT:
        fields.append(FieldSpec("date_achevement", _l("Date the works were completed"), "date", required=True))
    if procedure is Procedure.DECLARATION_OUVERTURE_CHANTIER:
        fields.append(FieldSpec("date_ouverture", _l("Date the works started"), "date", required=True))
    fields.append(FieldSpec("pieces", _l("Documents supplied"), "textarea",
                            help=_l("List of the documents in the file (PCMI1 location plan, DP2 site plan…).")))
    return tuple(fields)


def request_types() -> list[RequestTypeDecl]:
    return [
        RequestTypeDecl(
            kind.code, kind.label, service=SERVICE, workflow=kind.workflow, fields=fields_for(kind),
            channels=("guichet", "courrier", "email", "web"), order=10 + n,
        )
        for n, kind in enumerate(PROCEDURES)
    ]
