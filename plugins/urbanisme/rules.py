"""Pure legal rules of the *urbanisme* plugin (autorisations du droit des sols).

Every function here works on plain values (``datetime.date``, ``int``, ``bool``,
``enum.StrEnum`` members, frozen dataclasses). There is no database, no Flask and no
request context: the workflow engine, the views and the dashboards call these
functions and store/display what they return. Only the standard library and the
shared calendar helpers of :mod:`grc_core.calendar` (month arithmetic, public
holidays, working days — the only ``grc_core`` import allowed here) are used.

Sources are those of ``shared/reference/domain_rules.md (the project's legal reference)`` (§0 and §2, cited
below as "DR §x.y"); the articles are those of the Code de l'urbanisme unless stated
otherwise. Where that file marks a rule below confidence A, or where the rule below
is an interpretation, the docstring says so.

Computing dates — conventions used everywhere in this module
-------------------------------------------------------------

1. **Delays in months are "non francs" and run from date to same day-number.**
   The instruction delay "court à compter de la réception en mairie d'un dossier
   complet" (R*423-19). It is a delay of non-contentious administrative procedure,
   *not* a "délai franc": the day of the triggering event (dies a quo) is not
   counted, the delay runs from the next day and ends at 24:00 on the day that
   bears **the same number** as the triggering day, n months later (principle of
   C. proc. civ. art. 641, applied by the Conseil d'État to these delays:
   CE 17 juin 2024 n° 461667 — a one-month delay triggered on 8 October expires on
   8 November; 120e Congrès des notaires (2024), "Les délais d'instruction de droit
   commun": a DP filed on 2 January may be opposed until 2 February 23:59 and the
   tacit non-opposition is born on 3 February at 00:00, even a Sunday).
   So the deadline is the day of the same number, **not the day before**.
2. **Missing day-number → last day of the month.** When the target month has no
   such day (31 January + 1 month; 29 February + 12 months), the delay ends on the
   last day of that month (C. proc. civ. art. 641 al. 2: "à défaut d'un quantième
   identique, le délai expire le dernier jour du mois"). Leap years follow the
   calendar: 31 January 2024 + 1 month = 29 February 2024, 31 January 2025 + 1
   month = 28 February 2025. Both rules are implemented once for the whole project,
   in :func:`grc_core.calendar.add_months` (used here for every month delay).
3. **No weekend/holiday extension for procedural delays.** The instruction delay,
   the completeness delays, the one-month notification window, the withdrawal
   window, the conformity-check delay and the validity period expire on their
   computed day even when it is a Saturday, Sunday or public holiday (120e Congrès
   des notaires, *ibid.*).
4. **The tacit decision is born the day after the last day** of the instruction
   delay (:attr:`LegalDeadline.tacit_decision_date` = ``last_day + 1 day``). A
   decision or a request "within the delay" means *notified* (LRAR first
   presentation, hand delivery or electronic notification) on or before the last
   day — signing it is not enough (CE 6 juin 2012 n° 344643; R*423-41 speaks of a
   request "notifiée").
5. **Delays in days** ("dans les quinze jours", "dans les huit jours") follow the
   same non-franc logic: the event day is not counted, the last day is ``D + n``.
6. **Contentious appeal delays are "francs"** (CJA R421-1, CE 29 déc. 2006
   n° 289818): the third-party appeal delay (R600-2) therefore ends the day after
   the same-number day and, when that day is a Saturday, Sunday or public holiday,
   on the next working day (CE 19 sept. 2014 n° 362568). This is the only place
   where weekends and public holidays move a date (see
   :func:`third_party_appeal_end`). Public holidays are those of the ``holidays``
   package (``holidays.France``, with Good Friday and 26 December in
   Alsace-Moselle), through :func:`grc_core.calendar.next_working_day`.
7. **A delay extended by k months is recomputed from its starting day** with the
   total number of months (start + (n + k) months), never by chaining two month
   additions, so that month-end clamping happens only once.

Each compound result carries French ``reasons``/``explanation`` text so that the
pages can say how each figure is computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from grc_core.plugin_api import add_months, next_working_day

__all__ = [
    "AlertLevel",
    "Circumstance",
    "CompletenessExpiry",
    "ConformityCase",
    "DisplayDeadlines",
    "ExceptionalProlongation",
    "FileNumber",
    "InstructionDelay",
    "LegalDeadline",
    "Outcome",
    "PiecesRequestStatus",
    "Procedure",
    "RuleDate",
    "TacitOutcome",
    "UrbanismeRuleError",
    "EVALUATION_ENVIRONNEMENTALE_SINCE",
    "FILE_NUMBER_LETTERS",
    "FOLLOW_UP_ORIGINALS",
    "FOLLOW_UP_SUFFIXES",
    "MAX_FILE_SEQUENCE",
    "MAX_FOLLOW_UP_RANK",
    "MAX_PROROGATIONS",
    "add_days",
    "cerfa_numbers",
    "certificate_validity_end",
    "completeness_expiry",
    "conformity_check_deadline",
    "deadline_alert_level",
    "decision_display_deadlines",
    "deemed_complete_on",
    "deposit_notice_deadline",
    "file_number",
    "follow_up_number",
    "follow_up_refusal",
    "follow_up_type_refusal",
    "insee_parts",
    "instruction_delay",
    "legal_deadline",
    "may_still_notify_exceptional_prolongation",
    "may_still_notify_modified_delay",
    "modified_delay_notification_deadline",
    "parse_file_number",
    "pieces_received_in_time",
    "pieces_request_deadline",
    "pieces_request_status",
    "prorogation_request_deadline",
    "tacit_outcome",
    "third_party_appeal_end",
    "validity_end",
    "withdrawal_window_end",
]


class UrbanismeRuleError(ValueError):
    """A request the rules forbid or do not cover (message in French)."""


# ---------------------------------------------------------------------------
# Calendar helpers (month arithmetic, working days: grc_core.calendar)
# ---------------------------------------------------------------------------


def add_days(d: date, n: int) -> date:
    """Return the last day of an ``n``-day non-franc delay triggered on ``d``.

    The event day is not counted (convention 5): "within 15 days of a deposit on
    1 March" ends on 16 March.
    """
    return d + timedelta(days=n)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _months_fr(n: int) -> str:
    return f"{n} mois"


def _clamp_note(start: date, end: date) -> str:
    """French note when month-end clamping moved the day-number (convention 2)."""
    if end.day != start.day:
        return (
            f" (pas de {start.day} dans le mois d'échéance : le délai expire le dernier jour du mois,"
            " C. proc. civ. art. 641)"
        )
    return ""


# ---------------------------------------------------------------------------
# Enumerations
# ---------------------------------------------------------------------------


class Procedure(StrEnum):
    """Urbanisme procedures handled by the plugin (DR §2.1)."""

    DECLARATION_PREALABLE = "declaration_prealable"
    PERMIS_DE_CONSTRUIRE_MI = "permis_de_construire_mi"
    PERMIS_DE_CONSTRUIRE = "permis_de_construire"
    PERMIS_AMENAGER = "permis_amenager"
    PERMIS_DEMOLIR = "permis_demolir"
    CERTIFICAT_URBANISME_A = "certificat_urbanisme_a"
    CERTIFICAT_URBANISME_B = "certificat_urbanisme_b"
    PERMIS_MODIFICATIF = "permis_modificatif"
    TRANSFERT_PERMIS = "transfert_permis"
    PROROGATION = "prorogation"
    DECLARATION_OUVERTURE_CHANTIER = "declaration_ouverture_chantier"
    DAACT = "daact"

    @property
    def label(self) -> str:
        """French name of the procedure."""
        return _PROCEDURE_LABELS[self]


_PROCEDURE_LABELS: dict[Procedure, str] = {
    Procedure.DECLARATION_PREALABLE: "déclaration préalable",
    Procedure.PERMIS_DE_CONSTRUIRE_MI: "permis de construire (maison individuelle)",
    Procedure.PERMIS_DE_CONSTRUIRE: "permis de construire",
    Procedure.PERMIS_AMENAGER: "permis d'aménager",
    Procedure.PERMIS_DEMOLIR: "permis de démolir",
    Procedure.CERTIFICAT_URBANISME_A: "certificat d'urbanisme d'information (a)",
    Procedure.CERTIFICAT_URBANISME_B: "certificat d'urbanisme opérationnel (b)",
    Procedure.PERMIS_MODIFICATIF: "permis modificatif",
    Procedure.TRANSFERT_PERMIS: "transfert de permis",
    Procedure.PROROGATION: "prorogation",
    Procedure.DECLARATION_OUVERTURE_CHANTIER: "déclaration d'ouverture de chantier",
    Procedure.DAACT: "déclaration attestant l'achèvement et la conformité des travaux",
}

_PERMITS = frozenset(
    {
        Procedure.PERMIS_DE_CONSTRUIRE_MI,
        Procedure.PERMIS_DE_CONSTRUIRE,
        Procedure.PERMIS_AMENAGER,
        Procedure.PERMIS_DEMOLIR,
    }
)
_DP = frozenset({Procedure.DECLARATION_PREALABLE})
_CU = frozenset({Procedure.CERTIFICAT_URBANISME_A, Procedure.CERTIFICAT_URBANISME_B})

_CERFA: dict[Procedure, tuple[str, ...]] = {
    Procedure.DECLARATION_PREALABLE: ("13703", "13404", "13702"),
    Procedure.PERMIS_DE_CONSTRUIRE_MI: ("13406",),
    Procedure.PERMIS_DE_CONSTRUIRE: ("13409",),
    Procedure.PERMIS_AMENAGER: ("13409",),
    Procedure.PERMIS_DEMOLIR: ("13405",),
    Procedure.CERTIFICAT_URBANISME_A: ("13410",),
    Procedure.CERTIFICAT_URBANISME_B: ("13410",),
    Procedure.PERMIS_MODIFICATIF: ("13411",),
    Procedure.TRANSFERT_PERMIS: ("13412",),
    Procedure.PROROGATION: (),
    Procedure.DECLARATION_OUVERTURE_CHANTIER: ("13407",),
    Procedure.DAACT: ("13408",),
}


def cerfa_numbers(procedure: Procedure) -> tuple[str, ...]:
    """CERFA form numbers for ``procedure`` (DR §2.1).

    DP: 13703 (maison individuelle/annexes), 13404 (constructions/aménagements),
    13702 (lotissements/divisions, conf. C); PCMI 13406 (conf. C); PC and PA 13409;
    PD 13405; CU a and b 13410 (same form); DOC 13407; permis modificatif 13411;
    DAACT 13408 (conf. C); transfert 13412 (conf. "?" — unconfirmed); prorogation:
    no CERFA, a letter in two copies (R424-22, conf. C) → empty tuple.
    """
    return _CERFA[Procedure(procedure)]


class Circumstance(StrEnum):
    """Facts of a file that change its instruction delay or its silence outcome.

    Delay majorations (DR §2.2): R*423-24 (+1 month), R*423-25 (+2 months, not
    cumulative with R*423-24), R*423-28 (delay "porté à" 5 months). Silence =
    rejection (DR §2.4): R*424-2, R*424-2-1, R*424-3.
    """

    # R*423-24 (+1 month)
    AUTRE_LEGISLATION = "autre_legislation"  # a) autorisation/prescriptions d'une autre législation
    DEROGATION_L152_4 = "derogation_l152_4"  # b) dérogation 1° et 3° de L152-4 / L152-6
    SITE_PATRIMONIAL_REMARQUABLE = "site_patrimonial_remarquable"  # c)
    ABORDS_MONUMENT_HISTORIQUE = "abords_monument_historique"  # c)
    AVIS_CDPENAF = "avis_cdpenaf"  # d)
    PARTICIPATION_DU_PUBLIC = "participation_du_public"  # e) C. env. L123-19-2
    # R*423-25 (+2 months)
    COMMISSION_DEPARTEMENTALE_OU_REGIONALE = "commission_departementale_ou_regionale"  # a)
    MINISTRE_AGRICULTURE = "ministre_agriculture"  # b) C. rural L643-4
    DEROGATION_CODE_RURAL_L111_3 = "derogation_code_rural_l111_3"  # c)
    DEROGATION_CCH_L111_4_1 = "derogation_cch_l111_4_1"  # d)
    AUTORISATION_EXPLOITATION_COMMERCIALE = "autorisation_exploitation_commerciale"  # e) C. com. L752-1
    PARTICIPATION_DU_PUBLIC_ELECTRONIQUE = "participation_du_public_electronique"  # f) C. env. L123-19
    # R*423-28 (delay "porté à" 5 months)
    IMMEUBLE_INSCRIT_MH = "immeuble_inscrit_mh"  # a)
    DEROGATION_L152_4_2 = "derogation_l152_4_2"  # a)
    TRAVAUX_ERP = "travaux_erp"  # b)
    # R*424-2 / R*424-2-1 / R*424-3 (silence = refus / opposition)
    TRAVAUX_MINISTRE_DEFENSE = "travaux_ministre_defense"  # R424-2 a)
    SITE_CLASSE = "site_classe"  # R424-2 a) (classé ou en instance de classement)
    RESERVE_NATURELLE = "reserve_naturelle"  # R424-2 a)
    DEMOLITION_SITE_INSCRIT = "demolition_site_inscrit"  # R424-2 i)
    EVALUATION_ENVIRONNEMENTALE = "evaluation_environnementale"  # R424-2-1
    AVIS_ABF_DEFAVORABLE = "avis_abf_defavorable"  # R424-3 (défavorable ou avec prescriptions)
    RECOURS_ABF_REJETE = "recours_abf_rejete"  # R424-3 (recours rejeté par le préfet de région)


class ExceptionalProlongation(StrEnum):
    """Exceptional prolongations of the delay (R*423-34 ff., DR §2.2 "other cases").

    Unlike majorations, they are notified during the instruction, before the end of
    the (possibly majorated) delay (R*423-44). DR §2.2 says these cases are "not
    exhaustively captured (TODO 2.T1)"; only the two it names are modelled.
    """

    RECOURS_PREFET_REGION_ABF = "recours_prefet_region_abf"  # R*423-35: +2 months
    AVIS_CNAC = "avis_cnac"  # R*423-36-1: +2 months


class Outcome(StrEnum):
    """Meaning of the administration's silence (DR §2.2, §2.3, §2.4, §2.6, §2.7)."""

    ACCORD_TACITE = "accord_tacite"  # permis tacite (L424-2, R424-1 b)
    NON_OPPOSITION = "non_opposition"  # non-opposition tacite à DP (R424-1 a)
    REFUS_TACITE = "refus_tacite"  # permits, R424-2 / R424-2-1 / R424-3
    OPPOSITION_TACITE = "opposition_tacite"  # DP, R424-2 / R424-2-1 / R424-3; DP incomplete (R423-39)
    REJET_TACITE = "rejet_tacite"  # permit whose missing pieces never came (R423-39)
    CERTIFICAT_TACITE = "certificat_tacite"  # CU tacite, effects of a CUa only (R410-12)
    PROROGATION_ACQUISE = "prorogation_acquise"  # R424-23 (conf. C)

    @property
    def label(self) -> str:
        """French wording of the outcome."""
        return _OUTCOME_LABELS[self]

    @property
    def is_favourable(self) -> bool:
        """True when silence grants the applicant's request (the case to watch)."""
        return self in {
            Outcome.ACCORD_TACITE,
            Outcome.NON_OPPOSITION,
            Outcome.CERTIFICAT_TACITE,
            Outcome.PROROGATION_ACQUISE,
        }


_OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.ACCORD_TACITE: "permis tacite",
    Outcome.NON_OPPOSITION: "décision de non-opposition tacite",
    Outcome.REFUS_TACITE: "refus tacite",
    Outcome.OPPOSITION_TACITE: "décision tacite d'opposition",
    Outcome.REJET_TACITE: "décision tacite de rejet",
    Outcome.CERTIFICAT_TACITE: "certificat d'urbanisme tacite (effets d'un CU d'information)",
    Outcome.PROROGATION_ACQUISE: "prorogation tacitement acquise",
}


class ConformityCase(StrEnum):
    """Cases of the conformity check after a DAACT (R462-6, R462-7; DR §2.6).

    ``DROIT_COMMUN`` → 3 months; every other member is a case where récolement is
    mandatory under R462-7 → 5 months.
    """

    DROIT_COMMUN = "droit_commun"
    IMMEUBLE_INSCRIT_MH = "immeuble_inscrit_mh"  # R462-7 a)
    SITE_PATRIMONIAL_REMARQUABLE = "site_patrimonial_remarquable"  # R462-7 a)
    SITE_CLASSE = "site_classe"  # R462-7 a) (classé ou en instance de classement)
    ERP_IGH = "erp_igh"  # R462-7 b)
    PARC_NATIONAL_RESERVE_NATURELLE = "parc_national_reserve_naturelle"  # R462-7 c)
    PLAN_PREVENTION_RISQUES = "plan_prevention_risques"  # R462-7 d)
    AUTRE_RECOLEMENT_OBLIGATOIRE = "autre_recolement_obligatoire"  # any other R462-7 case


class AlertLevel(StrEnum):
    """Dashboard buckets for a deadline (7 / 15 / 30 days)."""

    OVERDUE = "overdue"  # deadline passed
    CRITICAL = "critical"  # 0–7 days left
    URGENT = "urgent"  # 8–15 days left
    WARNING = "warning"  # 16–30 days left
    OK = "ok"  # more than 30 days left


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDate:
    """A computed date with its French explanation and its legal source."""

    value: date
    explanation: str
    source: str


@dataclass(frozen=True)
class TacitOutcome:
    """Outcome of silence at the end of the instruction delay (DR §2.4)."""

    outcome: Outcome
    reasons: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class InstructionDelay:
    """Instruction delay of a file (DR §2.2).

    ``base_months``: R*423-23 (or CU / prorogation) delay. ``modified_months``: after
    majoration (R*423-24/25) or substitution (R*423-28) — to be notified within the
    first month (R*423-18 b, R*423-42). ``prolongation_months``: exceptional
    prolongations (R*423-35, R*423-36-1), to be notified before the end of the
    modified delay (R*423-44). ``months`` = ``modified_months + prolongation_months``.
    """

    procedure: Procedure
    months: int
    base_months: int
    modified_months: int
    prolongation_months: int
    rule: str
    applied_rules: tuple[str, ...]
    silence_outcome: Outcome
    reasons: tuple[str, ...]
    ignored: tuple[Circumstance | ExceptionalProlongation, ...]

    @property
    def is_modified(self) -> bool:
        """True when the delay differs from the base delay of the récépissé."""
        return self.modified_months != self.base_months


@dataclass(frozen=True)
class LegalDeadline:
    """Calendar result of an instruction delay (DR §2.2–§2.4).

    ``last_day``: last day on which an express decision can be *notified*.
    ``tacit_decision_date``: day the tacit decision is born (``last_day + 1``).
    """

    start_date: date
    months: int
    last_day: date
    tacit_decision_date: date
    outcome: Outcome | None
    reasons: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class PiecesRequestStatus:
    """Whether a request for missing pieces is a valid R*423-38 request (DR §2.3)."""

    allowed: bool
    last_allowed_day: date
    reason: str
    source: str

    @property
    def changes_deadline(self) -> bool:
        """A valid request postpones the start of the instruction delay; others change nothing."""
        return self.allowed


@dataclass(frozen=True)
class CompletenessExpiry:
    """End of the 3 months given to the applicant to complete the file (R*423-39)."""

    last_day_for_pieces: date
    tacit_decision_date: date
    outcome: Outcome
    explanation: str


