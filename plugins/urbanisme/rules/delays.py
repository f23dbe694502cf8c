"""Instruction delay and meaning of silence: majorations, prolongations, tacit outcome (DR §2.2, §2.4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from grc_core.plugin_api import add_months

from .common import UrbanismeRuleError, _fmt, _months_fr
from .procedures import _CU, _DP, _PERMITS, Procedure


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
    trace = _DelayTrace(reasons, [base_article])
    modified, rule_name = _modified_delay(base, base_article, _applicable_rules(resolved, circumstances, trace), trace)
    prolongation = _prolongation(resolved, prolongations, trace)
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
        applied_rules=tuple(dict.fromkeys(trace.applied_rules)),
        silence_outcome=outcome.outcome,
        reasons=tuple(reasons),
        ignored=tuple(trace.ignored),
    )


@dataclass
class _DelayTrace:
    """What :func:`instruction_delay` explains as it goes: its reasons, the rules applied, what it ignored."""

    reasons: list[str]
    applied_rules: list[str]
    ignored: list[Circumstance | ExceptionalProlongation] = field(default_factory=list)


def _applicable_rules(
    resolved: Procedure, circumstances: tuple[Circumstance, ...], trace: _DelayTrace
) -> dict[str, list[_CircumstanceRule]]:
    """The majorations and substitutions that apply, by kind; the others are ignored, with a reason."""
    by_kind: dict[str, list[_CircumstanceRule]] = {_MAJ1: [], _MAJ2: [], _SUBST: []}
    for c in circumstances:
        rule = _CIRCUMSTANCE_RULES[c]
        if rule.kind == _REFUS:
            continue  # handled by tacit_outcome
        if resolved not in rule.applies_to:
            trace.ignored.append(c)
            if resolved in _CU:
                why = "aucune majoration n'est prévue pour le certificat d'urbanisme"
            elif rule.kind == _MAJ2 and resolved is Procedure.DECLARATION_PREALABLE:
                why = "pour une déclaration préalable, seul le f) de R*423-25 s'applique"
            elif rule.kind == _SUBST:
                why = f"le délai de 5 mois ne vise pas cette procédure ({resolved.label})"
            else:
                why = f"ne s'applique pas à cette procédure ({resolved.label})"
            trace.reasons.append(f"Non retenu : {rule.label} [{rule.article}] — {why}.")
            continue
        by_kind[rule.kind].append(rule)
    return by_kind


def _modified_delay(
    base: int, base_article: str, by_kind: dict[str, list[_CircumstanceRule]], trace: _DelayTrace
) -> tuple[int, str]:
    """The delay after majoration (R*423-24/25, not cumulative) or substitution (R*423-28), and its rule."""
    maj1, maj2, subst = by_kind[_MAJ1], by_kind[_MAJ2], by_kind[_SUBST]
    reasons, applied_rules = trace.reasons, trace.applied_rules
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
    return modified, rule_name


def _prolongation(
    resolved: Procedure, prolongations: tuple[ExceptionalProlongation, ...], trace: _DelayTrace
) -> int:
    """Months of exceptional prolongation: the longest of those that apply (R*423-35, R*423-36-1)."""
    reasons = trace.reasons
    prolongation = 0
    for p in prolongations:
        months, article, label, applies_to = _PROLONGATION_RULES[p]
        if resolved not in applies_to:
            trace.ignored.append(p)
            reasons.append(f"Non retenu : prolongation [{article}] {label} — ne s'applique pas à cette procédure ({resolved.label}).")
            continue
        if months > prolongation:
            prolongation = months
        reasons.append(
            f"Prolongation exceptionnelle de {months} mois [{article}] : {label} ; à notifier avant la fin du "
            "délai d'instruction (R*423-44)."
        )
        trace.applied_rules.append(article)
    if sum(1 for p in prolongations if p not in trace.ignored) > 1:
        reasons.append(
            "Prolongations exceptionnelles non cumulées : seule la plus longue est retenue (interprétation)."
        )
    return prolongation


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
