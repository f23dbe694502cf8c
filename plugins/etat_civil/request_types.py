"""Request types of the état civil and their forms (FieldSpec).

Labels and choices are English sources, translated by the plugin's catalog;
the commune's copies keep their translation key (grc_core.copied_labels).
Field names of the demande d'acte are the canonical ``rules.RequestField``
values, so ``rules.required_fields`` names them directly. Which of those
fields is required depends on the act and document asked (décret 2017-890
art. 29): conditions show the act's fields, and ``checks.py`` checks the
required ones with ``rules.required_fields``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from .rules import ActKind, DocumentKind, LivretRequester, RequesterQuality, RequestField as F

SERVICE = "etat_civil.etat_civil"

ACTE = "etat_civil.acte"
MARIAGE = "etat_civil.mariage"
PACS = "etat_civil.pacs"
RECONNAISSANCE = "etat_civil.reconnaissance"
LIVRET = "etat_civil.livret_duplicata"
NAISSANCE = "etat_civil.declaration_naissance"
RECENSEMENT = "etat_civil.recensement"
PRENOM = "etat_civil.changement_prenom"
NOM = "etat_civil.changement_nom"

ACT_LABELS = {
    ActKind.NAISSANCE: _l("Birth certificate"),
    ActKind.MARIAGE: _l("Marriage certificate"),
    ActKind.DECES: _l("Death certificate"),
    ActKind.RECONNAISSANCE: _l("Certificate of recognition"),
}
DOCUMENT_LABELS = {
    DocumentKind.COPIE_INTEGRALE: _l("Full copy"),
    DocumentKind.EXTRAIT_AVEC_FILIATION: _l("Extract with parentage"),
    DocumentKind.EXTRAIT_SANS_FILIATION: _l("Extract without parentage"),
    DocumentKind.EXTRAIT_PLURILINGUE: _l("Multilingual extract"),
}
QUALITY_LABELS = {
    RequesterQuality.INTERESSE_MAJEUR: _l("The person concerned (adult or emancipated)"),
    RequesterQuality.INTERESSE_MINEUR: _l("The person concerned (minor)"),
    RequesterQuality.CONJOINT: _l("Their spouse"),
    RequesterQuality.PARTENAIRE_PACS: _l("Their PACS partner"),
    RequesterQuality.ASCENDANT: _l("An ascendant (parent, grandparent)"),
    RequesterQuality.DESCENDANT: _l("A descendant (child, grandchild)"),
    RequesterQuality.REPRESENTANT_LEGAL: _l("Their legal representative"),
    RequesterQuality.MANDATAIRE: _l("An agent (written mandate, family authorisation)"),
    RequesterQuality.HERITIER: _l("An heir"),
    RequesterQuality.AVOCAT: _l("A lawyer"),
    RequesterQuality.NOTAIRE: _l("A notary"),
    RequesterQuality.PROCUREUR: _l("The public prosecutor"),
    RequesterQuality.OFFICIER_ETAT_CIVIL: _l("A civil registrar"),
    RequesterQuality.AUTORITE_NATIONALITE: _l("An authority in charge of nationality"),
    RequesterQuality.ADMINISTRATION: _l("An administration (text quoted)"),
    RequesterQuality.GENEALOGISTE: _l("A genealogist"),
    RequesterQuality.TIERS: _l("Another person (third party)"),
}
FIELD_LABELS = {
    F.NOM: _l("Last name of the person concerned"),
    F.PRENOMS: _l("First names of the person concerned"),
    F.DATE_NAISSANCE: _l("Date of birth"),
    F.LIEU_NAISSANCE: _l("Place of birth"),
    F.NOM_PARENT_1: _l("First parent's last name"),
    F.PRENOM_PARENT_1: _l("First parent's usual first name"),
    F.NOM_PARENT_2: _l("Second parent's last name"),
    F.PRENOM_PARENT_2: _l("Second parent's usual first name"),
    F.DATE_MARIAGE: _l("Date of the marriage"),
    F.LIEU_MARIAGE: _l("Place of the marriage"),
    F.NOM_DECLARANT: _l("Last name of the person recognising"),
    F.PRENOMS_DECLARANT: _l("First names of the person recognising"),
    F.DATE_RECONNAISSANCE: _l("Date of the recognition"),
    F.LIEU_RECONNAISSANCE: _l("Place of the recognition"),
    F.DATE_DECES: _l("Date of death"),
    F.LIEU_DECES: _l("Place of death"),
}


def _choices(labels) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), label) for code, label in labels.items())


BIRTH_OR_MARRIAGE = (str(ActKind.NAISSANCE), str(ActKind.MARIAGE))
# Acts that open to anyone 25 years after the death of the person concerned (C. patr. L213-2): the form
# asks that death date for them only (décès acts are open to anyone already).
ARCHIVE_ACTS = (*BIRTH_OR_MARRIAGE, str(ActKind.RECONNAISSANCE))
DEATH_FIELD = "date_deces_personne"
_DATE_FIELDS = {F.DATE_NAISSANCE, F.DATE_MARIAGE, F.DATE_RECONNAISSANCE, F.DATE_DECES}


def _act_field(name: F, acts: tuple[str, ...]) -> FieldSpec:
    return FieldSpec(str(name), FIELD_LABELS[name], "date" if name in _DATE_FIELDS else "text",
                     condition=("acte", acts))


ACTE_FIELDS = (
    FieldSpec("acte", _l("Certificate requested"), "choice", required=True, choices=_choices(ACT_LABELS)),
    FieldSpec("document", _l("Document requested"), "choice", required=True, choices=_choices(DOCUMENT_LABELS),
              help=_l("Death and recognition: full copy only.")),
    FieldSpec("qualite", _l("The applicant is"), "choice", required=True, choices=_choices(QUALITY_LABELS)),
    FieldSpec("qualite_client", _l("His client's standing (for a lawyer)"), "choice",
              choices=tuple((code, label) for code, label in _choices(QUALITY_LABELS)
                            if code != str(RequesterQuality.AVOCAT)),
              condition=("qualite", (str(RequesterQuality.AVOCAT),)),
              help=_l("Without this standing, an agent checks the client's rights before issuing.")),
    FieldSpec("base_legale", _l("Text that authorises the administration (quoted in its request)"),
              condition=("qualite", (str(RequesterQuality.ADMINISTRATION),))),
    FieldSpec("autorisation_archives", _l("Archives' authorisation shown"), "boolean",
              condition=("qualite", (str(RequesterQuality.GENEALOGISTE),))),
    FieldSpec("mandat_genealogiste", _l("Mandate (notary, insurer, person concerned) shown"), "boolean",
              condition=("qualite", (str(RequesterQuality.GENEALOGISTE),))),
    _act_field(F.NOM, (*BIRTH_OR_MARRIAGE, str(ActKind.DECES))),
    _act_field(F.PRENOMS, (*BIRTH_OR_MARRIAGE, str(ActKind.DECES))),
    _act_field(F.DATE_NAISSANCE, BIRTH_OR_MARRIAGE),
    _act_field(F.LIEU_NAISSANCE, BIRTH_OR_MARRIAGE),
    FieldSpec("filiation_unique", _l("Parentage established towards one parent only"), "boolean",
              condition=("acte", BIRTH_OR_MARRIAGE)),
    _act_field(F.NOM_PARENT_1, BIRTH_OR_MARRIAGE),
    _act_field(F.PRENOM_PARENT_1, BIRTH_OR_MARRIAGE),
    _act_field(F.NOM_PARENT_2, BIRTH_OR_MARRIAGE),
    _act_field(F.PRENOM_PARENT_2, BIRTH_OR_MARRIAGE),
    _act_field(F.DATE_MARIAGE, (str(ActKind.MARIAGE),)),
    _act_field(F.LIEU_MARIAGE, (str(ActKind.MARIAGE),)),
    _act_field(F.NOM_DECLARANT, (str(ActKind.RECONNAISSANCE),)),
    _act_field(F.PRENOMS_DECLARANT, (str(ActKind.RECONNAISSANCE),)),
    _act_field(F.DATE_RECONNAISSANCE, (str(ActKind.RECONNAISSANCE),)),
    _act_field(F.LIEU_RECONNAISSANCE, (str(ActKind.RECONNAISSANCE),)),
    FieldSpec(DEATH_FIELD, _l("Date of death of the person concerned, if deceased"), "date",
              condition=("acte", ARCHIVE_ACTS),
              help=_l("For a marriage: the death of the last surviving spouse. 25 years after the death, the certificate may be given to anyone (code du patrimoine, art. L213-2).")),
    _act_field(F.DATE_DECES, (str(ActKind.DECES),)),
    _act_field(F.LIEU_DECES, (str(ActKind.DECES),)),
    FieldSpec(str(F.DEMANDEUR_NOM), _l("Applicant's last name"), required=True),
    FieldSpec(str(F.DEMANDEUR_PRENOMS), _l("Applicant's first names"), required=True),
    FieldSpec("delivrance", _l("How it is issued"), "choice", required=True,
              choices=(("guichet", _l("At the counter")), ("courrier", _l("By post")))),
    FieldSpec(str(F.DEMANDEUR_ADRESSE), _l("Postal address to send to"), "textarea",
              condition=("delivrance", ("courrier",)), help=_l("Required for sending by post.")),
)

LINK_CHOICES = (
    ("domicile", _l("Home of one of the future spouses")),
    ("residence", _l("Residence of one of the future spouses (one month at least)")),
    ("domicile_parent", _l("Home of a parent of one of the future spouses")),
    ("residence_parent", _l("Residence of a parent (one month at least)")),
)


def _party(prefix: str, party) -> tuple[FieldSpec, ...]:
    """The fields of one spouse or partner; ``party`` reads « of the first spouse » in the reader's language
    (French puts it after the noun as English does: « Nom du premier époux »)."""
    return (
        FieldSpec(f"{prefix}_nom", _l("Last name %(party)s", party=party), required=True),
        FieldSpec(f"{prefix}_prenoms", _l("First names %(party)s", party=party), required=True),
        FieldSpec(f"{prefix}_date_naissance", _l("Date of birth %(party)s", party=party), "date", required=True),
        FieldSpec(f"{prefix}_acte_du", _l("Copy of the birth certificate %(party)s issued on", party=party), "date",
                  required=True),
        FieldSpec(f"{prefix}_acte_etranger", _l("Birth certificate %(party)s issued abroad", party=party),
                  "boolean"),
    )


MARIAGE_FIELDS = (
    *_party("epoux1", _l("of the first spouse")),
    *_party("epoux2", _l("of the second spouse")),
    FieldSpec("lien_commune", _l("Link with the commune"), "choice", required=True, choices=LINK_CHOICES),
    FieldSpec("residence_depuis", _l("Resident in the commune since"), "date",
              condition=("lien_commune", ("residence", "residence_parent"))),
    FieldSpec("date_depot", _l("File submitted on"), "date", required=True),
    FieldSpec("temoin_1", _l("First witness (last name, first names)"), required=True),
    FieldSpec("temoin_2", _l("Second witness (last name, first names)"), required=True),
    FieldSpec("temoin_3", _l("Third witness (optional)")),
    FieldSpec("temoin_4", _l("Fourth witness (optional)")),
    FieldSpec("date_souhaitee", _l("Ceremony date wished for"), "date"),
)

PACS_FIELDS = (
    *_party("partenaire1", _l("of the first partner")),
    *_party("partenaire2", _l("of the second partner")),
    FieldSpec("convention", _l("PACS agreement"), "choice", required=True,
              choices=(("cerfa", _l("Standard agreement (cerfa 15726)")), ("redigee", _l("Agreement written by the partners")),
                       ("notariee", _l("Notarised agreement")))),
    FieldSpec("declaration_conjointe", _l("Joint declaration signed (cerfa 15725)"), "boolean"),
    FieldSpec("date_enregistrement", _l("Registration appointment on"), "date", required=True),
)

RECONNAISSANCE_FIELDS = (
    FieldSpec("moment", _l("Recognition"), "choice", required=True,
              choices=(("anticipee", _l("Early (before the birth)")), ("naissance", _l("At the birth declaration")),
                       ("posterieure", _l("After the birth")))),
    FieldSpec("auteur_nom", _l("Last name of the person recognising"), required=True),
    FieldSpec("auteur_prenoms", _l("First names of the person recognising"), required=True),
    FieldSpec("terme_prevu", _l("Expected date of delivery"), "date", condition=("moment", ("anticipee",))),
    FieldSpec("enfant_nom", _l("Child's last name"), condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("enfant_prenoms", _l("Child's first names"), condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("enfant_date_naissance", _l("Child's date of birth"), "date",
              condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("autre_parent", _l("Other parent (last name, first names)")),
)

LIVRET_LABELS = {
    LivretRequester.TITULAIRE: _l("A holder of the livret (spouse, parent)"),
    LivretRequester.TUTEUR_MINEUR: _l("The guardian of a minor child"),
    LivretRequester.ENFANT: _l("A child of the holders"),
    LivretRequester.TIERS: _l("Someone else"),
}
LIVRET_FIELDS = (
    FieldSpec("demandeur", _l("The applicant is"), "choice", required=True, choices=_choices(LIVRET_LABELS)),
    FieldSpec("accord_procureur", _l("Public prosecutor's consent shown"), "boolean",
              condition=("demandeur", (str(LivretRequester.TUTEUR_MINEUR),))),
    FieldSpec("motif", _l("Reason"), "choice", required=True,
              choices=(("perte", _l("Loss")), ("vol", _l("Theft")), ("destruction", _l("Destruction")),
                       ("separation", _l("Separation or divorce")))),
    FieldSpec("titulaires", _l("Holders of the livret (last names, first names)"), required=True),
    FieldSpec("date_mariage_ou_naissance", _l("Date of the marriage or of the first child's birth"), "date"),
)

NAISSANCE_FIELDS = (
    FieldSpec("enfant_nom", _l("Child's last name"), required=True),
    FieldSpec("enfant_prenoms", _l("Child's first names"), required=True),
    FieldSpec("date_naissance", _l("Born on"), "date", required=True),
    FieldSpec("lieu_naissance", _l("Place of birth (maternity ward, address)"), required=True),
    FieldSpec("date_declaration", _l("Declaration made on"), "date", required=True),
    FieldSpec("declarant", _l("Declarant (last name, first names, standing)"), required=True),
    FieldSpec("parent_1", _l("First parent (last name, first names)")),
    FieldSpec("parent_2", _l("Second parent (last name, first names)")),
)

RECENSEMENT_FIELDS = (
    FieldSpec("jeune_nom", _l("Young person's last name"), required=True),
    FieldSpec("jeune_prenoms", _l("Young person's first names"), required=True),
    FieldSpec("jeune_date_naissance", _l("Date of birth"), "date", required=True),
    FieldSpec("jeune_lieu_naissance", _l("Place of birth"), required=True),
    FieldSpec("francais_depuis", _l("Became French on (if after turning 16)"), "date"),
    FieldSpec("adresse", _l("Address"), "textarea", required=True),
)

PRENOM_FIELDS = (
    FieldSpec("beneficiaire", _l("Person concerned (current last name, first names)"), required=True),
    FieldSpec("beneficiaire_date_naissance", _l("Date of birth of the person concerned"), "date", required=True),
    FieldSpec("prenoms_demandes", _l("First names asked for (in order)"), required=True),
    FieldSpec("motif", _l("Legitimate interest put forward"), "textarea", required=True),
    FieldSpec("consentement_enfant", _l("Child's own consent obtained (13 or older)"), "boolean"),
)

NOM_FIELDS = (
    FieldSpec("demandeur_date_naissance", _l("Applicant's date of birth"), "date", required=True),
    FieldSpec("nom_actuel", _l("Current last name"), required=True),
    FieldSpec("nom_choisi", _l("Chosen last name (from the parentage)"), required=True),
    FieldSpec("deja_utilise", _l("The simplified procedure was already used once"), "boolean"),
    FieldSpec("enfants", _l("Children concerned (last names, first names, dates of birth)"), "textarea"),
)

REQUEST_TYPES = (
    RequestTypeDecl(ACTE, _l("Civil status certificate request"), SERVICE, "etat_civil.acte", ACTE_FIELDS,
                    sla_days=5, channels=("guichet", "courrier", "email", "web"), public=True, order=10),
    RequestTypeDecl(MARIAGE, _l("Marriage file"), SERVICE, "etat_civil.mariage", MARIAGE_FIELDS,
                    sla_days=20, channels=("guichet",), order=20),
    RequestTypeDecl(PACS, _l("PACS registration"), SERVICE, "etat_civil.pacs", PACS_FIELDS,
                    sla_days=15, channels=("guichet", "courrier"), order=30),
    RequestTypeDecl(RECONNAISSANCE, _l("Recognition of a child"), SERVICE, "etat_civil.standard",
                    RECONNAISSANCE_FIELDS, sla_days=5, channels=("guichet",), order=40),
    RequestTypeDecl(LIVRET, _l("Duplicate livret de famille"), SERVICE, "etat_civil.standard", LIVRET_FIELDS,
                    sla_days=20, channels=("guichet", "courrier"), order=50),
    RequestTypeDecl(NAISSANCE, _l("Birth declaration"), SERVICE, "etat_civil.naissance", NAISSANCE_FIELDS,
                    sla_days=1, channels=("guichet",), order=60),
    RequestTypeDecl(RECENSEMENT, _l("Citizen census"), SERVICE, "etat_civil.recensement", RECENSEMENT_FIELDS,
                    sla_days=5, channels=("guichet", "web"), order=70),
    RequestTypeDecl(PRENOM, _l("Change of first name"), SERVICE, "etat_civil.prenom", PRENOM_FIELDS,
                    sla_days=30, channels=("guichet",), order=80),
    RequestTypeDecl(NOM, _l("Change of last name (simplified procedure)"), SERVICE, "etat_civil.nom", NOM_FIELDS,
                    channels=("guichet", "courrier"), order=90),
)
CODES = frozenset(t.code for t in REQUEST_TYPES)
# Requests for copies of acts: the ones the one-year retention applies to (DR §5.3).
COPY_TYPES = frozenset({ACTE})
FAMILY_FILE_TYPES = frozenset({MARIAGE, PACS})

ROUTING_RULES = tuple(
    RoutingRuleDecl(f"{t.code}.service", request_type=t.code, service=SERVICE, order=50) for t in REQUEST_TYPES
)