@dataclass(frozen=True)
class DisplayDeadlines:
    """Display of a decision in mairie (R424-15 al. 3; DR §2.5)."""

    post_by: date
    display_from: date
    display_until: date
    late: bool
    explanation: str


# ---------------------------------------------------------------------------
# §2.2 — instruction delay
# ---------------------------------------------------------------------------

_BASE_DELAYS: dict[Procedure, tuple[int, str, str]] = {
    Procedure.DECLARATION_PREALABLE: (1, "R*423-23 a)", "déclaration préalable : 1 mois"),
    Procedure.PERMIS_DE_CONSTRUIRE_MI: (2, "R*423-23 b)", "permis de construire une maison individuelle : 2 mois"),
    Procedure.PERMIS_DEMOLIR: (2, "R*423-23 b)", "permis de démolir : 2 mois"),
    Procedure.PERMIS_DE_CONSTRUIRE: (3, "R*423-23 c)", "permis de construire : 3 mois"),
    Procedure.PERMIS_AMENAGER: (3, "R*423-23 c)", "permis d'aménager : 3 mois"),
    Procedure.CERTIFICAT_URBANISME_A: (1, "R*410-9", "certificat d'urbanisme d'information : 1 mois"),
    Procedure.CERTIFICAT_URBANISME_B: (2, "R*410-10", "certificat d'urbanisme opérationnel : 2 mois"),
    Procedure.PROROGATION: (2, "R*424-23", "demande de prorogation : 2 mois"),
}

_MAJ1, _MAJ2, _SUBST, _REFUS = "majoration_1", "majoration_2", "substitution_5", "refus"


@dataclass(frozen=True)
class _CircumstanceRule:
    kind: str
    article: str
    label: str
    applies_to: frozenset[Procedure]


_DP_AND_PERMITS = _DP | _PERMITS

_CIRCUMSTANCE_RULES: dict[Circumstance, _CircumstanceRule] = {
    Circumstance.AUTRE_LEGISLATION: _CircumstanceRule(
        _MAJ1, "R*423-24 a)", "projet soumis à une autre législation", _DP_AND_PERMITS
    ),
    Circumstance.DEROGATION_L152_4: _CircumstanceRule(
        _MAJ1, "R*423-24 b)", "dérogation (1° et 3° de L152-4 / L152-6)", _DP_AND_PERMITS
    ),
    Circumstance.SITE_PATRIMONIAL_REMARQUABLE: _CircumstanceRule(
        _MAJ1, "R*423-24 c)", "site patrimonial remarquable", _DP_AND_PERMITS
    ),
    Circumstance.ABORDS_MONUMENT_HISTORIQUE: _CircumstanceRule(
        _MAJ1, "R*423-24 c)", "abords des monuments historiques", _DP_AND_PERMITS
    ),
    Circumstance.AVIS_CDPENAF: _CircumstanceRule(_MAJ1, "R*423-24 d)", "avis de la CDPENAF", _DP_AND_PERMITS),
    Circumstance.PARTICIPATION_DU_PUBLIC: _CircumstanceRule(
        _MAJ1, "R*423-24 e)", "participation du public (C. env. L123-19-2)", _DP_AND_PERMITS
    ),
    Circumstance.COMMISSION_DEPARTEMENTALE_OU_REGIONALE: _CircumstanceRule(
        _MAJ2, "R*423-25 a)", "consultation d'une commission départementale ou régionale", _PERMITS
    ),
    Circumstance.MINISTRE_AGRICULTURE: _CircumstanceRule(
        _MAJ2, "R*423-25 b)", "consultation du ministre de l'agriculture (C. rural L643-4)", _PERMITS
    ),
    Circumstance.DEROGATION_CODE_RURAL_L111_3: _CircumstanceRule(
        _MAJ2, "R*423-25 c)", "dérogation C. rural L111-3", _PERMITS
    ),
    Circumstance.DEROGATION_CCH_L111_4_1: _CircumstanceRule(
        _MAJ2, "R*423-25 d)", "dérogation CCH L111-4-1", _PERMITS
    ),
    Circumstance.AUTORISATION_EXPLOITATION_COMMERCIALE: _CircumstanceRule(
        _MAJ2, "R*423-25 e)", "autorisation d'exploitation commerciale (C. com. L752-1)", _PERMITS
    ),
    Circumstance.PARTICIPATION_DU_PUBLIC_ELECTRONIQUE: _CircumstanceRule(
        _MAJ2,
        "R*423-25 f)",
        "participation du public par voie électronique (C. env. L123-19)",
        _DP_AND_PERMITS,
    ),
    Circumstance.IMMEUBLE_INSCRIT_MH: _CircumstanceRule(
        _SUBST, "R*423-28 a)", "immeuble inscrit au titre des monuments historiques", _PERMITS
    ),
    Circumstance.DEROGATION_L152_4_2: _CircumstanceRule(_SUBST, "R*423-28 a)", "dérogation 2° de L152-4", _PERMITS),
    Circumstance.TRAVAUX_ERP: _CircumstanceRule(
        _SUBST,
        "R*423-28 b)",
        "travaux sur un établissement recevant du public (autorisation CCH)",
        frozenset({Procedure.PERMIS_DE_CONSTRUIRE_MI, Procedure.PERMIS_DE_CONSTRUIRE}),
    ),
    Circumstance.TRAVAUX_MINISTRE_DEFENSE: _CircumstanceRule(
        _REFUS, "R*424-2 a)", "travaux soumis à l'autorisation du ministre de la défense", _DP_AND_PERMITS
    ),
    Circumstance.SITE_CLASSE: _CircumstanceRule(
        _REFUS, "R*424-2 a)", "site classé ou en instance de classement", _DP_AND_PERMITS
    ),
    Circumstance.RESERVE_NATURELLE: _CircumstanceRule(_REFUS, "R*424-2 a)", "réserve naturelle", _DP_AND_PERMITS),
    Circumstance.DEMOLITION_SITE_INSCRIT: _CircumstanceRule(
        _REFUS,
        "R*424-2 i)",
        "démolition soumise à permis dans un site inscrit (y compris PC portant sur une telle démolition, "
        "CE 12 févr. 2020 n° 421949)",
        _PERMITS,
    ),
    Circumstance.EVALUATION_ENVIRONNEMENTALE: _CircumstanceRule(
        _REFUS, "R*424-2-1", "projet soumis à évaluation environnementale", _DP_AND_PERMITS
    ),
    Circumstance.AVIS_ABF_DEFAVORABLE: _CircumstanceRule(
        _REFUS,
        "R*424-3",
        "avis de l'architecte des Bâtiments de France défavorable ou favorable avec prescriptions",
        _DP_AND_PERMITS,
    ),
    Circumstance.RECOURS_ABF_REJETE: _CircumstanceRule(
        _REFUS,
        "R*424-3",
        "recours contre l'avis de l'architecte des Bâtiments de France rejeté par le préfet de région",
        _DP_AND_PERMITS,
    ),
}

_PROLONGATION_RULES: dict[ExceptionalProlongation, tuple[int, str, str, frozenset[Procedure]]] = {
    ExceptionalProlongation.RECOURS_PREFET_REGION_ABF: (
        2,
        "R*423-35",
        "recours de l'autorité compétente devant le préfet de région contre l'avis de l'ABF",
        _DP_AND_PERMITS,
    ),
    ExceptionalProlongation.AVIS_CNAC: (
        2,
        "R*423-36-1",
        "permis subordonné à un avis favorable de la Commission nationale d'aménagement commercial",
        _PERMITS,
    ),
}

#: First deposit date for which R*424-2-1 (évaluation environnementale → silence
#: = rejet) applies ("demandes déposées depuis le 31 décembre 2025", DR §2.4, conf. B).
EVALUATION_ENVIRONNEMENTALE_SINCE = date(2025, 12, 31)

_INITIAL_PERMIT_FOR_MODIFICATIF = _PERMITS


def _resolve_procedure(procedure: Procedure, initial_procedure: Procedure | None) -> tuple[Procedure, list[str]]:
    """Map a follow-up procedure onto the procedure whose rules it follows."""
    procedure = Procedure(procedure)
    if procedure is Procedure.PERMIS_MODIFICATIF:
        if initial_procedure is None or Procedure(initial_procedure) not in _INITIAL_PERMIT_FOR_MODIFICATIF:
            raise UrbanismeRuleError(
                "Permis modificatif : préciser le permis initial (permis de construire, de construire une "
                "maison individuelle, d'aménager ou de démolir)."
            )
        initial = Procedure(initial_procedure)
        return initial, [
            f"Permis modificatif instruit selon les règles du permis initial ({initial.label}) — "
            "interprétation : le permis modificatif est une demande de permis (R*423-23), non listé au §2.2."
        ]
    if procedure in (
        Procedure.TRANSFERT_PERMIS,
        Procedure.DECLARATION_OUVERTURE_CHANTIER,
        Procedure.DAACT,
    ):
        raise UrbanismeRuleError(
            f"Aucun délai d'instruction ni effet du silence n'est défini pour : {procedure.label} "
            "(la DOC et la DAACT sont des déclarations non instruites ; transfert : règle non documentée)."
        )
    return procedure, []


