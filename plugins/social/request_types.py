"""Request types of the CCAS and their forms (FieldSpec), in French.

Every type is confidential (professional secrecy, L133-5 CASF):
``read_permission="social.read"`` — the core hides them from whoever does not
hold it (grc_core.requests.confidentiality). Labels and choices become the
commune's own editable rows, hence French. ``checks.py`` validates the data
with ``rules/``.
"""
from __future__ import annotations

from grc_core.plugin_api import FieldSpec, RequestTypeDecl, RoutingRuleDecl

from .rules import CommuneLinkCriterion, DisabilityBenefit, LegalAidBenefit, RegisterFiler

SERVICE = "social.ccas"
READ = "social.read"

DOMICILIATION = "social.domiciliation"
REGISTRE = "social.registre_vulnerables"
AIDE_FACULTATIVE = "social.aide_facultative"
AIDE_LEGALE = "social.aide_legale"
LOGEMENT = "social.logement"
CODES = (DOMICILIATION, REGISTRE, AIDE_FACULTATIVE, AIDE_LEGALE, LOGEMENT)

YES_NO = (("oui", "Oui"), ("non", "Non"))

LINK_LABELS = {
    CommuneLinkCriterion.STAYS_IN_COMMUNE: "Séjourne sur le territoire de la commune",
    CommuneLinkCriterion.WORKS_IN_COMMUNE: "Exerce une activité professionnelle dans la commune",
    CommuneLinkCriterion.SUPPORT_IN_COMMUNE: "Suit un accompagnement social, médico-social ou d'insertion dans la commune",
    CommuneLinkCriterion.FAMILY_LINK: "A un lien familial avec une personne qui y réside",
    CommuneLinkCriterion.PARENT_OF_PUPIL: "Exerce l'autorité parentale sur un mineur scolarisé dans la commune",
}
FILER_LABELS = {
    RegisterFiler.PERSON: "La personne elle-même",
    RegisterFiler.LEGAL_REPRESENTATIVE: "Son représentant légal",
    RegisterFiler.THIRD_PARTY: "Un tiers (proche, voisin, médecin, service d'aide à domicile…)",
}
BENEFIT_LABELS = {
    DisabilityBenefit.AAH: "Allocation aux adultes handicapés (AAH)",
    DisabilityBenefit.ACTP: "Allocation compensatrice pour tierce personne (ACTP)",
    DisabilityBenefit.CARTE_INVALIDITE: "Carte d'invalidité",
    DisabilityBenefit.RQTH: "Reconnaissance de la qualité de travailleur handicapé (RQTH)",
    DisabilityBenefit.PENSION_INVALIDITE: "Pension d'invalidité",
}
AID_KINDS = (
    ("secours_urgence", "Secours d'urgence"),
    ("aide_alimentaire", "Aide alimentaire"),
    ("aide_energie", "Aide à l'énergie (factures)"),
    ("aide_mobilite", "Aide à la mobilité"),
)
LEGAL_AID_LABELS = {
    LegalAidBenefit.APA: "Allocation personnalisée d'autonomie (APA)",
    LegalAidBenefit.PCH: "Prestation de compensation du handicap (PCH)",
    LegalAidBenefit.HEBERGEMENT_PERSONNES_AGEES: "Aide sociale à l'hébergement (personnes âgées)",
    LegalAidBenefit.HEBERGEMENT_PERSONNES_HANDICAPEES: "Aide sociale à l'hébergement (personnes handicapées)",
    LegalAidBenefit.AME: "Aide médicale de l'État (AME)",
    LegalAidBenefit.CHRS: "Admission en centre d'hébergement et de réinsertion sociale (CHRS)",
}

# The register holds only the fields of CASF R121-2 s. (rules.REGISTER_FIELDS);
# what decides eligibility (age, inaptitude, benefit) is checked at filing and
# replaced by the « qualité » a/b/c (grc_request_submitted): no health data kept.
REGISTER_ELIGIBILITY_INPUTS = ("inapte_travail", "prestation", "deposant", "demande_ecrite")

