"""Request types of the CCAS and their forms (FieldSpec).

Every type is confidential (professional secrecy, L133-5 CASF):
``read_permission="social.read"`` — the core hides them from whoever does not
hold it (grc_core.requests.confidentiality). Labels and choices are English
sources, translated by the plugin's catalog (grc_core.copied_labels). ``checks.py`` validates the data
with ``rules/``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
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

YES_NO = (("oui", _l("Yes")), ("non", _l("No")))

LINK_LABELS = {
    CommuneLinkCriterion.STAYS_IN_COMMUNE: _l("Stays in the commune"),
    CommuneLinkCriterion.WORKS_IN_COMMUNE: _l("Works in the commune"),
    CommuneLinkCriterion.SUPPORT_IN_COMMUNE: _l("Receives social, medico-social or integration support in the "
                                                "commune"),
    CommuneLinkCriterion.FAMILY_LINK: _l("Has a family link with a person who lives there"),
    CommuneLinkCriterion.PARENT_OF_PUPIL: _l("Has parental authority over a minor at school in the commune"),
}
FILER_LABELS = {
    RegisterFiler.PERSON: _l("The person themselves"),
    RegisterFiler.LEGAL_REPRESENTATIVE: _l("Their legal representative"),
    RegisterFiler.THIRD_PARTY: _l("A third party (relative, neighbour, doctor, home-help service…)"),
}
# Benefits keep their French legal name in brackets, as agents and forms name them.
BENEFIT_LABELS = {
    DisabilityBenefit.AAH: _l("Allowance for disabled adults (AAH)"),
    DisabilityBenefit.ACTP: _l("Compensatory allowance for a third person (ACTP)"),
    DisabilityBenefit.CARTE_INVALIDITE: _l("Disability card"),
    DisabilityBenefit.RQTH: _l("Recognition as a disabled worker (RQTH)"),
    DisabilityBenefit.PENSION_INVALIDITE: _l("Disability pension"),
}
AID_KINDS = (
    ("secours_urgence", _l("Emergency aid")),
    ("aide_alimentaire", _l("Food aid")),
    ("aide_energie", _l("Energy aid (bills)")),
    ("aide_mobilite", _l("Mobility aid")),
)
LEGAL_AID_LABELS = {
    LegalAidBenefit.APA: _l("Personal autonomy allowance (APA)"),
    LegalAidBenefit.PCH: _l("Disability compensation benefit (PCH)"),
    LegalAidBenefit.HEBERGEMENT_PERSONNES_AGEES: _l("Social aid for accommodation (elderly people)"),
    LegalAidBenefit.HEBERGEMENT_PERSONNES_HANDICAPEES: _l("Social aid for accommodation (disabled people)"),
    LegalAidBenefit.AME: _l("State medical aid (AME)"),
    LegalAidBenefit.CHRS: _l("Admission to an accommodation and social reintegration centre (CHRS)"),
}

# The register holds only the fields of CASF R121-2 s. (rules.REGISTER_FIELDS);
# what decides eligibility (age, inaptitude, benefit) is checked at filing and
# replaced by the « qualité » a/b/c (grc_request_submitted): no health data kept.
REGISTER_ELIGIBILITY_INPUTS = ("inapte_travail", "prestation", "deposant", "demande_ecrite")

REQUEST_TYPES = (
    RequestTypeDecl(
        DOMICILIATION, _l("Domiciliation (élection de domicile)"), service=SERVICE, workflow="social.domiciliation",
        fields=(
            FieldSpec("lien_commune", _l("Link with the commune (CASF R264-4)"), "multichoice",
                      choices=tuple((str(code), label) for code, label in LINK_LABELS.items()),
                      help=_l("One criterion is enough. Without a link, domiciliation may be refused, by a reasoned decision with a referral.")),
            FieldSpec("renouvellement", _l("Renewal of a domiciliation"), "boolean"),
            FieldSpec("adresse_courrier_actuelle", _l("Where the person receives post today"), "text"),
        ),
        channels=("guichet", "courrier", "telephone"), order=10, read_permission=READ,
    ),
    RequestTypeDecl(
        REGISTRE, _l("Registration on the register of vulnerable people"), service=SERVICE,
        workflow="social.registre",
        fields=(
            FieldSpec("nom", _l("Last name"), "text", required=True),
            FieldSpec("prenoms", _l("First names"), "text", required=True),
            FieldSpec("date_naissance", _l("Date of birth"), "date", required=True),
            FieldSpec("adresse", _l("Home address"), "address", required=True),
            FieldSpec("telephone", _l("Phone"), "phone", required=True),
            FieldSpec("service_aide_domicile", _l("Home help service (contact details)"), "text"),
            FieldSpec("personne_a_prevenir", _l("Person to contact in an emergency (name, phone)"), "text"),
            FieldSpec("deposant", _l("Request filed by"), "choice", required=True,
                      choices=tuple((str(code), label) for code, label in FILER_LABELS.items())),
            FieldSpec("tiers_nom", _l("Name of the third party asking"), "text", condition=("deposant", ("tiers",))),
            FieldSpec("tiers_qualite", _l("Standing of the third party (neighbour, family doctor…)"), "text",
                      condition=("deposant", ("tiers",))),
            FieldSpec("demande_ecrite", _l("Written request received (signed form, letter, e-mail)"), "boolean"),
            FieldSpec("inapte_travail", _l("Recognised as unfit for work"), "boolean",
                      help=_l("Used to check eligibility; not kept (only the standing a/b/c is recorded).")),
            FieldSpec("prestation", _l("Disability benefit"), "choice",
                      choices=tuple((str(code), label) for code, label in BENEFIT_LABELS.items()),
                      help=_l("Used to check eligibility; not kept.")),
        ),
        channels=("guichet", "courrier", "email", "telephone"), order=20, read_permission=READ,
    ),
    RequestTypeDecl(
        AIDE_FACULTATIVE, _l("Optional social aid"), service=SERVICE, workflow="social.aide_facultative",
        fields=(
            FieldSpec("nature", _l("Kind of aid"), "choice", required=True, choices=AID_KINDS),
            FieldSpec("montant_demande", _l("Amount asked for (€)"), "decimal", required=True, min=1, max=5000),
            FieldSpec("quotient_familial", _l("Family quotient (CAF certificate)"), "integer", min=0, max=10000),
            FieldSpec("ressources_mensuelles", _l("Household's monthly income (€)"), "decimal", min=0, max=100000),
            FieldSpec("situation", _l("Situation (reason for the request)"), "textarea", required=True),
        ),
        channels=("guichet", "courrier", "telephone"), order=30, read_permission=READ,
    ),
    RequestTypeDecl(
        AIDE_LEGALE, _l("Statutory social aid (file to send on)"), service=SERVICE, workflow="social.aide_legale",
        fields=(
            FieldSpec("prestation", _l("Benefit asked for"), "choice", required=True,
                      choices=tuple((str(code), label) for code, label in LEGAL_AID_LABELS.items())),
            FieldSpec("avis_ccas", _l("CCAS's opinion"), "textarea"),
        ),
        channels=("guichet", "courrier"), order=40, read_permission=READ,
    ),
    RequestTypeDecl(
        LOGEMENT, _l("Social housing application (cerfa 14069)"), service=SERVICE, workflow="social.logement",
        fields=(
            FieldSpec("composition_foyer", _l("Number of people in the household"), "integer", required=True, min=1, max=20),
            FieldSpec("typologie", _l("Housing sought"), "choice", required=True,
                      choices=(("T1", _l("T1")), ("T2", _l("T2")), ("T3", _l("T3")), ("T4", _l("T4")), ("T5", _l("T5 or larger")))),
            FieldSpec("piece_identite", _l("Identity document or residence permit shown"), "boolean"),
        ),
        channels=("guichet", "courrier", "web"), order=50, read_permission=READ,
    ),
)

ROUTING_RULES = tuple(
    RoutingRuleDecl(f"social.route_{code.split('.', 1)[1]}", request_type=code, service=SERVICE, order=10 + n)
    for n, code in enumerate(CODES)
)