def tacit_outcome(
    procedure: Procedure,
    circumstances: Iterable[Circumstance] = (),
    *,
    deposit_date: date | None = None,
    initial_procedure: Procedure | None = None,
) -> TacitOutcome:
    """Meaning of silence at the end of the instruction delay (DR §2.2 last column, §2.4).

    - DP → non-opposition tacite (R*424-1 a); permits → permis tacite (L424-2,
      R*424-1 b) — **except** the R*424-2, R*424-2-1 and R*424-3 cases, where
      silence is a refusal: ``refus_tacite`` for permits, ``opposition_tacite`` for
      a DP (R*424-2: "décision implicite de rejet ou d'opposition").
    - CU a and b → CU tacite with the effects of a CUa only (R410-12); refusal
      circumstances do not apply.
    - Prorogation request → prorogation acquise after 2 months (R424-23, conf. C).
    - R*424-2-1 (évaluation environnementale) only applies to files deposited on or
      after 31 Dec 2025; ``deposit_date=None`` means a file under the current rules.
    - The R*424-2 list is not complete in DR §2.4 (TODO 2.T2): only the cases it
      names are modelled.
    """
    resolved, reasons = _resolve_procedure(procedure, initial_procedure)
    circumstances = tuple(dict.fromkeys(Circumstance(c) for c in circumstances))
    if resolved is Procedure.PROROGATION:
        return TacitOutcome(
            Outcome.PROROGATION_ACQUISE,
            tuple(reasons + ["Silence de 2 mois sur une demande de prorogation : prorogation acquise (R*424-23)."]),
            "R*424-23 (DR §2.6, conf. C)",
        )
    refusal = [c for c in circumstances if _CIRCUMSTANCE_RULES[c].kind == _REFUS]
    if resolved in _CU:
        for c in refusal:
            reasons.append(
                f"Non retenu : {_CIRCUMSTANCE_RULES[c].label} [{_CIRCUMSTANCE_RULES[c].article}] "
                "ne concerne pas le certificat d'urbanisme."
            )
        reasons.append(
            "Silence : certificat d'urbanisme tacite, avec les seuls effets d'un certificat d'information "
            "(R*410-12), même si un certificat opérationnel était demandé."
        )
        return TacitOutcome(Outcome.CERTIFICAT_TACITE, tuple(reasons), "R*410-12 (DR §2.2, §2.7)")
    applied: list[str] = []
    for c in refusal:
        rule = _CIRCUMSTANCE_RULES[c]
        if resolved not in rule.applies_to:
            reasons.append(f"Non retenu : {rule.label} [{rule.article}] ne s'applique pas à cette procédure ({resolved.label}).")
            continue
        if (
            c is Circumstance.EVALUATION_ENVIRONNEMENTALE
            and deposit_date is not None
            and deposit_date < EVALUATION_ENVIRONNEMENTALE_SINCE
        ):
            reasons.append(
                f"Non retenu : R*424-2-1 ne vise que les dossiers déposés depuis le "
                f"{_fmt(EVALUATION_ENVIRONNEMENTALE_SINCE)} (dépôt le {_fmt(deposit_date)})."
            )
            continue
        applied.append(rule.article)
        reasons.append(f"{rule.label.capitalize()} [{rule.article}] : le silence vaut refus.")
    is_dp = resolved is Procedure.DECLARATION_PREALABLE
    if applied:
        outcome = Outcome.OPPOSITION_TACITE if is_dp else Outcome.REFUS_TACITE
        source = ", ".join(dict.fromkeys(applied)) + " (DR §2.4)"
        reasons.append(f"Silence à l'échéance : {outcome.label}.")
    elif is_dp:
        outcome, source = Outcome.NON_OPPOSITION, "R*424-1 a) (DR §2.2)"
        reasons.append("Silence à l'échéance : décision de non-opposition tacite (R*424-1 a).")
    else:
        outcome, source = Outcome.ACCORD_TACITE, "L424-2, R*424-1 b) (DR §2.2, §2.4)"
        reasons.append("Silence à l'échéance : permis tacite (L424-2, R*424-1 b).")
    return TacitOutcome(outcome, tuple(reasons), source)


def instruction_delay(
    procedure: Procedure,
    circumstances: Iterable[Circumstance] = (),
    prolongations: Iterable[ExceptionalProlongation] = (),
    *,
    deposit_date: date | None = None,
    initial_procedure: Procedure | None = None,
) -> InstructionDelay:
    """Instruction delay in months, the rule applied and the silence outcome (DR §2.2).

    - Base delay (R*423-23): DP 1 month; PD and PCMI 2 months; other PC and PA 3
      months. CUa 1 month, CUb 2 months (R*410-9/10, conf. B). Prorogation request
      2 months (R424-23, conf. C). A permis modificatif follows its
      ``initial_procedure`` (interpretation). Transfert, DOC and DAACT have no
      instruction delay → :class:`UrbanismeRuleError`.
    - R*423-24 (+1 month) for DP and permits; R*423-25 (+2 months) for PCMI, PD, PC,
      PA, and for a DP only in case f) (participation du public par voie
      électronique, décret 2022-422). **Not cumulative**: when both apply, +2.
    - R*423-28 (delay "porté à" 5 months): a) immeuble inscrit MH / dérogation 2° of
      L152-4 for PCMI, PD, PC, PA; b) ERP works for permis de construire (PCMI, PC).
      A substitute delay is not added to a majoration: the longest delay applies
      (interpretation, as stated by moissac.fr quoted in DR §2.2).
    - Exceptional prolongations (R*423-35 ABF recours, R*423-36-1 CNAC, +2 months
      each): when several are given only the longest is kept (interpretation — the
      sources say nothing about cumulation; the shorter delay is the prudent one
      against an unnoticed tacit permit).
    - CU: no majoration exists; every circumstance is ignored.
    - Circumstances not applicable to the procedure are ignored and listed in
      ``ignored`` with a French reason.
    """
    resolved, reasons = _resolve_procedure(procedure, initial_procedure)
    if resolved not in _BASE_DELAYS:  # pragma: no cover - every resolved procedure is listed
        raise UrbanismeRuleError(f"Pas de délai d'instruction pour : {resolved.label}.")
    circumstances = tuple(dict.fromkeys(Circumstance(c) for c in circumstances))
    prolongations = tuple(dict.fromkeys(ExceptionalProlongation(p) for p in prolongations))
    base, base_article, base_label = _BASE_DELAYS[resolved]
    reasons.append(f"Délai de base [{base_article}] — {base_label}.")
    applied_rules = [base_article]
    ignored: list[Circumstance | ExceptionalProlongation] = []

    maj1: list[_CircumstanceRule] = []
    maj2: list[_CircumstanceRule] = []
    subst: list[_CircumstanceRule] = []
    for c in circumstances:
        rule = _CIRCUMSTANCE_RULES[c]
        if rule.kind == _REFUS:
            continue  # handled by tacit_outcome
        if resolved not in rule.applies_to:
            ignored.append(c)
            if resolved in _CU:
                why = "aucune majoration n'est prévue pour le certificat d'urbanisme"
            elif rule.kind == _MAJ2 and resolved is Procedure.DECLARATION_PREALABLE:
                why = "pour une déclaration préalable, seul le f) de R*423-25 s'applique"
            elif rule.kind == _SUBST:
                why = f"le délai de 5 mois ne vise pas cette procédure ({resolved.label})"
            else:
                why = f"ne s'applique pas à cette procédure ({resolved.label})"
            reasons.append(f"Non retenu : {rule.label} [{rule.article}] — {why}.")
            continue
        {_MAJ1: maj1, _MAJ2: maj2, _SUBST: subst}[rule.kind].append(rule)

    rule_name = base_article
    modified = base
    if maj2:
        modified = base + 2
        rule_name = "R*423-25"
        arts = ", ".join(dict.fromkeys(r.article for r in maj2))
        reasons.append(
            f"Majoration de 2 mois [{arts}] : " + "; ".join(r.label for r in maj2) + f" → {_months_fr(modified)}."
        )
        applied_rules.append("R*423-25")
        if maj1:
            reasons.append(
                "Majoration d'un mois (R*423-24) non cumulable avec celle de R*423-25 : seule la plus longue "
                "est retenue."
            )
    elif maj1:
        modified = base + 1
        rule_name = "R*423-24"
        arts = ", ".join(dict.fromkeys(r.article for r in maj1))
        reasons.append(
            f"Majoration d'un mois [{arts}] : " + "; ".join(r.label for r in maj1) + f" → {_months_fr(modified)}."
        )
        applied_rules.append("R*423-24")
    if subst:
        # R*423-28 "porté à" 5 months; the longest of the majorated and substitute delays applies.
        arts = ", ".join(dict.fromkeys(r.article for r in subst))
        labels = "; ".join(r.label for r in subst)
        note = " ; ce délai se substitue à la majoration (le délai le plus long s'applique)" if modified > base else ""
        reasons.append(f"Délai porté à 5 mois [{arts}] : {labels}{note}.")
        modified = max(modified, 5)
        rule_name = "R*423-28"
        applied_rules.append("R*423-28")

    prolongation = 0
    for p in prolongations:
        months, article, label, applies_to = _PROLONGATION_RULES[p]
        if resolved not in applies_to:
            ignored.append(p)
            reasons.append(f"Non retenu : prolongation [{article}] {label} — ne s'applique pas à cette procédure ({resolved.label}).")
            continue
        if months > prolongation:
            prolongation = months
        reasons.append(
            f"Prolongation exceptionnelle de {months} mois [{article}] : {label} ; à notifier avant la fin du "
            "délai d'instruction (R*423-44)."
        )
        applied_rules.append(article)
    if sum(1 for p in prolongations if p not in ignored) > 1:
        reasons.append(
            "Prolongations exceptionnelles non cumulées : seule la plus longue est retenue (interprétation)."
        )

    if modified != base:
        reasons.append(
            "Le délai modifié n'est opposable que s'il est notifié dans le mois qui suit le dépôt "
            "(R*423-18 b, R*423-42) ; à défaut, le délai de base s'applique."
        )
    outcome = tacit_outcome(resolved, circumstances, deposit_date=deposit_date)
    reasons.extend(outcome.reasons)
    return InstructionDelay(
        procedure=Procedure(procedure),
        months=modified + prolongation,
        base_months=base,
        modified_months=modified,
        prolongation_months=prolongation,
        rule=rule_name,
        applied_rules=tuple(dict.fromkeys(applied_rules)),
        silence_outcome=outcome.outcome,
        reasons=tuple(reasons),
        ignored=tuple(ignored),
    )


