"""Instruction delay and meaning of silence: majorations, prolongations, tacit outcome (DR §2.2, §2.4)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from grc_core.plugin_api import RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import UrbanismeRuleError, _capitalized, _fmt, _joined, _months
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
    def label(self) -> RuleText:
        """Wording of the outcome, lower case, in the language shown."""
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


_OUTCOME_LABELS: dict[Outcome, RuleText] = {
    Outcome.ACCORD_TACITE: _l("tacit permit"),
    Outcome.NON_OPPOSITION: _l("tacit decision of non-opposition"),
    Outcome.REFUS_TACITE: _l("tacit refusal"),
    Outcome.OPPOSITION_TACITE: _l("tacit decision of opposition"),
    Outcome.REJET_TACITE: _l("tacit decision of rejection"),
    Outcome.CERTIFICAT_TACITE: _l("tacit planning certificate (effects of an information certificate)"),
    Outcome.PROROGATION_ACQUISE: _l("extension tacitly granted"),
}


@dataclass(frozen=True)
class TacitOutcome:
    """Outcome of silence at the end of the instruction delay (DR §2.4)."""

    outcome: Outcome
    reasons: tuple[RuleText, ...]
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
    reasons: tuple[RuleText, ...]
    ignored: tuple[Circumstance | ExceptionalProlongation, ...]

    @property
    def is_modified(self) -> bool:
        """True when the delay differs from the base delay of the récépissé."""
        return self.modified_months != self.base_months


_BASE_DELAYS: dict[Procedure, tuple[int, str, RuleText]] = {
    Procedure.DECLARATION_PREALABLE: (1, "R*423-23 a)", _l("prior declaration of works: 1 month")),
    Procedure.PERMIS_DE_CONSTRUIRE_MI: (2, "R*423-23 b)", _l("building permit for a detached house: 2 months")),
    Procedure.PERMIS_DEMOLIR: (2, "R*423-23 b)", _l("demolition permit: 2 months")),
    Procedure.PERMIS_DE_CONSTRUIRE: (3, "R*423-23 c)", _l("building permit: 3 months")),
    Procedure.PERMIS_AMENAGER: (3, "R*423-23 c)", _l("development permit: 3 months")),
    Procedure.CERTIFICAT_URBANISME_A: (1, "R*410-9", _l("information planning certificate: 1 month")),
    Procedure.CERTIFICAT_URBANISME_B: (2, "R*410-10", _l("operational planning certificate: 2 months")),
    Procedure.PROROGATION: (2, "R*424-23", _l("request for an extension: 2 months")),
}

_MAJ1, _MAJ2, _SUBST, _REFUS = "majoration_1", "majoration_2", "substitution_5", "refus"


@dataclass(frozen=True)
class _CircumstanceRule:
    kind: str
    article: str
    label: RuleText
    applies_to: frozenset[Procedure]


_DP_AND_PERMITS = _DP | _PERMITS

_CIRCUMSTANCE_RULES: dict[Circumstance, _CircumstanceRule] = {
    Circumstance.AUTRE_LEGISLATION: _CircumstanceRule(
        _MAJ1, "R*423-24 a)", _l("project subject to another legislation"), _DP_AND_PERMITS
    ),
    Circumstance.DEROGATION_L152_4: _CircumstanceRule(
        _MAJ1, "R*423-24 b)", _l("derogation (1° and 3° of L152-4 / L152-6)"), _DP_AND_PERMITS
    ),
    Circumstance.SITE_PATRIMONIAL_REMARQUABLE: _CircumstanceRule(
        _MAJ1, "R*423-24 c)", _l("remarkable heritage site"), _DP_AND_PERMITS
    ),
    Circumstance.ABORDS_MONUMENT_HISTORIQUE: _CircumstanceRule(
        _MAJ1, "R*423-24 c)", _l("surroundings of historic monuments"), _DP_AND_PERMITS
    ),
    Circumstance.AVIS_CDPENAF: _CircumstanceRule(_MAJ1, "R*423-24 d)", _l("opinion of the CDPENAF"), _DP_AND_PERMITS),
    Circumstance.PARTICIPATION_DU_PUBLIC: _CircumstanceRule(
        _MAJ1, "R*423-24 e)", _l("public participation (C. env. L123-19-2)"), _DP_AND_PERMITS
    ),
    Circumstance.COMMISSION_DEPARTEMENTALE_OU_REGIONALE: _CircumstanceRule(
        _MAJ2, "R*423-25 a)", _l("consultation of a departmental or regional commission"), _PERMITS
    ),
    Circumstance.MINISTRE_AGRICULTURE: _CircumstanceRule(
        _MAJ2, "R*423-25 b)", _l("consultation of the minister of agriculture (C. rural L643-4)"), _PERMITS
    ),
    Circumstance.DEROGATION_CODE_RURAL_L111_3: _CircumstanceRule(
        _MAJ2, "R*423-25 c)", _l("derogation C. rural L111-3"), _PERMITS
    ),
    Circumstance.DEROGATION_CCH_L111_4_1: _CircumstanceRule(
        _MAJ2, "R*423-25 d)", _l("derogation CCH L111-4-1"), _PERMITS
    ),
    Circumstance.AUTORISATION_EXPLOITATION_COMMERCIALE: _CircumstanceRule(
        _MAJ2, "R*423-25 e)", _l("commercial operating authorisation (C. com. L752-1)"), _PERMITS
    ),
    Circumstance.PARTICIPATION_DU_PUBLIC_ELECTRONIQUE: _CircumstanceRule(
        _MAJ2,
        "R*423-25 f)",
        _l("electronic public participation (C. env. L123-19)"),
        _DP_AND_PERMITS,
    ),
    Circumstance.IMMEUBLE_INSCRIT_MH: _CircumstanceRule(
        _SUBST, "R*423-28 a)", _l("building registered as a historic monument"), _PERMITS
    ),
    Circumstance.DEROGATION_L152_4_2: _CircumstanceRule(_SUBST, "R*423-28 a)", _l("derogation 2° of L152-4"), _PERMITS),
    Circumstance.TRAVAUX_ERP: _CircumstanceRule(
        _SUBST,
        "R*423-28 b)",
        _l("works on a building open to the public (CCH authorisation)"),
        frozenset({Procedure.PERMIS_DE_CONSTRUIRE_MI, Procedure.PERMIS_DE_CONSTRUIRE}),
    ),
    Circumstance.TRAVAUX_MINISTRE_DEFENSE: _CircumstanceRule(
        _REFUS, "R*424-2 a)", _l("works subject to the authorisation of the minister of defence"), _DP_AND_PERMITS
    ),
    Circumstance.SITE_CLASSE: _CircumstanceRule(
        _REFUS, "R*424-2 a)", _l("listed site or site being listed"), _DP_AND_PERMITS
    ),
    Circumstance.RESERVE_NATURELLE: _CircumstanceRule(_REFUS, "R*424-2 a)", _l("nature reserve"), _DP_AND_PERMITS),
    Circumstance.DEMOLITION_SITE_INSCRIT: _CircumstanceRule(
        _REFUS,
        "R*424-2 i)",
        _l("demolition subject to a permit in a registered site (including a PC covering such a demolition, "
           "CE 12 Feb. 2020 n° 421949)"),
        _PERMITS,
    ),
    Circumstance.EVALUATION_ENVIRONNEMENTALE: _CircumstanceRule(
        _REFUS, "R*424-2-1", _l("project subject to an environmental assessment"), _DP_AND_PERMITS
    ),
    Circumstance.AVIS_ABF_DEFAVORABLE: _CircumstanceRule(
        _REFUS,
        "R*424-3",
        _l("unfavourable opinion, or favourable with conditions, of the Architecte des Bâtiments de France"),
        _DP_AND_PERMITS,
    ),
    Circumstance.RECOURS_ABF_REJETE: _CircumstanceRule(
        _REFUS,
        "R*424-3",
        _l("appeal against the opinion of the Architecte des Bâtiments de France rejected by the regional préfet"),
        _DP_AND_PERMITS,
    ),
}

_PROLONGATION_RULES: dict[ExceptionalProlongation, tuple[int, str, RuleText, frozenset[Procedure]]] = {
    ExceptionalProlongation.RECOURS_PREFET_REGION_ABF: (
        2,
        "R*423-35",
        _l("appeal of the competent authority to the regional préfet against the opinion of the ABF"),
        _DP_AND_PERMITS,
    ),
    ExceptionalProlongation.AVIS_CNAC: (
        2,
        "R*423-36-1",
        _l("permit subject to a favourable opinion of the national commission for commercial development (CNAC)"),
        _PERMITS,
    ),
}

#: First deposit date for which R*424-2-1 (évaluation environnementale → silence
#: = rejet) applies ("demandes déposées depuis le 31 décembre 2025", DR §2.4, conf. B).
EVALUATION_ENVIRONNEMENTALE_SINCE = date(2025, 12, 31)

_INITIAL_PERMIT_FOR_MODIFICATIF = _PERMITS


def _resolve_procedure(
    procedure: Procedure, initial_procedure: Procedure | None
) -> tuple[Procedure, list[RuleText]]:
    """Map a follow-up procedure onto the procedure whose rules it follows."""
    procedure = Procedure(procedure)
    if procedure is Procedure.PERMIS_MODIFICATIF:
        if initial_procedure is None or Procedure(initial_procedure) not in _INITIAL_PERMIT_FOR_MODIFICATIF:
            raise UrbanismeRuleError(_l(
                "Amending permit: give the original permit (building permit, building permit for a detached "
                "house, development or demolition permit)."
            ))
        initial = Procedure(initial_procedure)
        return initial, [_l(
            "Amending permit instructed under the rules of the original permit (%(initial)s) — interpretation: "
            "the amending permit is a permit request (R*423-23), not listed in §2.2.", initial=initial.label
        )]
    if procedure in (
        Procedure.TRANSFERT_PERMIS,
        Procedure.DECLARATION_OUVERTURE_CHANTIER,
        Procedure.DAACT,
    ):
        raise UrbanismeRuleError(_l(
            "No instruction delay nor effect of silence is defined for: %(procedure)s (the DOC and the DAACT are "
            "declarations that are not instructed; transfer: rule not documented).", procedure=procedure.label
        ))
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
            tuple(reasons + [_l("Silence of 2 months on a request for an extension: extension granted (R*424-23).")]),
            "R*424-23 (DR §2.6, conf. C)",
        )
    refusal = [c for c in circumstances if _CIRCUMSTANCE_RULES[c].kind == _REFUS]
    if resolved in _CU:
        for c in refusal:
            reasons.append(_l(
                "Not applied: %(circumstance)s [%(article)s] does not concern the planning certificate.",
                circumstance=_CIRCUMSTANCE_RULES[c].label, article=_CIRCUMSTANCE_RULES[c].article,
            ))
        reasons.append(_l(
            "Silence: tacit planning certificate, with only the effects of an information certificate "
            "(R*410-12), even if an operational certificate was requested."
        ))
        return TacitOutcome(Outcome.CERTIFICAT_TACITE, tuple(reasons), "R*410-12 (DR §2.2, §2.7)")
    applied: list[str] = []
    for c in refusal:
        rule = _CIRCUMSTANCE_RULES[c]
        if resolved not in rule.applies_to:
            reasons.append(_l("Not applied: %(circumstance)s [%(article)s] does not apply to this procedure "
                              "(%(procedure)s).", circumstance=rule.label, article=rule.article,
                              procedure=resolved.label))
            continue
        if (
            c is Circumstance.EVALUATION_ENVIRONNEMENTALE
            and deposit_date is not None
            and deposit_date < EVALUATION_ENVIRONNEMENTALE_SINCE
        ):
            reasons.append(_l(
                "Not applied: R*424-2-1 only concerns the files filed since %(since)s (filed on %(day)s).",
                since=_fmt(EVALUATION_ENVIRONNEMENTALE_SINCE), day=_fmt(deposit_date),
            ))
            continue
        applied.append(rule.article)
        reasons.append(_l("%(circumstance)s [%(article)s]: silence means refusal.",
                          circumstance=_capitalized(rule.label), article=rule.article))
    is_dp = resolved is Procedure.DECLARATION_PREALABLE
    if applied:
        outcome = Outcome.OPPOSITION_TACITE if is_dp else Outcome.REFUS_TACITE
        source = ", ".join(dict.fromkeys(applied)) + " (DR §2.4)"
        reasons.append(_l("Silence at the deadline: %(outcome)s.", outcome=outcome.label))
    elif is_dp:
        outcome, source = Outcome.NON_OPPOSITION, "R*424-1 a) (DR §2.2)"
        reasons.append(_l("Silence at the deadline: tacit decision of non-opposition (R*424-1 a)."))
    else:
        outcome, source = Outcome.ACCORD_TACITE, "L424-2, R*424-1 b) (DR §2.2, §2.4)"
        reasons.append(_l("Silence at the deadline: tacit permit (L424-2, R*424-1 b)."))
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
      ``ignored`` with a reason.
    """
    resolved, reasons = _resolve_procedure(procedure, initial_procedure)
    if resolved not in _BASE_DELAYS:  # pragma: no cover - every resolved procedure is listed
        raise UrbanismeRuleError(_l("No instruction delay for: %(procedure)s.", procedure=resolved.label))
    circumstances = tuple(dict.fromkeys(Circumstance(c) for c in circumstances))
    prolongations = tuple(dict.fromkeys(ExceptionalProlongation(p) for p in prolongations))
    base, base_article, base_label = _BASE_DELAYS[resolved]
    reasons.append(_l("Base delay [%(article)s] — %(delay)s.", article=base_article, delay=base_label))
    trace = _DelayTrace(reasons, [base_article])
    modified, rule_name = _modified_delay(base, base_article, _applicable_rules(resolved, circumstances, trace), trace)
    prolongation = _prolongation(resolved, prolongations, trace)
    if modified != base:
        reasons.append(_l(
            "The modified delay can only be applied if it is notified within the month after the deposit "
            "(R*423-18 b, R*423-42); otherwise, the base delay applies."
        ))
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

    reasons: list[RuleText]
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
                why = _l("no majoration is provided for the planning certificate")
            elif rule.kind == _MAJ2 and resolved is Procedure.DECLARATION_PREALABLE:
                why = _l("for a prior declaration of works, only f) of R*423-25 applies")
            elif rule.kind == _SUBST:
                why = _l("the 5-month delay does not concern this procedure (%(procedure)s)",
                         procedure=resolved.label)
            else:
                why = _l("does not apply to this procedure (%(procedure)s)", procedure=resolved.label)
            trace.reasons.append(_l("Not applied: %(circumstance)s [%(article)s] — %(why)s.",
                                    circumstance=rule.label, article=rule.article, why=why))
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
        reasons.append(_l("Majoration of 2 months [%(articles)s]: %(circumstances)s → %(delay)s.", articles=arts,
                          circumstances=_joined("; ", (r.label for r in maj2)), delay=_months(modified)))
        applied_rules.append("R*423-25")
        if maj1:
            reasons.append(_l(
                "One-month majoration (R*423-24) not cumulative with that of R*423-25: only the longer one is kept."
            ))
    elif maj1:
        modified = base + 1
        rule_name = "R*423-24"
        arts = ", ".join(dict.fromkeys(r.article for r in maj1))
        reasons.append(_l("One-month majoration [%(articles)s]: %(circumstances)s → %(delay)s.", articles=arts,
                          circumstances=_joined("; ", (r.label for r in maj1)), delay=_months(modified)))
        applied_rules.append("R*423-24")
    if subst:
        # R*423-28 "porté à" 5 months; the longest of the majorated and substitute delays applies.
        arts = ", ".join(dict.fromkeys(r.article for r in subst))
        labels = _joined("; ", (r.label for r in subst))
        if modified > base:
            reasons.append(_l("Delay extended to 5 months [%(articles)s]: %(circumstances)s; this delay replaces the "
                              "majoration (the longest delay applies).", articles=arts, circumstances=labels))
        else:
            reasons.append(_l("Delay extended to 5 months [%(articles)s]: %(circumstances)s.", articles=arts,
                              circumstances=labels))
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
            reasons.append(_l("Not applied: prolongation [%(article)s] %(prolongation)s — does not apply to this "
                              "procedure (%(procedure)s).", article=article, prolongation=label,
                              procedure=resolved.label))
            continue
        if months > prolongation:
            prolongation = months
        reasons.append(_l(
            "Exceptional prolongation of %(delay)s [%(article)s]: %(prolongation)s; to notify before the end of "
            "the instruction delay (R*423-44).", delay=_months(months), article=article, prolongation=label,
        ))
        trace.applied_rules.append(article)
    if sum(1 for p in prolongations if p not in trace.ignored) > 1:
        reasons.append(_l(
            "Exceptional prolongations not cumulated: only the longest is kept (interpretation)."
        ))
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
        raise UrbanismeRuleError(_l("The date of notification precedes the date of deposit."))
    return on_date <= modified_delay_notification_deadline(deposit_date)


def may_still_notify_exceptional_prolongation(delay_last_day: date, on_date: date) -> bool:
    """True if an exceptional prolongation notified on ``on_date`` is opposable.

    R*423-44: it must be notified before the expiry of the instruction delay set
    by R*423-23, possibly majorated under R*423-24 to R*423-33. ``delay_last_day``
    is that delay's last day (:attr:`LegalDeadline.last_day` without prolongation).
    """
    return on_date <= delay_last_day