REQUEST_TYPES = (
    RequestTypeDecl(
        DOMICILIATION, "Domiciliation (élection de domicile)", service=SERVICE, workflow="social.domiciliation",
        fields=(
            FieldSpec("lien_commune", "Lien avec la commune (CASF R264-4)", "multichoice",
                      choices=tuple((str(code), label) for code, label in LINK_LABELS.items()),
                      help="Un seul critère suffit. Sans lien, la domiciliation peut être refusée, par une décision "
                           "motivée assortie d'une orientation."),
            FieldSpec("renouvellement", "Renouvellement d'une domiciliation", "boolean"),
            FieldSpec("adresse_courrier_actuelle", "Où la personne reçoit son courrier aujourd'hui", "text"),
        ),
        channels=("guichet", "courrier", "telephone"), order=10, read_permission=READ,
    ),
    RequestTypeDecl(
        REGISTRE, "Inscription au registre des personnes vulnérables", service=SERVICE,
        workflow="social.registre",
        fields=(
            FieldSpec("nom", "Nom", "text", required=True),
            FieldSpec("prenoms", "Prénoms", "text", required=True),
            FieldSpec("date_naissance", "Date de naissance", "date", required=True),
            FieldSpec("adresse", "Adresse du domicile", "address", required=True),
            FieldSpec("telephone", "Téléphone", "phone", required=True),
            FieldSpec("service_aide_domicile", "Service d'aide à domicile (coordonnées)", "text"),
            FieldSpec("personne_a_prevenir", "Personne à prévenir en cas d'urgence (nom, téléphone)", "text"),
            FieldSpec("deposant", "Demande déposée par", "choice", required=True,
                      choices=tuple((str(code), label) for code, label in FILER_LABELS.items())),
            FieldSpec("tiers_nom", "Nom du tiers demandeur", "text", condition=("deposant", ("tiers",))),
            FieldSpec("tiers_qualite", "Qualité du tiers (voisin, médecin traitant…)", "text",
                      condition=("deposant", ("tiers",))),
            FieldSpec("demande_ecrite", "Demande écrite reçue (formulaire signé, courrier, courriel)", "boolean"),
            FieldSpec("inapte_travail", "Reconnue inapte au travail", "boolean",
                      help="Sert à vérifier l'éligibilité ; non conservé (seule la qualité a/b/c est enregistrée)."),
            FieldSpec("prestation", "Prestation liée au handicap", "choice",
                      choices=tuple((str(code), label) for code, label in BENEFIT_LABELS.items()),
                      help="Sert à vérifier l'éligibilité ; non conservée."),
        ),
        channels=("guichet", "courrier", "email", "telephone"), order=20, read_permission=READ,
    ),
    RequestTypeDecl(
        AIDE_FACULTATIVE, "Aide sociale facultative", service=SERVICE, workflow="social.aide_facultative",
        fields=(
            FieldSpec("nature", "Nature de l'aide", "choice", required=True, choices=AID_KINDS),
            FieldSpec("montant_demande", "Montant demandé (€)", "decimal", required=True, min=1, max=5000),
            FieldSpec("quotient_familial", "Quotient familial (attestation CAF)", "integer", min=0, max=10000),
            FieldSpec("ressources_mensuelles", "Ressources mensuelles du foyer (€)", "decimal", min=0, max=100000),
            FieldSpec("situation", "Situation (motif de la demande)", "textarea", required=True),
        ),
        channels=("guichet", "courrier", "telephone"), order=30, read_permission=READ,
    ),
    RequestTypeDecl(
        AIDE_LEGALE, "Aide sociale légale (dossier à transmettre)", service=SERVICE, workflow="social.aide_legale",
        fields=(
            FieldSpec("prestation", "Prestation demandée", "choice", required=True,
                      choices=tuple((str(code), label) for code, label in LEGAL_AID_LABELS.items())),
            FieldSpec("avis_ccas", "Avis du CCAS", "textarea"),
        ),
        channels=("guichet", "courrier"), order=40, read_permission=READ,
    ),
    RequestTypeDecl(
        LOGEMENT, "Demande de logement social (cerfa 14069)", service=SERVICE, workflow="social.logement",
        fields=(
            FieldSpec("composition_foyer", "Nombre de personnes au foyer", "integer", required=True, min=1, max=20),
            FieldSpec("typologie", "Logement recherché", "choice", required=True,
                      choices=(("T1", "T1"), ("T2", "T2"), ("T3", "T3"), ("T4", "T4"), ("T5", "T5 et plus"))),
            FieldSpec("piece_identite", "Pièce d'identité ou titre de séjour présenté", "boolean"),
        ),
        channels=("guichet", "courrier", "web"), order=50, read_permission=READ,
    ),
)

ROUTING_RULES = tuple(
    RoutingRuleDecl(f"social.route_{code.split('.', 1)[1]}", request_type=code, service=SERVICE, order=10 + n)
    for n, code in enumerate(CODES)
)