def modified_delay_notification_deadline(deposit_date: date) -> date:
    """Last day to notify a modified (majorated/substituted) delay (DR §2.2).

    "Dans le délai d'un mois à compter de la réception ou du dépôt du dossier à la
    mairie" (R*423-18 b, R*423-42): ``add_months(deposit_date, 1)``.
    """
    return add_months(deposit_date, 1)


def may_still_notify_modified_delay(deposit_date: date, on_date: date) -> bool:
    """True if a modified delay notified on ``on_date`` is opposable (DR §2.2).

    It must be notified within the month following the deposit (R*423-18 b,
    R*423-42); afterwards the delay can no longer be increased (moissac.fr,
    myconcept.bzh) — except exceptional prolongations, see
    :func:`may_still_notify_exceptional_prolongation`. The last allowed day is
    the same-number day of the next month (deposit 31 Jan → 28/29 Feb).
    """
    if on_date < deposit_date:
        raise UrbanismeRuleError("La date de notification précède la date de dépôt.")
    return on_date <= modified_delay_notification_deadline(deposit_date)


def may_still_notify_exceptional_prolongation(delay_last_day: date, on_date: date) -> bool:
    """True if an exceptional prolongation notified on ``on_date`` is opposable.

    R*423-44: it must be notified before the expiry of the instruction delay set
    by R*423-23, possibly majorated under R*423-24 to R*423-33. ``delay_last_day``
    is that delay's last day (:attr:`LegalDeadline.last_day` without prolongation).
    """
    return on_date <= delay_last_day


# ---------------------------------------------------------------------------
# §2.3 — completeness
# ---------------------------------------------------------------------------


def pieces_request_deadline(deposit_date: date) -> date:
    """Last day to notify the request for missing pieces (R*423-38; DR §2.3).

    One month from the deposit in mairie: ``add_months(deposit_date, 1)``. From the
    next day on, without a valid request, the file is réputé complet (R*423-22).
    """
    return add_months(deposit_date, 1)


def pieces_request_status(
    deposit_date: date,
    request_date: date,
    previous_requests: Sequence[date] | int = (),
    *,
    listed_in_code: bool = True,
) -> PiecesRequestStatus:
    """Is a request for missing pieces notified on ``request_date`` effective? (DR §2.3)

    Valid only if it is the **first** request, notified **within one month** of
    the deposit (R*423-38: one exhaustive list, by LRAR or electronically) and asks
    for pieces the code requires. Then the applicant has 3 months from its receipt
    to answer and the instruction delay starts on receipt of the last piece
    (R*423-39). A late request, a request for a piece not listed in the code
    (R*423-41), or a second request (interpretation of "liste exhaustive",
    R*423-38) changes nothing: ``allowed`` is False and ``reason`` says why.
    ``previous_requests``: dates (or number) of earlier requests on the same file.
    ``request_date`` is the notification date (first presentation of the LRAR).
    """
    if request_date < deposit_date:
        raise UrbanismeRuleError("La demande de pièces ne peut précéder le dépôt du dossier.")
    last = pieces_request_deadline(deposit_date)
    n_previous = previous_requests if isinstance(previous_requests, int) else len(previous_requests)
    if n_previous > 0:
        return PiecesRequestStatus(
            False,
            last,
            "Seconde demande de pièces : la liste des pièces manquantes est exhaustive et adressée en une "
            "seule fois (R*423-38) ; cette demande ne modifie pas le délai d'instruction ni la date de la "
            "décision tacite (R*423-41).",
            "R*423-38, R*423-41 (DR §2.3)",
        )
    if request_date > last:
        return PiecesRequestStatus(
            False,
            last,
            f"Demande de pièces notifiée le {_fmt(request_date)}, après la fin du délai d'un mois suivant le "
            f"dépôt (dernier jour : {_fmt(last)}) : elle ne modifie pas le délai d'instruction (R*423-41) ; "
            f"le dossier est réputé complet depuis son dépôt le {_fmt(deposit_date)} (R*423-22).",
            "R*423-41, R*423-22 (DR §2.3)",
        )
    if not listed_in_code:
        return PiecesRequestStatus(
            False,
            last,
            "Pièce non exigée par le code de l'urbanisme : la demande ne modifie pas le délai d'instruction "
            "(R*423-41) ; la décision tacite naît à l'échéance initiale.",
            "R*423-41 (DR §2.3)",
        )
    return PiecesRequestStatus(
        True,
        last,
        f"Demande régulière (notifiée au plus tard le {_fmt(last)}) : le demandeur dispose de 3 mois à compter "
        "de sa réception pour produire les pièces, faute de quoi naît une décision tacite de rejet "
        "(permis) ou d'opposition (DP) ; le délai d'instruction courra à compter de la réception de la "
        "dernière pièce (R*423-39).",
        "R*423-38, R*423-39 (DR §2.3)",
    )


def deemed_complete_on(
    deposit_date: date,
    pieces_request_date: date | None = None,
    *,
    listed_in_code: bool = True,
) -> date | None:
    """Date from which the file is réputé complet, or None (R*423-22; DR §2.3).

    Without a valid request for pieces within the first month (none, late, or for
    a piece not required), the file is deemed complete **as of its deposit**: the
    deposit date is returned and the instruction delay runs from it. When a valid
    request was made, the file will be complete on receipt of the last piece:
    None is returned. While the first month has not elapsed the presumption is not
    yet certain; it becomes so the day after :func:`pieces_request_deadline`.
    """
    if pieces_request_date is None:
        return deposit_date
    status = pieces_request_status(deposit_date, pieces_request_date, listed_in_code=listed_in_code)
    return None if status.allowed else deposit_date


def _completeness_outcome(procedure: Procedure, initial_procedure: Procedure | None) -> Outcome:
    resolved, _ = _resolve_procedure(procedure, initial_procedure)
    if resolved is Procedure.DECLARATION_PREALABLE:
        return Outcome.OPPOSITION_TACITE
    if resolved in _PERMITS:
        return Outcome.REJET_TACITE
    raise UrbanismeRuleError(
        f"La règle de complétude des R*423-38 à R*423-41 ne vise que les permis et déclarations préalables "
        f"(pas : {resolved.label})."
    )


def completeness_expiry(
    procedure: Procedure,
    request_received_on: date,
    *,
    initial_procedure: Procedure | None = None,
) -> CompletenessExpiry:
    """End of the 3 months to send the missing pieces and its outcome (R*423-39; DR §2.3).

    The pieces must reach the mairie within 3 months of the applicant's receipt of
    the request (``request_received_on``: first presentation of the LRAR or
    electronic receipt). Last day: ``add_months(request_received_on, 3)``; the next
    day a décision tacite de rejet (permit) or d'opposition (DP) is born.
    """
    outcome = _completeness_outcome(procedure, initial_procedure)
    last = add_months(request_received_on, 3)
    tacit = last + timedelta(days=1)
    return CompletenessExpiry(
        last_day_for_pieces=last,
        tacit_decision_date=tacit,
        outcome=outcome,
        explanation=(
            f"Demande de pièces reçue le {_fmt(request_received_on)} : le demandeur a 3 mois pour les produire, "
            f"soit jusqu'au {_fmt(last)} inclus{_clamp_note(request_received_on, last)} ; à défaut, "
            f"{outcome.label} le {_fmt(tacit)} (R*423-39)."
        ),
    )


def pieces_received_in_time(request_received_on: date, pieces_received_on: date) -> bool:
    """True if the last missing piece reached the mairie within the 3 months (R*423-39)."""
    return pieces_received_on <= add_months(request_received_on, 3)


# ---------------------------------------------------------------------------
# §2.2–§2.4 — calendar deadline of the tacit decision
# ---------------------------------------------------------------------------


