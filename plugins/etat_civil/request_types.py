"""Request types of the état civil and their forms (FieldSpec), in French.

Labels and choices become the commune's own editable rows, hence French.
Field names of the demande d'acte are the canonical ``rules.RequestField``
values, so ``rules.required_fields`` names them directly. Which of those
fields is required depends on the act and document asked (décret 2017-890
art. 29): conditions show the act's fields, and ``checks.py`` checks the
required ones with ``rules.required_fields``.
"""
from __future__ import annotations

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
    ActKind.NAISSANCE: "Acte de naissance",
    ActKind.MARIAGE: "Acte de mariage",
    ActKind.DECES: "Acte de décès",
    ActKind.RECONNAISSANCE: "Acte de reconnaissance",
}
DOCUMENT_LABELS = {
    DocumentKind.COPIE_INTEGRALE: "Copie intégrale",
    DocumentKind.EXTRAIT_AVEC_FILIATION: "Extrait avec filiation",
    DocumentKind.EXTRAIT_SANS_FILIATION: "Extrait sans filiation",
    DocumentKind.EXTRAIT_PLURILINGUE: "Extrait plurilingue",
}
QUALITY_LABELS = {
    RequesterQuality.INTERESSE_MAJEUR: "La personne concernée (majeure ou émancipée)",
    RequesterQuality.INTERESSE_MINEUR: "La personne concernée (mineure)",
    RequesterQuality.CONJOINT: "Son conjoint ou sa conjointe",
    RequesterQuality.PARTENAIRE_PACS: "Son partenaire de PACS",
    RequesterQuality.ASCENDANT: "Un ascendant (parent, grand-parent)",
    RequesterQuality.DESCENDANT: "Un descendant (enfant, petit-enfant)",
    RequesterQuality.REPRESENTANT_LEGAL: "Son représentant légal",
    RequesterQuality.MANDATAIRE: "Un mandataire (mandat écrit, habilitation familiale)",
    RequesterQuality.HERITIER: "Un héritier",
    RequesterQuality.AVOCAT: "Un avocat",
    RequesterQuality.NOTAIRE: "Un notaire",
    RequesterQuality.PROCUREUR: "Le procureur de la République",
    RequesterQuality.OFFICIER_ETAT_CIVIL: "Un officier de l'état civil",
    RequesterQuality.AUTORITE_NATIONALITE: "Une autorité chargée de la nationalité",
    RequesterQuality.ADMINISTRATION: "Une administration (texte cité)",
    RequesterQuality.GENEALOGISTE: "Un généalogiste",
    RequesterQuality.TIERS: "Une autre personne (tiers)",
}
FIELD_LABELS = {
    F.NOM: "Nom de la personne concernée",
    F.PRENOMS: "Prénoms de la personne concernée",
    F.DATE_NAISSANCE: "Date de naissance",
    F.LIEU_NAISSANCE: "Lieu de naissance",
    F.NOM_PARENT_1: "Nom du premier parent",
    F.PRENOM_PARENT_1: "Prénom usuel du premier parent",
    F.NOM_PARENT_2: "Nom du second parent",
    F.PRENOM_PARENT_2: "Prénom usuel du second parent",
    F.DATE_MARIAGE: "Date du mariage",
    F.LIEU_MARIAGE: "Lieu du mariage",
    F.NOM_DECLARANT: "Nom de l'auteur de la reconnaissance",
    F.PRENOMS_DECLARANT: "Prénoms de l'auteur de la reconnaissance",
    F.DATE_RECONNAISSANCE: "Date de la reconnaissance",
    F.LIEU_RECONNAISSANCE: "Lieu de la reconnaissance",
    F.DATE_DECES: "Date du décès",
    F.LIEU_DECES: "Lieu du décès",
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
    FieldSpec("acte", "Acte demandé", "choice", required=True, choices=_choices(ACT_LABELS)),
    FieldSpec("document", "Document demandé", "choice", required=True, choices=_choices(DOCUMENT_LABELS),
              help="Décès et reconnaissance : copie intégrale seulement."),
    FieldSpec("qualite", "Le demandeur est", "choice", required=True, choices=_choices(QUALITY_LABELS)),
    FieldSpec("qualite_client", "Qualité de son client (pour un avocat)", "choice",
              choices=tuple((code, label) for code, label in _choices(QUALITY_LABELS)
                            if code != str(RequesterQuality.AVOCAT)),
              condition=("qualite", (str(RequesterQuality.AVOCAT),)),
              help="Sans cette qualité, un agent vérifie les droits du client avant la délivrance."),
    FieldSpec("base_legale", "Texte qui autorise l'administration (cité dans sa demande)",
              condition=("qualite", (str(RequesterQuality.ADMINISTRATION),))),
    FieldSpec("autorisation_archives", "Autorisation des archives présentée", "boolean",
              condition=("qualite", (str(RequesterQuality.GENEALOGISTE),))),
    FieldSpec("mandat_genealogiste", "Mandat (notaire, assureur, personne intéressée) présenté", "boolean",
              condition=("qualite", (str(RequesterQuality.GENEALOGISTE),))),
    _act_field(F.NOM, (*BIRTH_OR_MARRIAGE, str(ActKind.DECES))),
    _act_field(F.PRENOMS, (*BIRTH_OR_MARRIAGE, str(ActKind.DECES))),
    _act_field(F.DATE_NAISSANCE, BIRTH_OR_MARRIAGE),
    _act_field(F.LIEU_NAISSANCE, BIRTH_OR_MARRIAGE),
    FieldSpec("filiation_unique", "Filiation établie à l'égard d'un seul parent", "boolean",
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
    FieldSpec(DEATH_FIELD, "Date du décès de la personne concernée, si elle est décédée", "date",
              condition=("acte", ARCHIVE_ACTS),
              help="Pour un mariage : le décès du dernier époux survivant. 25 ans après le décès, l'acte est "
                   "communicable à toute personne (code du patrimoine, art. L213-2)."),
    _act_field(F.DATE_DECES, (str(ActKind.DECES),)),
    _act_field(F.LIEU_DECES, (str(ActKind.DECES),)),
    FieldSpec(str(F.DEMANDEUR_NOM), "Nom du demandeur", required=True),
    FieldSpec(str(F.DEMANDEUR_PRENOMS), "Prénoms du demandeur", required=True),
    FieldSpec("delivrance", "Délivrance", "choice", required=True,
              choices=(("guichet", "Au guichet"), ("courrier", "Par courrier"))),
    FieldSpec(str(F.DEMANDEUR_ADRESSE), "Adresse d'envoi", "textarea",
              condition=("delivrance", ("courrier",)), help="Obligatoire pour un envoi par courrier."),
)

LINK_CHOICES = (
    ("domicile", "Domicile d'un des futurs époux"),
    ("residence", "Résidence d'un des futurs époux (un mois au moins)"),
    ("domicile_parent", "Domicile d'un parent d'un des futurs époux"),
    ("residence_parent", "Résidence d'un parent (un mois au moins)"),
)


def _party(prefix: str, label: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{prefix}_nom", f"Nom {label}", required=True),
        FieldSpec(f"{prefix}_prenoms", f"Prénoms {label}", required=True),
        FieldSpec(f"{prefix}_date_naissance", f"Date de naissance {label}", "date", required=True),
        FieldSpec(f"{prefix}_acte_du", f"Copie de l'acte de naissance {label} délivrée le", "date", required=True),
        FieldSpec(f"{prefix}_acte_etranger", f"Acte de naissance {label} délivré à l'étranger", "boolean"),
    )


MARIAGE_FIELDS = (
    *_party("epoux1", "du premier époux"),
    *_party("epoux2", "du second époux"),
    FieldSpec("lien_commune", "Lien avec la commune", "choice", required=True, choices=LINK_CHOICES),
    FieldSpec("residence_depuis", "Résidence dans la commune depuis le", "date",
              condition=("lien_commune", ("residence", "residence_parent"))),
    FieldSpec("date_depot", "Dossier déposé le", "date", required=True),
    FieldSpec("temoin_1", "Premier témoin (nom, prénoms)", required=True),
    FieldSpec("temoin_2", "Deuxième témoin (nom, prénoms)", required=True),
    FieldSpec("temoin_3", "Troisième témoin (facultatif)"),
    FieldSpec("temoin_4", "Quatrième témoin (facultatif)"),
    FieldSpec("date_souhaitee", "Date de célébration souhaitée", "date"),
)

PACS_FIELDS = (
    *_party("partenaire1", "du premier partenaire"),
    *_party("partenaire2", "du second partenaire"),
    FieldSpec("convention", "Convention de PACS", "choice", required=True,
              choices=(("cerfa", "Convention type (cerfa 15726)"), ("redigee", "Convention rédigée par les partenaires"),
                       ("notariee", "Convention notariée"))),
    FieldSpec("declaration_conjointe", "Déclaration conjointe signée (cerfa 15725)", "boolean"),
    FieldSpec("date_enregistrement", "Rendez-vous d'enregistrement prévu le", "date", required=True),
)

RECONNAISSANCE_FIELDS = (
    FieldSpec("moment", "Reconnaissance", "choice", required=True,
              choices=(("anticipee", "Anticipée (avant la naissance)"), ("naissance", "À la déclaration de naissance"),
                       ("posterieure", "Après la naissance"))),
    FieldSpec("auteur_nom", "Nom de l'auteur de la reconnaissance", required=True),
    FieldSpec("auteur_prenoms", "Prénoms de l'auteur de la reconnaissance", required=True),
    FieldSpec("terme_prevu", "Date prévue de l'accouchement", "date", condition=("moment", ("anticipee",))),
    FieldSpec("enfant_nom", "Nom de l'enfant", condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("enfant_prenoms", "Prénoms de l'enfant", condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("enfant_date_naissance", "Date de naissance de l'enfant", "date",
              condition=("moment", ("naissance", "posterieure"))),
    FieldSpec("autre_parent", "Autre parent (nom, prénoms)"),
)

LIVRET_LABELS = {
    LivretRequester.TITULAIRE: "Un titulaire du livret (époux, parent)",
    LivretRequester.TUTEUR_MINEUR: "Le tuteur d'un enfant mineur",
    LivretRequester.ENFANT: "Un enfant des titulaires",
    LivretRequester.TIERS: "Une autre personne",
}
LIVRET_FIELDS = (
    FieldSpec("demandeur", "Le demandeur est", "choice", required=True, choices=_choices(LIVRET_LABELS)),
    FieldSpec("accord_procureur", "Accord du procureur de la République présenté", "boolean",
              condition=("demandeur", (str(LivretRequester.TUTEUR_MINEUR),))),
    FieldSpec("motif", "Motif", "choice", required=True,
              choices=(("perte", "Perte"), ("vol", "Vol"), ("destruction", "Destruction"),
                       ("separation", "Séparation ou divorce"))),
    FieldSpec("titulaires", "Titulaires du livret (noms, prénoms)", required=True),
    FieldSpec("date_mariage_ou_naissance", "Date du mariage ou de la naissance du premier enfant", "date"),
)

NAISSANCE_FIELDS = (
    FieldSpec("enfant_nom", "Nom de l'enfant", required=True),
    FieldSpec("enfant_prenoms", "Prénoms de l'enfant", required=True),
    FieldSpec("date_naissance", "Né·e le", "date", required=True),
    FieldSpec("lieu_naissance", "Lieu de naissance (maternité, adresse)", required=True),
    FieldSpec("date_declaration", "Déclaration faite le", "date", required=True),
    FieldSpec("declarant", "Déclarant (nom, prénoms, qualité)", required=True),
    FieldSpec("parent_1", "Premier parent (nom, prénoms)"),
    FieldSpec("parent_2", "Second parent (nom, prénoms)"),
)

RECENSEMENT_FIELDS = (
    FieldSpec("jeune_nom", "Nom du jeune", required=True),
    FieldSpec("jeune_prenoms", "Prénoms du jeune", required=True),
    FieldSpec("jeune_date_naissance", "Date de naissance", "date", required=True),
    FieldSpec("jeune_lieu_naissance", "Lieu de naissance", required=True),
    FieldSpec("francais_depuis", "Devenu·e français·e le (si après ses 16 ans)", "date"),
    FieldSpec("adresse", "Adresse", "textarea", required=True),
)

PRENOM_FIELDS = (
    FieldSpec("beneficiaire", "Personne concernée (nom, prénoms actuels)", required=True),
    FieldSpec("beneficiaire_date_naissance", "Date de naissance de la personne concernée", "date", required=True),
    FieldSpec("prenoms_demandes", "Prénoms demandés (dans l'ordre)", required=True),
    FieldSpec("motif", "Intérêt légitime invoqué", "textarea", required=True),
    FieldSpec("consentement_enfant", "Consentement personnel de l'enfant recueilli (13 ans ou plus)", "boolean"),
)

NOM_FIELDS = (
    FieldSpec("demandeur_date_naissance", "Date de naissance du demandeur", "date", required=True),
    FieldSpec("nom_actuel", "Nom actuel", required=True),
    FieldSpec("nom_choisi", "Nom choisi (issu de la filiation)", required=True),
    FieldSpec("deja_utilise", "La procédure simplifiée a déjà été utilisée une fois", "boolean"),
    FieldSpec("enfants", "Enfants concernés (noms, prénoms, dates de naissance)", "textarea"),
)

REQUEST_TYPES = (
    RequestTypeDecl(ACTE, "Demande d'acte d'état civil", SERVICE, "etat_civil.acte", ACTE_FIELDS,
                    sla_days=5, channels=("guichet", "courrier", "email", "web"), public=True, order=10),
    RequestTypeDecl(MARIAGE, "Dossier de mariage", SERVICE, "etat_civil.mariage", MARIAGE_FIELDS,
                    sla_days=20, channels=("guichet",), order=20),
    RequestTypeDecl(PACS, "Enregistrement d'un PACS", SERVICE, "etat_civil.pacs", PACS_FIELDS,
                    sla_days=15, channels=("guichet", "courrier"), order=30),
    RequestTypeDecl(RECONNAISSANCE, "Reconnaissance d'un enfant", SERVICE, "etat_civil.standard",
                    RECONNAISSANCE_FIELDS, sla_days=5, channels=("guichet",), order=40),
    RequestTypeDecl(LIVRET, "Duplicata du livret de famille", SERVICE, "etat_civil.standard", LIVRET_FIELDS,
                    sla_days=20, channels=("guichet", "courrier"), order=50),
    RequestTypeDecl(NAISSANCE, "Déclaration de naissance", SERVICE, "etat_civil.naissance", NAISSANCE_FIELDS,
                    sla_days=1, channels=("guichet",), order=60),
    RequestTypeDecl(RECENSEMENT, "Recensement citoyen", SERVICE, "etat_civil.recensement", RECENSEMENT_FIELDS,
                    sla_days=5, channels=("guichet", "web"), order=70),
    RequestTypeDecl(PRENOM, "Changement de prénom", SERVICE, "etat_civil.prenom", PRENOM_FIELDS,
                    sla_days=30, channels=("guichet",), order=80),
    RequestTypeDecl(NOM, "Changement de nom (procédure simplifiée)", SERVICE, "etat_civil.nom", NOM_FIELDS,
                    channels=("guichet", "courrier"), order=90),
)
CODES = frozenset(t.code for t in REQUEST_TYPES)
# Requests for copies of acts: the ones the one-year retention applies to (DR §5.3).
COPY_TYPES = frozenset({ACTE})
FAMILY_FILE_TYPES = frozenset({MARIAGE, PACS})

ROUTING_RULES = tuple(
    RoutingRuleDecl(f"{t.code}.service", request_type=t.code, service=SERVICE, order=50) for t in REQUEST_TYPES
)