def legal_deadline(
    deposit_date: date,
    completion_date: date | None,
    delay: InstructionDelay | int,
    *,
    pieces_request_date: date | None = None,
    pieces_listed_in_code: bool = True,
    modification_notified_on: date | None = None,
    prolongation_notified_on: date | None = None,
    inquiry_report_received_on: date | None = None,
) -> LegalDeadline:
    """Calendar deadline of a file: last day to notify a decision and tacit decision date.

    Start of the delay (DR §2.2, §2.3):

    - the deposit date when the file was complete or is réputé complet (R*423-19,
      R*423-22) — ``completion_date=None``;
    - ``completion_date`` (receipt of the last missing piece, R*423-39) when a valid
      pieces request was made. If ``pieces_request_date`` is given and the request
      was late or asked for a piece not required (``pieces_listed_in_code=False``),
      ``completion_date`` is ignored (R*423-41) and the
      delay runs from the deposit; if it was valid but ``completion_date`` is None
      the delay has not started (:class:`UrbanismeRuleError`, see
      :func:`completeness_expiry`); pieces received after the 3 months also raise
      (``pieces_request_date`` is the notification date, i.e. the applicant's
      receipt — first presentation of the LRAR — from which R*423-39 counts);
    - ``inquiry_report_received_on`` overrides the start when a public inquiry is
      required (R*423-20: receipt of the commissaire-enquêteur's report).

    Length: ``delay`` in months (``int``: used as is) or an
    :class:`InstructionDelay`. A modified delay counts only if
    ``modification_notified_on`` is within the first month after the deposit
    (R*423-18 b, R*423-42) — otherwise, including when it is not (yet) notified,
    the base delay is used (prudent reading: no majoration without notification).
    An exceptional prolongation counts only if ``prolongation_notified_on`` is on or
    before the last day of the delay it prolongs (R*423-44).

    The last day is the same-number day (module conventions 1–3, 7); the tacit
    decision is born the next day. ``outcome`` is the delay's silence outcome when
    an :class:`InstructionDelay` is given.
    """
    if completion_date is not None and completion_date < deposit_date:
        raise UrbanismeRuleError("La date de complétude précède la date de dépôt.")
    reasons: list[str] = []

    start = deposit_date
    start_label = "dépôt du dossier complet en mairie (R*423-19)"
    if pieces_request_date is not None:
        status = pieces_request_status(deposit_date, pieces_request_date, listed_in_code=pieces_listed_in_code)
        if not status.allowed:
            reasons.append(status.reason)
            start_label = "dépôt du dossier, réputé complet (R*423-22, R*423-41)"
        elif completion_date is None:
            raise UrbanismeRuleError(
                "Dossier incomplet : le délai d'instruction ne court qu'à compter de la réception de la dernière "
                "pièce manquante (R*423-39) ; voir completeness_expiry()."
            )
        elif not pieces_received_in_time(pieces_request_date, completion_date):
            expiry = add_months(pieces_request_date, 3)
            raise UrbanismeRuleError(
                f"Pièces reçues le {_fmt(completion_date)}, après la fin du délai de 3 mois ({_fmt(expiry)}) : "
                "une décision tacite de rejet ou d'opposition est née (R*423-39)."
            )
        else:
            start = completion_date
            start_label = "réception de la dernière pièce manquante (R*423-39)"
    elif completion_date is not None and completion_date != deposit_date:
        start = completion_date
        start_label = "réception de la dernière pièce manquante (R*423-39) — demande de pièces supposée régulière"
    if inquiry_report_received_on is not None:
        start = inquiry_report_received_on
        start_label = "réception du rapport du commissaire-enquêteur (R*423-20)"

    outcome: Outcome | None = None
    if isinstance(delay, InstructionDelay):
        outcome = delay.silence_outcome
        months = delay.base_months
        if delay.is_modified:
            limit = modified_delay_notification_deadline(deposit_date)
            if modification_notified_on is None:
                reasons.append(
                    f"Délai modifié ({_months_fr(delay.modified_months)}) non notifié : seul le délai de base de "
                    f"{_months_fr(delay.base_months)} est opposable ; il peut encore être notifié jusqu'au "
                    f"{_fmt(limit)} (R*423-42)."
                )
            elif modification_notified_on < deposit_date or modification_notified_on > limit:
                reasons.append(
                    f"Délai modifié notifié le {_fmt(modification_notified_on)}, hors du mois suivant le dépôt "
                    f"(dernier jour : {_fmt(limit)}) : il n'est pas opposable, le délai de base de "
                    f"{_months_fr(delay.base_months)} s'applique (R*423-18 b, R*423-42)."
                )
            else:
                months = delay.modified_months
                reasons.append(
                    f"Délai modifié de {_months_fr(months)} [{delay.rule}] notifié le "
                    f"{_fmt(modification_notified_on)}, dans le mois suivant le dépôt."
                )
        if delay.prolongation_months:
            before = add_months(start, months)
            if prolongation_notified_on is None:
                reasons.append(
                    f"Prolongation exceptionnelle de {_months_fr(delay.prolongation_months)} non notifiée : "
                    f"non prise en compte (à notifier au plus tard le {_fmt(before)}, R*423-44)."
                )
            elif may_still_notify_exceptional_prolongation(before, prolongation_notified_on):
                months += delay.prolongation_months
                reasons.append(
                    f"Prolongation exceptionnelle de {_months_fr(delay.prolongation_months)} notifiée le "
                    f"{_fmt(prolongation_notified_on)}, avant la fin du délai ({_fmt(before)})."
                )
            else:
                reasons.append(
                    f"Prolongation exceptionnelle notifiée le {_fmt(prolongation_notified_on)}, après la fin du "
                    f"délai ({_fmt(before)}) : non opposable (R*423-44)."
                )
    else:
        months = int(delay)
        if months < 0:
            raise UrbanismeRuleError("Un délai d'instruction ne peut être négatif.")

    last = add_months(start, months)
    tacit = last + timedelta(days=1)
    outcome_text = f"{outcome.label} le {_fmt(tacit)}" if outcome else f"décision tacite le {_fmt(tacit)}"
    explanation = (
        f"Délai d'instruction de {_months_fr(months)} courant à compter du {_fmt(start)} — {start_label}. "
        f"Délai non franc, de quantième à quantième : dernier jour pour notifier une décision expresse le "
        f"{_fmt(last)}{_clamp_note(start, last)}. À défaut de notification, {outcome_text}."
    )
    return LegalDeadline(
        start_date=start,
        months=months,
        last_day=last,
        tacit_decision_date=tacit,
        outcome=outcome,
        reasons=tuple(reasons),
        explanation=explanation,
    )


# ---------------------------------------------------------------------------
# §2.5 — display obligations
# ---------------------------------------------------------------------------


def deposit_notice_deadline(deposit_date: date) -> RuleDate:
    """Last day to post the avis de dépôt in mairie (R423-6; DR §2.5).

    Within 15 days of the deposit (``deposit_date + 15 days``, convention 5), kept
    for the whole instruction; may be an electronic publication on the commune's
    website.
    """
    last = add_days(deposit_date, 15)
    return RuleDate(
        last,
        f"Dépôt le {_fmt(deposit_date)} : avis de dépôt à afficher en mairie dans les 15 jours, soit au plus tard "
        f"le {_fmt(last)}, et maintenu pendant toute l'instruction (R423-6).",
        "R423-6 (DR §2.5)",
    )


def decision_display_deadlines(decision_date: date, display_start: date | None = None) -> DisplayDeadlines:
    """Display in mairie of a permit / non-opposition (R424-15 al. 3; DR §2.5).

    ``decision_date``: date of the express decision or of the tacit decision. The
    extract must be posted within 8 days (``decision_date + 8``) and stay posted
    for 2 months: until ``add_months(display_from, 2)``, where ``display_from`` is
    ``display_start`` when known, else the last allowed posting day (the latest
    compliant assumption). ``late`` is True when ``display_start`` is after the
    8-day limit. The on-site display by the beneficiary (R424-15 al. 1-2) lasts
    for the whole works and is not computed here.
    """
    post_by = add_days(decision_date, 8)
    display_from = display_start if display_start is not None else post_by
    if display_from < decision_date:
        raise UrbanismeRuleError("L'affichage ne peut précéder la décision.")
    until = add_months(display_from, 2)
    late = display_from > post_by
    started = (
        f"affiché depuis le {_fmt(display_from)}"
        if display_start is not None
        else f"en supposant un affichage le {_fmt(display_from)}"
    )
    explanation = (
        f"Décision du {_fmt(decision_date)} : extrait à afficher en mairie dans les 8 jours, soit au plus tard le "
        f"{_fmt(post_by)}, pendant 2 mois ({started}, jusqu'au {_fmt(until)} inclus) (R424-15)."
    )
    if late:
        explanation += " Affichage tardif : le délai de 8 jours n'a pas été respecté."
    return DisplayDeadlines(
        post_by=post_by,
        display_from=display_from,
        display_until=until,
        late=late,
        explanation=explanation,
    )


# ---------------------------------------------------------------------------
# §2.6 — validity, prorogation, withdrawal, appeals, conformity
# ---------------------------------------------------------------------------

#: Maximum number of one-year prorogations of a permit / DP (R424-21).
MAX_PROROGATIONS = 2


def validity_end(decision_date: date, prorogations: int = 0) -> RuleDate:
    """Last day to start the works before the authorisation lapses (R424-17, R424-21; DR §2.6).

    Validity: 3 years from the notification of the decision (or from the tacit
    decision date), extended by one year for each prorogation, at most 2
    (R424-21, conf. B). A third prorogation raises :class:`UrbanismeRuleError`.
    The authorisation also lapses if the works are interrupted for more than a
    year after that period (not computed here). 29 Feb + 3 years → 28 Feb.
    """
    if prorogations < 0:
        raise UrbanismeRuleError("Le nombre de prorogations ne peut être négatif.")
    if prorogations > MAX_PROROGATIONS:
        raise UrbanismeRuleError(
            "Une troisième prorogation est impossible : l'autorisation ne peut être prorogée que deux fois, "
            "pour une année chacune (R424-21)."
        )
    years = 3 + prorogations
    last = add_months(decision_date, 12 * years)
    extra = f", prorogée {prorogations} fois d'un an (R424-21)" if prorogations else ""
    return RuleDate(
        last,
        f"Décision du {_fmt(decision_date)} valable 3 ans (R424-17){extra} : travaux à commencer au plus tard le "
        f"{_fmt(last)}{_clamp_note(decision_date, last)}.",
        "R424-17, R424-21 (DR §2.6)",
    )


def prorogation_request_deadline(validity_last_day: date) -> RuleDate:
    """Last day to ask for a prorogation: at least 2 months before expiry (R424-22; DR §2.6, conf. C).

    ``validity_last_day`` is :func:`validity_end`'s value. Computed as
    ``add_months(validity_last_day, -2)`` (at a month end this is the earlier,
    prudent reading: 30 April → 28 February). The mairie's silence for 2 months on
    the request means prorogation acquise (R424-23).
    """
    last = add_months(validity_last_day, -2)
    return RuleDate(
        last,
        f"Validité jusqu'au {_fmt(validity_last_day)} : demande de prorogation à déposer au moins 2 mois avant, "
        f"soit au plus tard le {_fmt(last)} (R424-22) ; silence de 2 mois = prorogation acquise (R424-23).",
        "R424-22, R424-23 (DR §2.6, conf. C)",
    )


def certificate_validity_end(issued_on: date, prorogations: int = 0) -> RuleDate:
    """Last day of a certificat d'urbanisme's effects (L410-1, R410-17; DR §2.7, conf. B).

    The rules, taxes and limitations it states are "crystallised" for 18 months
    from its date (``issued_on``: notification, or the tacit certificate's date),
    extended by one year for each prorogation. R410-17 sets no maximum number of
    prorogations (only that rules and taxes have not changed), so none is
    enforced here. The request is due 2 months before the end, as for a permit
    (:func:`prorogation_request_deadline`).
    """
    if prorogations < 0:
        raise UrbanismeRuleError("Le nombre de prorogations ne peut être négatif.")
    months = 18 + 12 * prorogations
    last = add_months(issued_on, months)
    extra = f", prorogé {prorogations} fois d'un an (R410-17)" if prorogations else ""
    return RuleDate(
        last,
        f"Certificat d'urbanisme du {_fmt(issued_on)} valable 18 mois (L410-1){extra} : effets jusqu'au "
        f"{_fmt(last)}{_clamp_note(issued_on, last)}.",
        "L410-1, R410-17 (DR §2.7, conf. B)",
    )


def third_party_appeal_end(display_start: date, *, alsace_moselle: bool = False) -> RuleDate:
    """Last day for a third party to file a contentious appeal (R600-2; DR §2.6).

    The 2-month delay runs from the first day of a continuous 2-month display on
    site. It is a contentious delay, hence **franc** (CJA R421-1; CE 29 déc. 2006
    n° 289818): it ends the day after ``add_months(display_start, 2)`` and, if that
    day is a Saturday, Sunday or public holiday, on the next working day
    (C. proc. civ. 642; CE 19 sept. 2014 n° 362568) — computed by
    :func:`grc_core.calendar.next_working_day`, holidays from the ``holidays``
    package, plus Good Friday and 26 December when ``alsace_moselle`` is true
    (C. trav. L3134-13). Interpretation: DR §2.6 only
    says "2 months from the 1st day of display"; the franc computation gives the
    later — prudent — date before a permit is treated as purged of appeals. The
    recours must also be notified within 15 days (R600-1), not computed here.
    """
    same_day = add_months(display_start, 2)
    franc = same_day + timedelta(days=1)
    last = next_working_day(franc, alsace_moselle=alsace_moselle)
    moved = (
        f", reporté au premier jour ouvrable suivant, le {_fmt(last)} (C. proc. civ. art. 642)"
        if last != franc
        else ""
    )
    return RuleDate(
        last,
        f"Affichage continu sur le terrain depuis le {_fmt(display_start)} : délai de recours des tiers de 2 mois, "
        f"délai franc, expirant le {_fmt(franc)} à minuit{moved} (R600-2, CJA R421-1).",
        "R600-2 (DR §2.6); CJA R421-1",
    )


def conformity_check_deadline(daact_date: date, case: ConformityCase = ConformityCase.DROIT_COMMUN) -> RuleDate:
    """Last day for the authority to contest conformity after a DAACT (R462-6, R462-7; DR §2.6).

    ``daact_date``: reception of the DAACT in mairie. 3 months in the general case;
    5 months when récolement is mandatory (R462-7: immeuble inscrit MH, SPR, site
    classé, ERP/IGH, parc national / réserve naturelle, PPR, …). After that day
    the authority can no longer contest the conformity of the works.
    """
    case = ConformityCase(case)
    months = 3 if case is ConformityCase.DROIT_COMMUN else 5
    last = add_months(daact_date, months)
    why = "cas général" if months == 3 else f"récolement obligatoire selon R462-7 : {case.value}"
    return RuleDate(
        last,
        f"DAACT reçue le {_fmt(daact_date)} : {months} mois pour contester la conformité des travaux ({why}), "
        f"soit jusqu'au {_fmt(last)} inclus{_clamp_note(daact_date, last)} (R462-6).",
        "R462-6, R462-7 (DR §2.6)",
    )


def withdrawal_window_end(decision_date: date) -> RuleDate:
    """Last day to withdraw an illegal permit or DP non-opposition (L424-5; DR §2.6).

    Express or tacit decisions can be withdrawn only if illegal and within 3
    months following their date (``add_months(decision_date, 3)``; the withdrawal
    must be notified by then). Afterwards only at the beneficiary's request.
    For a tacit decision, ``decision_date`` is :attr:`LegalDeadline.tacit_decision_date`.
    """
    last = add_months(decision_date, 3)
    return RuleDate(
        last,
        f"Décision du {_fmt(decision_date)} : retrait possible, si elle est illégale, jusqu'au {_fmt(last)} "
        f"inclus{_clamp_note(decision_date, last)} ; ensuite seulement à la demande du bénéficiaire (L424-5).",
        "L424-5 (DR §2.6)",
    )


# ---------------------------------------------------------------------------
# Follow-up procedures: which authorisation they may concern, and when
# ---------------------------------------------------------------------------

#: The authorisations each follow-up procedure may concern (interpretation, conf. C):
#: a permis modificatif and a transfert concern a permit (R431-4 ff. list them as
#: permit requests; a DP is not transferred, a new DP is filed); a prorogation a
#: permit or a DP (R424-21) or a certificat d'urbanisme (R410-17); a DOC and a DAACT
#: the works of a permit or a DP (R424-16 names permits; the plugin's workflow
#: records the opening and the completion of a DP's works the same way; R462-1).
FOLLOW_UP_ORIGINALS: dict[Procedure, frozenset[Procedure]] = {
    Procedure.PERMIS_MODIFICATIF: _PERMITS,
    Procedure.TRANSFERT_PERMIS: _PERMITS,
    Procedure.PROROGATION: _PERMITS | _DP | _CU,
    Procedure.DECLARATION_OUVERTURE_CHANTIER: _PERMITS | _DP,
    Procedure.DAACT: _PERMITS | _DP,
}

_WHAT_MAY_BE_FOLLOWED: dict[Procedure, str] = {
    Procedure.PERMIS_MODIFICATIF: "Un permis modificatif ne peut modifier qu'un permis (de construire, d'aménager "
                                  "ou de démolir)",
    Procedure.TRANSFERT_PERMIS: "Seul un permis (de construire, d'aménager ou de démolir) peut être transféré",
    Procedure.PROROGATION: "Seuls un permis, une déclaration préalable ou un certificat d'urbanisme peuvent être "
                           "prorogés (R424-21, R410-17)",
    Procedure.DECLARATION_OUVERTURE_CHANTIER: "Une déclaration d'ouverture de chantier ne porte que sur un permis "
                                              "ou une déclaration préalable",
    Procedure.DAACT: "Une DAACT ne porte que sur un permis ou une déclaration préalable (R462-1)",
}

_FOLLOW_UP_NAMES: dict[Procedure, str] = {
    Procedure.PERMIS_MODIFICATIF: "d'un permis modificatif",
    Procedure.TRANSFERT_PERMIS: "d'un transfert",
    Procedure.PROROGATION: "d'une prorogation",
    Procedure.DECLARATION_OUVERTURE_CHANTIER: "d'une déclaration d'ouverture de chantier",
    Procedure.DAACT: "d'une DAACT",
}


def follow_up_type_refusal(procedure: Procedure, original_procedure: Procedure) -> str | None:
    """Why ``original_procedure`` cannot be the authorisation a follow-up ``procedure`` concerns, or None.

    See :data:`FOLLOW_UP_ORIGINALS` (interpretation, conf. C). ``procedure``
    that is not a follow-up raises :class:`UrbanismeRuleError`.
    """
    procedure, original = Procedure(procedure), Procedure(original_procedure)
    if procedure not in FOLLOW_UP_ORIGINALS:
        raise UrbanismeRuleError(f"« {procedure.label} » ne fait suite à aucune autorisation.")
    if original in FOLLOW_UP_ORIGINALS[procedure]:
        return None
    return f"{_WHAT_MAY_BE_FOLLOWED[procedure]} ; l'autorisation initiale indiquée est : {original.label}."


def follow_up_refusal(
    procedure: Procedure,
    original_procedure: Procedure,
    *,
    granted: bool,
    filed_on: date,
    validity_last_day: date | None = None,
    prorogations: int = 0,
) -> str | None:
    """Why a follow-up filed on ``filed_on`` cannot concern this authorisation, or None (French).

    In this order:

    - the kind of authorisation (:func:`follow_up_type_refusal`);
    - it must have been granted (``granted``: express approval notified, or
      tacit approval / non-opposition): a refused or pending request has
      nothing to modify, transfer, extend or carry out;
    - a prorogation of a permit or a DP: at most two (R424-21, DR §2.6, conf. B,
      ``prorogations`` already granted); none of a certificate is limited in
      number (R410-17);
    - a prorogation: the authorisation must still be valid on ``filed_on``
      (``validity_last_day``: :func:`validity_end` or
      :func:`certificate_validity_end`, prorogations included), and the request
      filed at least 2 months before that day (R424-22, R410-17; conf. C and B):
      :func:`prorogation_request_deadline`.
    """
    procedure, original = Procedure(procedure), Procedure(original_procedure)
    wrong_kind = follow_up_type_refusal(procedure, original)
    if wrong_kind:
        return wrong_kind
    if not granted:
        return (
            f"L'autorisation initiale ({original.label}) n'a pas été accordée — ni accord notifié, ni accord tacite "
            f"ou non-opposition : elle ne peut faire l'objet {_FOLLOW_UP_NAMES[procedure]}."
        )
    if procedure is not Procedure.PROROGATION:
        return None
    certificate = original in _CU
    if not certificate and prorogations >= MAX_PROROGATIONS:
        return (
            "Une troisième prorogation est impossible : l'autorisation a déjà été prorogée deux fois, et ne peut "
            "l'être que deux fois, pour une année chacune (R424-21)."
        )
    if validity_last_day is None:
        return None
    if filed_on > validity_last_day:
        return (
            f"L'autorisation initiale n'était valable que jusqu'au {_fmt(validity_last_day)} : périmée, elle ne "
            f"peut plus être prorogée ({'R410-17' if certificate else 'R424-17, R424-21'})."
        )
    deadline = prorogation_request_deadline(validity_last_day).value
    if filed_on > deadline:
        return (
            f"Demande de prorogation déposée le {_fmt(filed_on)}, moins de 2 mois avant la fin de validité de "
            f"l'autorisation ({_fmt(validity_last_day)}) : elle devait être déposée au plus tard le "
            f"{_fmt(deadline)} ({'R410-17' if certificate else 'R424-22'})."
        )
    return None


# ---------------------------------------------------------------------------
# File numbers (arrêté du 6 juin 2007, C. urb. A.423-1 ff.) — not in DR
# ---------------------------------------------------------------------------

#: Type letters of a file number. A PCMI is numbered as a PC, CUa and CUb as CU;
#: follow-up procedures have no letters of their own (:func:`follow_up_number`).
FILE_NUMBER_LETTERS: dict[Procedure, str] = {
    Procedure.DECLARATION_PREALABLE: "DP",
    Procedure.PERMIS_DE_CONSTRUIRE_MI: "PC",
    Procedure.PERMIS_DE_CONSTRUIRE: "PC",
    Procedure.PERMIS_AMENAGER: "PA",
    Procedure.PERMIS_DEMOLIR: "PD",
    Procedure.CERTIFICAT_URBANISME_A: "CU",
    Procedure.CERTIFICAT_URBANISME_B: "CU",
}
_PERMIT_LETTERS = frozenset(FILE_NUMBER_LETTERS[p] for p in _PERMITS)
#: The sequence has 5 digits; a 100,000th file of one type in a commune in one year is refused
#: rather than widened: other systems (Sit@del, PLAT'AU) read the number by fixed positions.
MAX_FILE_SEQUENCE = 99_999
#: A permis modificatif or a transfert is numbered ``M01``…``M99`` / ``T01``…``T99`` after its permit.
MAX_FOLLOW_UP_RANK = 99
#: The letter after a permit's number that numbers its modificatifs and its transfers.
FOLLOW_UP_SUFFIXES = {Procedure.PERMIS_MODIFICATIF: "M", Procedure.TRANSFERT_PERMIS: "T"}
# Follow-ups without a number of their own: they carry the number of the authorisation they concern.
_CARRY_ORIGINAL_NUMBER = frozenset(
    {Procedure.PROROGATION, Procedure.DECLARATION_OUVERTURE_CHANTIER, Procedure.DAACT}
)


@dataclass(frozen=True)
class FileNumber:
    """A parsed file number: ``PC 045 901 26 00012`` (``M01`` / ``T01`` after a permit's follow-ups).

    ``department`` and ``commune`` are the 3 characters of each (``"045"``,
    ``"02A"``, ``"974"``; ``"901"``), ``year`` the 2 digits of the year,
    ``suffix`` ``"M"`` (permis modificatif) or ``"T"`` (transfert) with its
    ``rank``, or ``""`` for the authorisation itself. ``str()`` gives the
    canonical spaced form.
    """

    letters: str
    department: str
    commune: str
    year: int
    sequence: int
    suffix: str = ""
    rank: int = 0

    def __str__(self) -> str:
        number = f"{self.letters} {self.department} {self.commune} {self.year:02d} {self.sequence:05d}"
        return f"{number} {self.suffix}{self.rank:02d}" if self.suffix else number

    @property
    def original(self) -> FileNumber:
        """The number of the authorisation itself (a modificatif's or a transfer's suffix removed)."""
        return replace(self, suffix="", rank=0)

    @property
    def procedures(self) -> tuple[Procedure, ...]:
        """The procedures numbered with these letters (PC: PCMI and PC; CU: CUa and CUb)."""
        return tuple(p for p, letters in FILE_NUMBER_LETTERS.items() if letters == self.letters)


def insee_parts(insee_code: str) -> tuple[str, str]:
    """(department, commune) on 3 characters each, from a commune's 5-character INSEE code.

    Metropolitan France: ``45901`` → ``("045", "901")`` (department padded with a
    leading zero); Corsica: ``2A004`` → ``("02A", "004")``. Overseas (codes
    ``97xxx``, and ``98xxx`` by the same INSEE structure): the department has 3
    digits and the commune is the code's last three, ``97411`` → ``("974",
    "411")`` — the two overlap on the third digit, as in the numbers the
    communes of La Réunion issue (``PC 974 411 …``). Interpretation, conf. C: the
    arrêté asks for "le numéro du département" and "le numéro de la commune" on
    three characters each without saying how an overseas code splits.
    """
    code = str(insee_code or "").strip().upper()
    if len(code) == 5 and code[2:].isdigit() and code.isascii():
        if code[:2] in ("97", "98"):
            return code[:3], code[2:]
        if code[:2] in ("2A", "2B") or code[:2].isdigit():
            return "0" + code[:2], code[2:]
    raise UrbanismeRuleError(f"Code INSEE de commune invalide : « {insee_code} » (5 caractères, par exemple 45901).")


def file_number(kind_letters: str, insee_code: str, year: int, sequence: int) -> str:
    """The official number of a file (arrêté du 6 juin 2007, A.423-1 ff.; conf. C, not in DR).

    ``PC 045 901 26 00012``: the type letters (DP, PC — also for a PCMI —, PA,
    PD, CU — CUa and CUb —), the department and the commune on 3 characters each
    (:func:`insee_parts`), the last 2 digits of ``year`` (a calendar year, 2026,
    or already 26) and the ``sequence`` on 5 digits, counted per commune, year
    and type letters. A sequence outside 1–99,999 raises
    :class:`UrbanismeRuleError` (:data:`MAX_FILE_SEQUENCE`: refused, not widened).
    """
    letters = str(kind_letters or "").strip().upper()
    if letters not in FILE_NUMBER_LETTERS.values():
        raise UrbanismeRuleError(f"Lettres de type inconnues : « {kind_letters} » (DP, PC, PA, PD ou CU).")
    if year < 0:
        raise UrbanismeRuleError("L'année d'un numéro de dossier ne peut être négative.")
    if not 1 <= sequence <= MAX_FILE_SEQUENCE:
        raise UrbanismeRuleError(
            f"Numéro d'ordre {sequence} impossible : il s'écrit sur 5 chiffres, de 00001 à {MAX_FILE_SEQUENCE}."
        )
    department, commune = insee_parts(insee_code)
    return str(FileNumber(letters, department, commune, year % 100, sequence))


def _department_ok(department: str) -> bool:
    if department in ("02A", "02B"):
        return True
    return department.isdigit() and (1 <= int(department) <= 95 or 971 <= int(department) <= 989)


def parse_file_number(text) -> FileNumber | None:
    """The file number written in ``text``, or None when it is not one.

    Spaces (anywhere, any amount) and case are forgiven: ``pc045901 26 00012``
    reads as ``PC 045 901 26 00012``. A ``M01``/``T01`` suffix is read after a
    permit's letters only (a DP or a CU is neither modified nor transferred).
    Sequence 00000 and rank 00 do not exist.
    """
    compact = "".join(str(text or "").split()).upper()
    if len(compact) not in (15, 18) or not compact.isascii():
        return None
    letters, department, commune = compact[:2], compact[2:5], compact[5:8]
    year, sequence, suffix = compact[8:10], compact[10:15], compact[15:]
    if letters not in FILE_NUMBER_LETTERS.values() or not _department_ok(department):
        return None
    if not (commune.isdigit() and year.isdigit() and sequence.isdigit()) or int(sequence) == 0:
        return None
    if not suffix:
        return FileNumber(letters, department, commune, int(year), int(sequence))
    kind, rank = suffix[0], suffix[1:]
    if kind not in FOLLOW_UP_SUFFIXES.values() or letters not in _PERMIT_LETTERS or not rank.isdigit():
        return None
    if int(rank) == 0:
        return None
    return FileNumber(letters, department, commune, int(year), int(sequence), kind, int(rank))


def follow_up_number(original_number, procedure: Procedure, rank: int = 1) -> str:
    """The number of a follow-up file of the authorisation numbered ``original_number`` (conf. C).

    A permis modificatif: the permit's number followed by ``M`` and its rank on
    2 digits (``PC 045 901 26 00012 M01``); a transfert: ``T01``, ``T02``…; a
    prorogation, a DOC or a DAACT has no number of its own: the permit's (or the
    DP's, the CU's) number is returned, ``rank`` ignored. A suffixed
    ``original_number`` stands for its permit. Raises
    :class:`UrbanismeRuleError` for an unreadable number, a modificatif or
    transfert of anything but a permit, a rank outside 1–99
    (:data:`MAX_FOLLOW_UP_RANK`) or a procedure that is not a follow-up.
    """
    parsed = parse_file_number(original_number)
    if parsed is None:
        raise UrbanismeRuleError(f"Numéro d'autorisation illisible : « {original_number} ».")
    original = parsed.original
    procedure = Procedure(procedure)
    if procedure in _CARRY_ORIGINAL_NUMBER:
        return str(original)
    if procedure not in FOLLOW_UP_SUFFIXES:
        raise UrbanismeRuleError(f"« {procedure.label} » a son propre numéro : ce n'est pas une suite.")
    if original.letters not in _PERMIT_LETTERS:
        raise UrbanismeRuleError(f"{_WHAT_MAY_BE_FOLLOWED[procedure]} ; « {original} » n'en est pas un.")
    if not 1 <= rank <= MAX_FOLLOW_UP_RANK:
        raise UrbanismeRuleError(
            f"Rang {rank} impossible : il s'écrit sur 2 chiffres, de 01 à {MAX_FOLLOW_UP_RANK}."
        )
    return str(replace(original, suffix=FOLLOW_UP_SUFFIXES[procedure], rank=rank))


# ---------------------------------------------------------------------------
# Dashboards
# ---------------------------------------------------------------------------


def deadline_alert_level(deadline: date, today: date) -> AlertLevel:
    """Dashboard bucket of a deadline seen on ``today`` (7 / 15 / 30 days).

    ``deadline`` is a *last day to act* (e.g. :attr:`LegalDeadline.last_day`):
    past it → ``OVERDUE``; 0–7 days left (the deadline day itself included) →
    ``CRITICAL``; 8–15 → ``URGENT``; 16–30 → ``WARNING``; more → ``OK``.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return AlertLevel.OVERDUE
    if days_left <= 7:
        return AlertLevel.CRITICAL
    if days_left <= 15:
        return AlertLevel.URGENT
    if days_left <= 30:
        return AlertLevel.WARNING
    return AlertLevel.OK
