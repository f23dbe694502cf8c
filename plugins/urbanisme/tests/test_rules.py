"""Table-driven tests of plugins/urbanisme/rules/ (pure functions, no database, no Flask).

Reference: shared/reference/domain_rules.md (the project's legal reference) §0 and §2. Every date is asserted exactly.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from plugins.urbanisme.rules import (
    EVALUATION_ENVIRONNEMENTALE_SINCE,
    MAX_FILE_SEQUENCE,
    AlertLevel,
    Circumstance,
    ConformityCase,
    ExceptionalProlongation,
    LegalDeadlineInput,
    Outcome,
    Procedure,
    UrbanismeRuleError,
    add_days,
    cerfa_numbers,
    certificate_validity_end,
    completeness_expiry,
    conformity_check_deadline,
    deadline_alert_level,
    decision_display_deadlines,
    deemed_complete_on,
    deposit_notice_deadline,
    file_number,
    follow_up_number,
    follow_up_refusal,
    follow_up_type_refusal,
    insee_parts,
    instruction_delay,
    legal_deadline,
    may_still_notify_exceptional_prolongation,
    may_still_notify_modified_delay,
    modified_delay_notification_deadline,
    parse_file_number,
    pieces_received_in_time,
    pieces_request_deadline,
    pieces_request_status,
    prorogation_request_deadline,
    tacit_outcome,
    third_party_appeal_end,
    validity_end,
    withdrawal_window_end,
)

# The explanations are lazy: read in French, as the commune writes them (English: test_rules_english.py).
pytestmark = pytest.mark.usefixtures("in_french")

P = Procedure
C = Circumstance
D = date

DP = P.DECLARATION_PREALABLE
PCMI = P.PERMIS_DE_CONSTRUIRE_MI
PC = P.PERMIS_DE_CONSTRUIRE
PA = P.PERMIS_AMENAGER
PD = P.PERMIS_DEMOLIR
CUA = P.CERTIFICAT_URBANISME_A
CUB = P.CERTIFICAT_URBANISME_B
INSTRUCTED = (DP, PCMI, PD, PC, PA, CUA, CUB)
PERMITS = (PCMI, PD, PC, PA)


# ---------------------------------------------------------------------------
# Day arithmetic (module convention 5). Month arithmetic (conventions 1-2), public
# holidays and working days are grc_core.plugin_api's: tests/test_calendar.py.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [(D(2026, 3, 1), 15, D(2026, 3, 16)), (D(2026, 2, 20), 15, D(2026, 3, 7)), (D(2024, 2, 20), 15, D(2024, 3, 6))],
)
def test_add_days(start, days, expected):
    assert add_days(start, days) == expected


# ---------------------------------------------------------------------------
# §2.2 — instruction delay: every procedure × majoration × substitute case
# ---------------------------------------------------------------------------

NONE = None
R423_24 = [
    C.AUTRE_LEGISLATION,
    C.DEROGATION_L152_4,
    C.SITE_PATRIMONIAL_REMARQUABLE,
    C.ABORDS_MONUMENT_HISTORIQUE,
    C.AVIS_CDPENAF,
    C.PARTICIPATION_DU_PUBLIC,
]
R423_25_A_E = [
    C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE,
    C.MINISTRE_AGRICULTURE,
    C.DEROGATION_CODE_RURAL_L111_3,
    C.DEROGATION_CCH_L111_4_1,
    C.AUTORISATION_EXPLOITATION_COMMERCIALE,
]
R423_25_F = C.PARTICIPATION_DU_PUBLIC_ELECTRONIQUE
R423_28_A = [C.IMMEUBLE_INSCRIT_MH, C.DEROGATION_L152_4_2]
R423_28_B = C.TRAVAUX_ERP

# Expected months per procedure: (base, with R423-24, with R423-25 a-e, with R423-25 f,
# with R423-28 a, with R423-28 b)  — DR §2.2 table, row by row.
EXPECTED_MONTHS = {
    DP: (1, 2, 1, 3, 1, 1),  # R423-25 only f) for DP; no R423-28 for DP
    PCMI: (2, 3, 4, 4, 5, 5),  # MH inscrit / ERP -> 5
    PD: (2, 3, 4, 4, 5, 2),  # ERP (R423-28 b) is for permis de construire only
    PC: (3, 4, 5, 5, 5, 5),
    PA: (3, 4, 5, 5, 5, 3),  # PA: MH inscrit only
    CUA: (1, 1, 1, 1, 1, 1),  # CU: no majoration
    CUB: (2, 2, 2, 2, 2, 2),
}

EXPECTED_RULE = {
    # rule naming the delay actually applied, same column order
    DP: ("R*423-23 a)", "R*423-24", "R*423-23 a)", "R*423-25", "R*423-23 a)", "R*423-23 a)"),
    PCMI: ("R*423-23 b)", "R*423-24", "R*423-25", "R*423-25", "R*423-28", "R*423-28"),
    PD: ("R*423-23 b)", "R*423-24", "R*423-25", "R*423-25", "R*423-28", "R*423-23 b)"),
    PC: ("R*423-23 c)", "R*423-24", "R*423-25", "R*423-25", "R*423-28", "R*423-28"),
    PA: ("R*423-23 c)", "R*423-24", "R*423-25", "R*423-25", "R*423-28", "R*423-23 c)"),
    CUA: ("R*410-9",) * 6,
    CUB: ("R*410-10",) * 6,
}


def _delay_table():
    rows = []
    for proc, (base, m24, m25, m25f, m28a, m28b) in EXPECTED_MONTHS.items():
        rules = EXPECTED_RULE[proc]
        rows.append((proc, NONE, base, rules[0]))
        rows += [(proc, c, m24, rules[1]) for c in R423_24]
        rows += [(proc, c, m25, rules[2]) for c in R423_25_A_E]
        rows.append((proc, R423_25_F, m25f, rules[3]))
        rows += [(proc, c, m28a, rules[4]) for c in R423_28_A]
        rows.append((proc, R423_28_B, m28b, rules[5]))
    return rows


DELAY_TABLE = _delay_table()


def test_delay_table_covers_every_procedure_and_delay_circumstance():
    delay_circumstances = set(R423_24) | set(R423_25_A_E) | {R423_25_F} | set(R423_28_A) | {R423_28_B}
    for proc in INSTRUCTED:
        seen = {c for p, c, _, _ in DELAY_TABLE if p is proc and c is not None}
        assert seen == delay_circumstances
    assert len(DELAY_TABLE) == len(INSTRUCTED) * (len(delay_circumstances) + 1)


@pytest.mark.parametrize(("procedure", "circumstance", "months", "rule"), DELAY_TABLE)
def test_instruction_delay_table(procedure, circumstance, months, rule):
    circumstances = [] if circumstance is None else [circumstance]
    delay = instruction_delay(procedure, circumstances)
    assert delay.months == months
    assert delay.modified_months == months
    assert delay.base_months == EXPECTED_MONTHS[procedure][0]
    assert delay.prolongation_months == 0
    assert delay.rule == rule
    assert delay.is_modified == (months != delay.base_months)
    if circumstance is not None and months == delay.base_months:
        assert delay.ignored == (circumstance,)
        assert any(str(r).startswith("Non retenu") for r in delay.reasons)
    else:
        assert delay.ignored == ()


COMBINATION_TABLE = [
    # (procedure, circumstances, months, rule)
    (PC, [C.ABORDS_MONUMENT_HISTORIQUE, C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE], 5, "R*423-25"),  # not cumulative
    (PCMI, [C.SITE_PATRIMONIAL_REMARQUABLE, C.AUTORISATION_EXPLOITATION_COMMERCIALE], 4, "R*423-25"),
    (PD, [C.AVIS_CDPENAF, C.MINISTRE_AGRICULTURE], 4, "R*423-25"),
    (PA, [C.AUTRE_LEGISLATION, C.DEROGATION_CCH_L111_4_1], 5, "R*423-25"),
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE, C.PARTICIPATION_DU_PUBLIC_ELECTRONIQUE], 3, "R*423-25"),
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE, C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE], 2, "R*423-24"),
    (DP, [C.AUTRE_LEGISLATION, C.AVIS_CDPENAF], 2, "R*423-24"),  # two R423-24 cases: still +1
    (PCMI, [C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE, C.IMMEUBLE_INSCRIT_MH], 5, "R*423-28"),  # longest
    (PC, [C.ABORDS_MONUMENT_HISTORIQUE, C.TRAVAUX_ERP], 5, "R*423-28"),
    (PC, [C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE, C.TRAVAUX_ERP, C.IMMEUBLE_INSCRIT_MH], 5, "R*423-28"),
    (PA, [C.ABORDS_MONUMENT_HISTORIQUE, C.TRAVAUX_ERP], 4, "R*423-24"),  # ERP ignored for PA
    (PD, [C.TRAVAUX_ERP, C.IMMEUBLE_INSCRIT_MH], 5, "R*423-28"),
    (CUB, [C.ABORDS_MONUMENT_HISTORIQUE, C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE, C.TRAVAUX_ERP], 2, "R*410-10"),
    (PC, [C.ABORDS_MONUMENT_HISTORIQUE, C.ABORDS_MONUMENT_HISTORIQUE], 4, "R*423-24"),  # duplicates
]


@pytest.mark.parametrize(("procedure", "circumstances", "months", "rule"), COMBINATION_TABLE)
def test_instruction_delay_combinations(procedure, circumstances, months, rule):
    delay = instruction_delay(procedure, circumstances)
    assert (delay.months, delay.rule) == (months, rule)


def test_r423_24_and_r423_25_not_cumulative_is_explained():
    delay = instruction_delay(PC, [C.ABORDS_MONUMENT_HISTORIQUE, C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE])
    assert any("non cumulable" in r for r in delay.reasons)
    assert delay.applied_rules == ("R*423-23 c)", "R*423-25")


def test_delay_reasons_are_french_and_cite_sources():
    delay = instruction_delay(DP, [C.ABORDS_MONUMENT_HISTORIQUE])
    assert str(delay.reasons[0]) == "Délai de base [R*423-23 a)] — déclaration préalable : 1 mois."
    assert "Majoration d'un mois [R*423-24 c)] : abords des monuments historiques → 2 mois." in map(str, delay.reasons)
    assert any("R*423-42" in r for r in delay.reasons)
    assert delay.silence_outcome is Outcome.NON_OPPOSITION


def test_dp_commission_is_ignored_with_reason():
    delay = instruction_delay(DP, [C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE])
    assert delay.months == 1
    assert delay.ignored == (C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE,)
    assert any("seul le f) de R*423-25" in r for r in delay.reasons)


def test_delay_accepts_plain_strings():
    delay = instruction_delay("permis_de_construire", ["abords_monument_historique"])
    assert delay.procedure is PC and delay.months == 4


@pytest.mark.parametrize(
    ("initial", "circumstances", "months", "outcome"),
    [
        (PC, [], 3, Outcome.ACCORD_TACITE),
        (PCMI, [C.ABORDS_MONUMENT_HISTORIQUE], 3, Outcome.ACCORD_TACITE),
        (PA, [C.COMMISSION_DEPARTEMENTALE_OU_REGIONALE], 5, Outcome.ACCORD_TACITE),
        (PD, [C.DEMOLITION_SITE_INSCRIT], 2, Outcome.REFUS_TACITE),
    ],
)
def test_permis_modificatif_follows_initial_permit(initial, circumstances, months, outcome):
    delay = instruction_delay(P.PERMIS_MODIFICATIF, circumstances, initial_procedure=initial)
    assert delay.procedure is P.PERMIS_MODIFICATIF
    assert (delay.months, delay.silence_outcome) == (months, outcome)
    assert "Permis modificatif" in delay.reasons[0]


@pytest.mark.parametrize("initial", [None, DP, CUA, P.PERMIS_MODIFICATIF])
def test_permis_modificatif_needs_an_initial_permit(initial):
    with pytest.raises(UrbanismeRuleError):
        instruction_delay(P.PERMIS_MODIFICATIF, initial_procedure=initial)


@pytest.mark.parametrize("procedure", [P.TRANSFERT_PERMIS, P.DECLARATION_OUVERTURE_CHANTIER, P.DAACT])
def test_procedures_without_instruction_delay(procedure):
    with pytest.raises(UrbanismeRuleError):
        instruction_delay(procedure)
    with pytest.raises(UrbanismeRuleError):
        tacit_outcome(procedure)


def test_prorogation_request_delay():
    delay = instruction_delay(P.PROROGATION, [C.ABORDS_MONUMENT_HISTORIQUE])
    assert (delay.months, delay.rule, delay.silence_outcome) == (2, "R*424-23", Outcome.PROROGATION_ACQUISE)
    assert delay.ignored == (C.ABORDS_MONUMENT_HISTORIQUE,)


PROLONGATION_TABLE = [
    # (procedure, circumstances, prolongations, modified, prolongation, total, ignored)
    (PC, [], [ExceptionalProlongation.RECOURS_PREFET_REGION_ABF], 3, 2, 5, ()),
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE], [ExceptionalProlongation.RECOURS_PREFET_REGION_ABF], 2, 2, 4, ()),
    (PC, [C.AUTORISATION_EXPLOITATION_COMMERCIALE], [ExceptionalProlongation.AVIS_CNAC], 5, 2, 7, ()),
    (
        PC,
        [],
        [ExceptionalProlongation.AVIS_CNAC, ExceptionalProlongation.RECOURS_PREFET_REGION_ABF],
        3,
        2,
        5,
        (),
    ),
    (DP, [], [ExceptionalProlongation.AVIS_CNAC], 1, 0, 1, (ExceptionalProlongation.AVIS_CNAC,)),
    (
        CUA,
        [],
        [ExceptionalProlongation.RECOURS_PREFET_REGION_ABF],
        1,
        0,
        1,
        (ExceptionalProlongation.RECOURS_PREFET_REGION_ABF,),
    ),
]


@pytest.mark.parametrize(
    ("procedure", "circumstances", "prolongations", "modified", "prolongation", "total", "ignored"),
    PROLONGATION_TABLE,
)
def test_exceptional_prolongations(procedure, circumstances, prolongations, modified, prolongation, total, ignored):
    delay = instruction_delay(procedure, circumstances, prolongations)
    assert (delay.modified_months, delay.prolongation_months, delay.months) == (modified, prolongation, total)
    assert delay.ignored == ignored


# ---------------------------------------------------------------------------
# §2.4 — tacit outcomes per procedure and R424-2 / R424-2-1 / R424-3 case
# ---------------------------------------------------------------------------

REFUSAL_CIRCUMSTANCES = [
    C.TRAVAUX_MINISTRE_DEFENSE,
    C.SITE_CLASSE,
    C.RESERVE_NATURELLE,
    C.DEMOLITION_SITE_INSCRIT,
    C.EVALUATION_ENVIRONNEMENTALE,
    C.AVIS_ABF_DEFAVORABLE,
    C.RECOURS_ABF_REJETE,
]


def _outcome_table():
    rows = []
    for proc in INSTRUCTED:
        if proc in (CUA, CUB):
            default = refused = Outcome.CERTIFICAT_TACITE
        elif proc is DP:
            default, refused = Outcome.NON_OPPOSITION, Outcome.OPPOSITION_TACITE
        else:
            default, refused = Outcome.ACCORD_TACITE, Outcome.REFUS_TACITE
        rows.append((proc, None, default))
        for c in REFUSAL_CIRCUMSTANCES:
            expected = refused
            if proc is DP and c is C.DEMOLITION_SITE_INSCRIT:
                expected = default  # R424-2 i) targets démolitions subject to permit
            rows.append((proc, c, expected))
        rows.append((proc, C.ABORDS_MONUMENT_HISTORIQUE, default))  # delay circumstances do not refuse
        rows.append((proc, C.IMMEUBLE_INSCRIT_MH, default))
    return rows


@pytest.mark.parametrize(("procedure", "circumstance", "expected"), _outcome_table())
def test_tacit_outcome_table(procedure, circumstance, expected):
    circumstances = [] if circumstance is None else [circumstance]
    result = tacit_outcome(procedure, circumstances)
    assert result.outcome is expected
    assert instruction_delay(procedure, circumstances).silence_outcome is expected
    assert result.reasons and result.source


@pytest.mark.parametrize(
    ("deposit", "expected"),
    [
        (D(2025, 12, 30), Outcome.ACCORD_TACITE),
        (EVALUATION_ENVIRONNEMENTALE_SINCE, Outcome.REFUS_TACITE),
        (D(2026, 1, 5), Outcome.REFUS_TACITE),
        (None, Outcome.REFUS_TACITE),
    ],
)
def test_r424_2_1_applies_from_31_december_2025(deposit, expected):
    assert tacit_outcome(PC, [C.EVALUATION_ENVIRONNEMENTALE], deposit_date=deposit).outcome is expected
    delay = instruction_delay(PC, [C.EVALUATION_ENVIRONNEMENTALE], deposit_date=deposit)
    assert delay.silence_outcome is expected


def test_r424_2_1_dp_before_date_is_non_opposition():
    result = tacit_outcome(DP, [C.EVALUATION_ENVIRONNEMENTALE], deposit_date=D(2025, 12, 30))
    assert result.outcome is Outcome.NON_OPPOSITION
    assert any("31/12/2025" in r for r in result.reasons)


def test_cu_b_tacit_has_cua_effects_only():
    result = tacit_outcome(CUB, [C.SITE_CLASSE])
    assert result.outcome is Outcome.CERTIFICAT_TACITE
    assert any("R*410-12" in r for r in result.reasons)
    assert any(str(r).startswith("Non retenu") for r in result.reasons)


def test_refusal_reason_cites_article():
    result = tacit_outcome(PD, [C.DEMOLITION_SITE_INSCRIT])
    assert result.outcome is Outcome.REFUS_TACITE
    assert result.source.startswith("R*424-2 i)")
    assert any("le silence vaut refus" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("outcome", "favourable"),
    [
        (Outcome.ACCORD_TACITE, True),
        (Outcome.NON_OPPOSITION, True),
        (Outcome.CERTIFICAT_TACITE, True),
        (Outcome.PROROGATION_ACQUISE, True),
        (Outcome.REFUS_TACITE, False),
        (Outcome.OPPOSITION_TACITE, False),
        (Outcome.REJET_TACITE, False),
    ],
)
def test_outcome_is_favourable(outcome, favourable):
    assert outcome.is_favourable is favourable
    assert outcome.label


# ---------------------------------------------------------------------------
# §2.2 — modified delay notification window
# ---------------------------------------------------------------------------

NOTIFY_CASES = [
    # (deposit, on_date, allowed)
    (D(2026, 3, 15), D(2026, 3, 15), True),
    (D(2026, 3, 15), D(2026, 4, 15), True),  # last day of the first month
    (D(2026, 3, 15), D(2026, 4, 16), False),  # the day after
    (D(2026, 1, 31), D(2026, 2, 28), True),
    (D(2026, 1, 31), D(2026, 3, 1), False),
    (D(2024, 1, 31), D(2024, 2, 29), True),  # leap year
    (D(2024, 1, 31), D(2024, 3, 1), False),
    (D(2026, 12, 31), D(2027, 1, 31), True),
    (D(2026, 12, 31), D(2027, 2, 1), False),
]


@pytest.mark.parametrize(("deposit", "on_date", "allowed"), NOTIFY_CASES)
def test_may_still_notify_modified_delay(deposit, on_date, allowed):
    assert may_still_notify_modified_delay(deposit, on_date) is allowed


def test_modified_delay_notification_deadline():
    assert modified_delay_notification_deadline(D(2025, 1, 31)) == D(2025, 2, 28)


def test_notification_before_deposit_is_an_error():
    with pytest.raises(UrbanismeRuleError):
        may_still_notify_modified_delay(D(2026, 3, 15), D(2026, 3, 14))


@pytest.mark.parametrize(
    ("last_day", "on_date", "allowed"),
    [(D(2026, 4, 15), D(2026, 4, 15), True), (D(2026, 4, 15), D(2026, 4, 16), False)],
)
def test_may_still_notify_exceptional_prolongation(last_day, on_date, allowed):
    assert may_still_notify_exceptional_prolongation(last_day, on_date) is allowed


# ---------------------------------------------------------------------------
# §2.3 — completeness
# ---------------------------------------------------------------------------

PIECES_REQUEST_CASES = [
    # (deposit, request, allowed, last_allowed_day)
    (D(2026, 3, 15), D(2026, 3, 15), True, D(2026, 4, 15)),
    (D(2026, 3, 15), D(2026, 4, 15), True, D(2026, 4, 15)),  # last day of the first month
    (D(2026, 3, 15), D(2026, 4, 16), False, D(2026, 4, 15)),  # the day after
    (D(2026, 1, 31), D(2026, 2, 28), True, D(2026, 2, 28)),
    (D(2026, 1, 31), D(2026, 3, 1), False, D(2026, 2, 28)),
    (D(2024, 1, 31), D(2024, 2, 29), True, D(2024, 2, 29)),
    (D(2024, 1, 31), D(2024, 3, 1), False, D(2024, 2, 29)),
    (D(2026, 4, 30), D(2026, 5, 30), True, D(2026, 5, 30)),
    (D(2026, 4, 30), D(2026, 5, 31), False, D(2026, 5, 30)),
]


@pytest.mark.parametrize(("deposit", "request_date", "allowed", "last"), PIECES_REQUEST_CASES)
def test_pieces_request_status_edges(deposit, request_date, allowed, last):
    status = pieces_request_status(deposit, request_date)
    assert status.allowed is allowed
    assert status.changes_deadline is allowed
    assert status.last_allowed_day == last
    assert pieces_request_deadline(deposit) == last
    if allowed:
        assert "R*423-39" in status.reason
    else:
        assert "ne modifie pas le délai d'instruction (R*423-41)" in status.reason
        assert last.strftime("%d/%m/%Y") in status.reason


@pytest.mark.parametrize("previous", [[D(2026, 3, 20)], 1, (D(2026, 3, 16), D(2026, 3, 20))])
def test_second_pieces_request_changes_nothing(previous):
    status = pieces_request_status(D(2026, 3, 15), D(2026, 4, 1), previous)
    assert status.allowed is False
    assert str(status.reason).startswith("Seconde demande de pièces")
    assert "R*423-41" in status.reason


def test_request_for_piece_not_in_code_changes_nothing():
    status = pieces_request_status(D(2026, 3, 15), D(2026, 3, 20), listed_in_code=False)
    assert status.allowed is False
    assert "Pièce non exigée" in status.reason


def test_pieces_request_before_deposit_is_an_error():
    with pytest.raises(UrbanismeRuleError):
        pieces_request_status(D(2026, 3, 15), D(2026, 3, 14))


@pytest.mark.parametrize(
    ("deposit", "request_date", "listed", "expected"),
    [
        (D(2026, 3, 15), None, True, D(2026, 3, 15)),  # no request -> deemed complete from deposit
        (D(2026, 3, 15), D(2026, 4, 15), True, None),  # valid request on the last day
        (D(2026, 3, 15), D(2026, 4, 16), True, D(2026, 3, 15)),  # late request
        (D(2026, 3, 15), D(2026, 3, 20), False, D(2026, 3, 15)),  # piece not required
    ],
)
def test_deemed_complete_on(deposit, request_date, listed, expected):
    assert deemed_complete_on(deposit, request_date, listed_in_code=listed) == expected


COMPLETENESS_EXPIRY_CASES = [
    # (procedure, request received, last day for pieces, tacit decision date, outcome)
    (PC, D(2026, 3, 20), D(2026, 6, 20), D(2026, 6, 21), Outcome.REJET_TACITE),
    (PCMI, D(2026, 1, 31), D(2026, 4, 30), D(2026, 5, 1), Outcome.REJET_TACITE),
    (PD, D(2025, 11, 30), D(2026, 2, 28), D(2026, 3, 1), Outcome.REJET_TACITE),
    (PA, D(2023, 11, 30), D(2024, 2, 29), D(2024, 3, 1), Outcome.REJET_TACITE),
    (DP, D(2026, 3, 20), D(2026, 6, 20), D(2026, 6, 21), Outcome.OPPOSITION_TACITE),
    (DP, D(2026, 12, 31), D(2027, 3, 31), D(2027, 4, 1), Outcome.OPPOSITION_TACITE),
]


@pytest.mark.parametrize(("procedure", "received", "last", "tacit", "outcome"), COMPLETENESS_EXPIRY_CASES)
def test_completeness_expiry(procedure, received, last, tacit, outcome):
    expiry = completeness_expiry(procedure, received)
    assert (expiry.last_day_for_pieces, expiry.tacit_decision_date, expiry.outcome) == (last, tacit, outcome)
    assert last.strftime("%d/%m/%Y") in expiry.explanation
    assert pieces_received_in_time(received, last) is True  # the 3-month limit itself
    assert pieces_received_in_time(received, tacit) is False  # the day after


def test_completeness_expiry_modificatif_and_cu():
    assert completeness_expiry(P.PERMIS_MODIFICATIF, D(2026, 3, 20), initial_procedure=PD).outcome is (
        Outcome.REJET_TACITE
    )
    for proc in (CUA, CUB, P.PROROGATION):
        with pytest.raises(UrbanismeRuleError):
            completeness_expiry(proc, D(2026, 3, 20))


# ---------------------------------------------------------------------------
# §2.2–§2.4 — legal deadline (calendar date of the tacit decision)
# ---------------------------------------------------------------------------

LEGAL_DEADLINE_CASES = [
    # (procedure, deposit, last day, tacit decision date, outcome) — complete at deposit, base delay
    (DP, D(2026, 1, 2), D(2026, 2, 2), D(2026, 2, 3), Outcome.NON_OPPOSITION),  # notaires' example
    (DP, D(2025, 1, 31), D(2025, 2, 28), D(2025, 3, 1), Outcome.NON_OPPOSITION),
    (DP, D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 1), Outcome.NON_OPPOSITION),
    (DP, D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 1), Outcome.NON_OPPOSITION),
    (DP, D(2026, 4, 30), D(2026, 5, 30), D(2026, 5, 31), Outcome.NON_OPPOSITION),
    (PCMI, D(2024, 12, 31), D(2025, 2, 28), D(2025, 3, 1), Outcome.ACCORD_TACITE),
    (PCMI, D(2023, 12, 31), D(2024, 2, 29), D(2024, 3, 1), Outcome.ACCORD_TACITE),
    (PD, D(2026, 7, 31), D(2026, 9, 30), D(2026, 10, 1), Outcome.ACCORD_TACITE),
    (PC, D(2026, 11, 30), D(2027, 2, 28), D(2027, 3, 1), Outcome.ACCORD_TACITE),
    (PA, D(2026, 3, 10), D(2026, 6, 10), D(2026, 6, 11), Outcome.ACCORD_TACITE),
    (CUA, D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 1), Outcome.CERTIFICAT_TACITE),
    (CUB, D(2026, 1, 31), D(2026, 3, 31), D(2026, 4, 1), Outcome.CERTIFICAT_TACITE),
    (PC, D(2026, 12, 31), D(2027, 3, 31), D(2027, 4, 1), Outcome.ACCORD_TACITE),
]


@pytest.mark.parametrize(("procedure", "deposit", "last", "tacit", "outcome"), LEGAL_DEADLINE_CASES)
def test_legal_deadline_complete_at_deposit(procedure, deposit, last, tacit, outcome):
    result = legal_deadline(LegalDeadlineInput(deposit, None, instruction_delay(procedure)))
    assert (result.start_date, result.last_day, result.tacit_decision_date, result.outcome) == (
        deposit,
        last,
        tacit,
        outcome,
    )
    assert result.reasons == ()
    assert last.strftime("%d/%m/%Y") in result.explanation
    assert "non franc" in result.explanation


def test_legal_deadline_explains_month_end_clamp():
    result = legal_deadline(LegalDeadlineInput(D(2025, 1, 31), None, 1))
    assert result.last_day == D(2025, 2, 28)
    assert "dernier jour du mois" in result.explanation
    assert result.outcome is None


MODIFIED_DELAY_CASES = [
    # (procedure, circumstances, deposit, notified on, months, last day, tacit date)
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE], D(2026, 1, 31), D(2026, 2, 28), 2, D(2026, 3, 31), D(2026, 4, 1)),
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE], D(2026, 1, 31), D(2026, 3, 1), 1, D(2026, 2, 28), D(2026, 3, 1)),
    (DP, [C.ABORDS_MONUMENT_HISTORIQUE], D(2026, 1, 31), None, 1, D(2026, 2, 28), D(2026, 3, 1)),
    (PC, [C.ABORDS_MONUMENT_HISTORIQUE], D(2026, 3, 15), D(2026, 4, 15), 4, D(2026, 7, 15), D(2026, 7, 16)),
    (PC, [C.ABORDS_MONUMENT_HISTORIQUE], D(2026, 3, 15), D(2026, 4, 16), 3, D(2026, 6, 15), D(2026, 6, 16)),
    (PCMI, [C.TRAVAUX_ERP], D(2024, 1, 31), D(2024, 2, 29), 5, D(2024, 6, 30), D(2024, 7, 1)),
    (PCMI, [C.TRAVAUX_ERP], D(2024, 1, 31), D(2024, 3, 1), 2, D(2024, 3, 31), D(2024, 4, 1)),
    (PA, [C.AVIS_CDPENAF, C.MINISTRE_AGRICULTURE], D(2026, 5, 31), D(2026, 6, 30), 5, D(2026, 10, 31), D(2026, 11, 1)),
]


@pytest.mark.parametrize(
    ("procedure", "circumstances", "deposit", "notified", "months", "last", "tacit"), MODIFIED_DELAY_CASES
)
def test_legal_deadline_modified_delay_notification(procedure, circumstances, deposit, notified, months, last, tacit):
    delay = instruction_delay(procedure, circumstances)
    result = legal_deadline(LegalDeadlineInput(deposit, None, delay, modification_notified_on=notified))
    assert (result.months, result.last_day, result.tacit_decision_date) == (months, last, tacit)
    assert len(result.reasons) == 1
    if months == delay.base_months:
        assert "R*423-42" in result.reasons[0]


def test_legal_deadline_after_valid_pieces_request():
    # PC deposited 10/03, request notified on the last day of the month, pieces received 20/05.
    result = legal_deadline(LegalDeadlineInput(
        D(2026, 3, 10), D(2026, 5, 20), instruction_delay(PC), pieces_request_date=D(2026, 4, 10)
    ))
    assert (result.start_date, result.last_day, result.tacit_decision_date) == (
        D(2026, 5, 20),
        D(2026, 8, 20),
        D(2026, 8, 21),
    )
    assert "R*423-39" in result.explanation


def test_late_pieces_request_leaves_deadline_unchanged_with_reason():
    delay = instruction_delay(PC)
    reference = legal_deadline(LegalDeadlineInput(D(2026, 3, 10), None, delay))
    late = legal_deadline(
        LegalDeadlineInput(D(2026, 3, 10), D(2026, 5, 20), delay, pieces_request_date=D(2026, 4, 11)))
    assert (late.start_date, late.last_day, late.tacit_decision_date) == (
        D(2026, 3, 10),
        D(2026, 6, 10),
        D(2026, 6, 11),
    )
    assert (late.last_day, late.tacit_decision_date) == (reference.last_day, reference.tacit_decision_date)
    assert "ne modifie pas le délai d'instruction (R*423-41)" in late.reasons[0]
    assert "10/04/2026" in late.reasons[0]


def test_second_pieces_request_leaves_deadline_unchanged():
    deposit, first, pieces_of_first = D(2026, 3, 10), D(2026, 3, 20), D(2026, 4, 15)
    delay = instruction_delay(PC)
    before = legal_deadline(LegalDeadlineInput(deposit, pieces_of_first, delay, pieces_request_date=first))
    second = pieces_request_status(deposit, D(2026, 4, 1), [first])
    assert second.allowed is False and "R*423-41" in second.reason
    # the second request does not move the start: the deadline stays computed from the first request
    after = legal_deadline(LegalDeadlineInput(deposit, pieces_of_first, delay, pieces_request_date=first))
    assert before == after
    assert (after.start_date, after.last_day, after.tacit_decision_date) == (
        D(2026, 4, 15),
        D(2026, 7, 15),
        D(2026, 7, 16),
    )


def test_piece_not_required_deadline_from_deposit():
    result = legal_deadline(LegalDeadlineInput(
        D(2026, 3, 10),
        D(2026, 5, 20),
        instruction_delay(PC),
        pieces_request_date=D(2026, 3, 20),
        pieces_listed_in_code=False,
    ))
    assert (result.start_date, result.last_day, result.tacit_decision_date) == (
        D(2026, 3, 10),
        D(2026, 6, 10),
        D(2026, 6, 11),
    )
    assert "Pièce non exigée" in result.reasons[0]


def test_incomplete_file_has_no_running_delay():
    with pytest.raises(UrbanismeRuleError, match="completeness_expiry"):
        # valid request, file still incomplete: the delay has not started
        legal_deadline(LegalDeadlineInput(D(2026, 3, 10), None, 3, pieces_request_date=D(2026, 3, 20)))


@pytest.mark.parametrize(
    ("completion", "ok"),
    [(D(2026, 6, 20), True), (D(2026, 6, 21), False)],  # 3-month limit and the day after
)
def test_legal_deadline_pieces_received_late(completion, ok):
    args = (D(2026, 3, 10), completion, instruction_delay(DP))
    if ok:
        result = legal_deadline(LegalDeadlineInput(*args, pieces_request_date=D(2026, 3, 20)))
        assert (result.last_day, result.tacit_decision_date) == (D(2026, 7, 20), D(2026, 7, 21))
    else:
        with pytest.raises(UrbanismeRuleError, match="R\\*423-39"):
            legal_deadline(LegalDeadlineInput(*args, pieces_request_date=D(2026, 3, 20)))


def test_legal_deadline_completion_without_request_date_is_trusted():
    result = legal_deadline(LegalDeadlineInput(D(2026, 3, 10), D(2026, 4, 2), 1))
    assert (result.start_date, result.last_day, result.tacit_decision_date) == (
        D(2026, 4, 2),
        D(2026, 5, 2),
        D(2026, 5, 3),
    )


def test_legal_deadline_public_inquiry_start():
    result = legal_deadline(
        LegalDeadlineInput(D(2026, 1, 10), None, instruction_delay(PA), inquiry_report_received_on=D(2026, 5, 31)))
    assert (result.start_date, result.last_day, result.tacit_decision_date) == (
        D(2026, 5, 31),
        D(2026, 8, 31),
        D(2026, 9, 1),
    )
    assert "R*423-20" in result.explanation


@pytest.mark.parametrize(
    ("notified", "months", "last", "tacit"),
    [
        (D(2026, 4, 15), 5, D(2026, 6, 15), D(2026, 6, 16)),  # notified on the last day of the 3 months
        (D(2026, 4, 16), 3, D(2026, 4, 15), D(2026, 4, 16)),  # too late
        (None, 3, D(2026, 4, 15), D(2026, 4, 16)),
    ],
)
def test_legal_deadline_exceptional_prolongation(notified, months, last, tacit):
    delay = instruction_delay(PC, prolongations=[ExceptionalProlongation.RECOURS_PREFET_REGION_ABF])
    result = legal_deadline(LegalDeadlineInput(D(2026, 1, 15), None, delay, prolongation_notified_on=notified))
    assert (result.months, result.last_day, result.tacit_decision_date) == (months, last, tacit)


def test_legal_deadline_prolongation_recomputed_from_start():
    # DP 31/01 in abords MH (2 months, notified) + ABF recours (+2): 4 months from 31/01, clamped once.
    delay = instruction_delay(
        DP, [C.ABORDS_MONUMENT_HISTORIQUE], [ExceptionalProlongation.RECOURS_PREFET_REGION_ABF]
    )
    result = legal_deadline(LegalDeadlineInput(
        D(2026, 1, 31),
        None,
        delay,
        modification_notified_on=D(2026, 2, 10),
        prolongation_notified_on=D(2026, 3, 31),
    ))
    assert (result.months, result.last_day, result.tacit_decision_date) == (4, D(2026, 5, 31), D(2026, 6, 1))


def test_legal_deadline_refusal_outcome_is_carried():
    delay = instruction_delay(PC, [C.SITE_CLASSE])
    result = legal_deadline(LegalDeadlineInput(D(2026, 3, 10), None, delay))
    assert result.outcome is Outcome.REFUS_TACITE
    assert "refus tacite le 11/06/2026" in result.explanation


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deposit_date": D(2026, 3, 10), "completion_date": D(2026, 3, 9), "delay": 1},
        {"deposit_date": D(2026, 3, 10), "completion_date": None, "delay": -1},
    ],
)
def test_legal_deadline_invalid_inputs(kwargs):
    with pytest.raises(UrbanismeRuleError):
        legal_deadline(LegalDeadlineInput(**kwargs))


# ---------------------------------------------------------------------------
# §2.5 — display obligations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deposit", "last"),
    [(D(2026, 3, 1), D(2026, 3, 16)), (D(2026, 2, 20), D(2026, 3, 7)), (D(2024, 2, 20), D(2024, 3, 6))],
)
def test_deposit_notice_deadline(deposit, last):
    result = deposit_notice_deadline(deposit)
    assert result.value == last
    assert "R423-6" in result.source


DISPLAY_CASES = [
    # (decision, display start, post by, display from, display until, late)
    (D(2026, 1, 28), None, D(2026, 2, 5), D(2026, 2, 5), D(2026, 4, 5), False),
    (D(2026, 1, 28), D(2026, 2, 5), D(2026, 2, 5), D(2026, 2, 5), D(2026, 4, 5), False),  # 8th day
    (D(2026, 1, 28), D(2026, 2, 6), D(2026, 2, 5), D(2026, 2, 6), D(2026, 4, 6), True),  # 9th day
    (D(2025, 12, 23), D(2025, 12, 31), D(2025, 12, 31), D(2025, 12, 31), D(2026, 2, 28), False),
    (D(2023, 12, 23), D(2023, 12, 31), D(2023, 12, 31), D(2023, 12, 31), D(2024, 2, 29), False),
]


@pytest.mark.parametrize(("decision", "start", "post_by", "display_from", "until", "late"), DISPLAY_CASES)
def test_decision_display_deadlines(decision, start, post_by, display_from, until, late):
    result = decision_display_deadlines(decision, start)
    assert (result.post_by, result.display_from, result.display_until, result.late) == (
        post_by,
        display_from,
        until,
        late,
    )
    assert "R424-15" in result.explanation


def test_display_before_decision_is_an_error():
    with pytest.raises(UrbanismeRuleError):
        decision_display_deadlines(D(2026, 1, 28), D(2026, 1, 27))


# ---------------------------------------------------------------------------
# §2.6 — validity, prorogation, appeal, conformity, withdrawal
# ---------------------------------------------------------------------------

VALIDITY_CASES = [
    (D(2026, 3, 10), 0, D(2029, 3, 10)),
    (D(2026, 3, 10), 1, D(2030, 3, 10)),
    (D(2026, 3, 10), 2, D(2031, 3, 10)),
    (D(2024, 2, 29), 0, D(2027, 2, 28)),
    (D(2024, 2, 29), 1, D(2028, 2, 29)),
    (D(2024, 2, 29), 2, D(2029, 2, 28)),
    (D(2026, 12, 31), 0, D(2029, 12, 31)),
]


@pytest.mark.parametrize(("decision", "prorogations", "last"), VALIDITY_CASES)
def test_validity_end(decision, prorogations, last):
    result = validity_end(decision, prorogations)
    assert result.value == last
    assert "R424-17" in result.source


@pytest.mark.parametrize("prorogations", [3, 4, -1])
def test_validity_refuses_third_prorogation(prorogations):
    with pytest.raises(UrbanismeRuleError):
        validity_end(D(2026, 3, 10), prorogations)


def test_third_prorogation_message():
    with pytest.raises(UrbanismeRuleError, match="troisième prorogation"):
        validity_end(D(2026, 3, 10), 3)


@pytest.mark.parametrize(
    ("validity_last", "request_by"),
    [(D(2029, 3, 10), D(2029, 1, 10)), (D(2029, 4, 30), D(2029, 2, 28)), (D(2028, 4, 30), D(2028, 2, 29))],
)
def test_prorogation_request_deadline(validity_last, request_by):
    assert prorogation_request_deadline(validity_last).value == request_by


APPEAL_CASES = [
    # (first display day, alsace_moselle, last day for the appeal)
    (D(2026, 3, 10), False, D(2026, 5, 11)),  # 10/05 + 1 = Monday 11/05, franc
    (D(2026, 3, 12), False, D(2026, 5, 13)),  # Wednesday
    (D(2026, 3, 13), False, D(2026, 5, 15)),  # 14/05/2026 = Ascension -> Friday
    (D(2026, 3, 15), False, D(2026, 5, 18)),  # Saturday 16/05 -> Monday 18/05
    (D(2025, 12, 31), False, D(2026, 3, 2)),  # 28/02 + 1 = Sunday 01/03 -> Monday 02/03
    (D(2026, 9, 30), False, D(2026, 12, 1)),
    (D(2026, 10, 31), False, D(2027, 1, 4)),  # 01/01 holiday, then weekend
    (D(2026, 2, 2), False, D(2026, 4, 3)),  # Good Friday: working day outside Alsace-Moselle
    (D(2026, 2, 2), True, D(2026, 4, 7)),  # Alsace-Moselle: Good Friday, weekend, Easter Monday
]


@pytest.mark.parametrize(("display_start", "alsace", "last"), APPEAL_CASES)
def test_third_party_appeal_end(display_start, alsace, last):
    result = third_party_appeal_end(display_start, alsace_moselle=alsace)
    assert result.value == last
    assert "R600-2" in result.source


def test_third_party_appeal_explains_extension():
    result = third_party_appeal_end(D(2026, 3, 15))
    assert "16/05/2026" in result.explanation and "18/05/2026" in result.explanation


CONFORMITY_CASES = [
    (D(2026, 3, 15), ConformityCase.DROIT_COMMUN, D(2026, 6, 15)),
    (D(2026, 1, 31), ConformityCase.DROIT_COMMUN, D(2026, 4, 30)),
    (D(2023, 11, 30), ConformityCase.DROIT_COMMUN, D(2024, 2, 29)),
    (D(2026, 1, 31), ConformityCase.IMMEUBLE_INSCRIT_MH, D(2026, 6, 30)),
    (D(2023, 9, 29), ConformityCase.SITE_PATRIMONIAL_REMARQUABLE, D(2024, 2, 29)),
    (D(2022, 9, 30), ConformityCase.PLAN_PREVENTION_RISQUES, D(2023, 2, 28)),
] + [
    (D(2026, 3, 15), case, D(2026, 8, 15)) for case in ConformityCase if case is not ConformityCase.DROIT_COMMUN
]


@pytest.mark.parametrize(("daact", "case", "last"), CONFORMITY_CASES)
def test_conformity_check_deadline(daact, case, last):
    result = conformity_check_deadline(daact, case)
    assert result.value == last
    assert "R462-6" in result.source


def test_conformity_default_case_is_three_months():
    assert conformity_check_deadline(D(2026, 3, 15)).value == D(2026, 6, 15)


WITHDRAWAL_CASES = [
    (D(2026, 1, 10), D(2026, 4, 10)),
    (D(2025, 11, 30), D(2026, 2, 28)),
    (D(2023, 11, 29), D(2024, 2, 29)),
    (D(2026, 5, 31), D(2026, 8, 31)),
    (D(2026, 3, 31), D(2026, 6, 30)),
]


@pytest.mark.parametrize(("decision", "last"), WITHDRAWAL_CASES)
def test_withdrawal_window_end(decision, last):
    result = withdrawal_window_end(decision)
    assert result.value == last
    assert "L424-5" in result.source


def test_withdrawal_after_tacit_permit():
    deadline = legal_deadline(LegalDeadlineInput(D(2026, 1, 31), None, instruction_delay(PCMI)))
    assert deadline.tacit_decision_date == D(2026, 4, 1)
    assert withdrawal_window_end(deadline.tacit_decision_date).value == D(2026, 7, 1)
    assert validity_end(deadline.tacit_decision_date).value == D(2029, 4, 1)


# ---------------------------------------------------------------------------
# Dashboards, calendars, CERFA, purity
# ---------------------------------------------------------------------------

ALERT_CASES = [
    (D(2026, 2, 28), AlertLevel.OVERDUE),
    (D(2026, 3, 1), AlertLevel.CRITICAL),
    (D(2026, 3, 8), AlertLevel.CRITICAL),  # 7 days
    (D(2026, 3, 9), AlertLevel.URGENT),  # 8 days
    (D(2026, 3, 16), AlertLevel.URGENT),  # 15 days
    (D(2026, 3, 17), AlertLevel.WARNING),  # 16 days
    (D(2026, 3, 31), AlertLevel.WARNING),  # 30 days
    (D(2026, 4, 1), AlertLevel.OK),  # 31 days
]


@pytest.mark.parametrize(("deadline", "level"), ALERT_CASES)
def test_deadline_alert_level(deadline, level):
    assert deadline_alert_level(deadline, D(2026, 3, 1)) is level


CERFA_CASES = [
    (DP, ("13703", "13404", "13702")),
    (PCMI, ("13406",)),
    (PC, ("13409",)),
    (PA, ("13409",)),
    (PD, ("13405",)),
    (CUA, ("13410",)),
    (CUB, ("13410",)),
    (P.DECLARATION_OUVERTURE_CHANTIER, ("13407",)),
    (P.PERMIS_MODIFICATIF, ("13411",)),
    (P.DAACT, ("13408",)),
    (P.TRANSFERT_PERMIS, ("13412",)),
    (P.PROROGATION, ()),
]


@pytest.mark.parametrize(("procedure", "numbers"), CERFA_CASES)
def test_cerfa_numbers(procedure, numbers):
    assert cerfa_numbers(procedure) == numbers
    assert procedure.label


def test_enum_values_are_french_legal_names():
    assert {p.value for p in INSTRUCTED} == {
        "declaration_prealable",
        "permis_de_construire_mi",
        "permis_de_construire",
        "permis_amenager",
        "permis_demolir",
        "certificat_urbanisme_a",
        "certificat_urbanisme_b",
    }
    assert Outcome.REFUS_TACITE == "refus_tacite"
    assert Outcome.ACCORD_TACITE == "accord_tacite"
    assert Outcome.NON_OPPOSITION == "non_opposition"


def test_rules_module_is_pure():
    """Standard library, python-dateutil and grc_core.plugin_api only (no other grc_core module)."""
    package = Path(__file__).resolve().parents[1] / "rules"
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    modules = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a module of the package itself
                assert node.level == 1 and (package / f"{node.module}.py").is_file(), "import from outside"
                continue
            modules.add(node.module or "")
    grc_core = {m for m in modules if m.split(".")[0] == "grc_core"}
    assert grc_core == {"grc_core.plugin_api"}
    roots = {m.split(".")[0] for m in modules - grc_core}
    assert roots <= {"__future__", "collections", "dataclasses", "datetime", "enum", "dateutil"}


# ---------------------------------------------------------------------------
# Certificate validity (L410-1, R410-17)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("issued", "prorogations", "last"), [
    (D(2026, 1, 31), 0, D(2027, 7, 31)),
    (D(2026, 1, 31), 1, D(2028, 7, 31)),
    (D(2024, 8, 31), 0, D(2026, 2, 28)),  # no 31 February
    (D(2026, 3, 10), 3, D(2030, 9, 10)),  # R410-17 sets no maximum
])
def test_certificate_validity_end(issued, prorogations, last):
    result = certificate_validity_end(issued, prorogations)
    assert result.value == last
    assert "L410-1" in result.source


# ---------------------------------------------------------------------------
# File numbers (arrêté du 6 juin 2007, A.423-1 ff.)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(("insee", "parts"), [
    ("45901", ("045", "901")),
    ("01004", ("001", "004")),
    ("2A004", ("02A", "004")),  # Ajaccio
    ("2b033", ("02B", "033")),  # Bastia, typed in lower case
    ("97411", ("974", "411")),  # Saint-Denis (La Réunion): department 974, the code's last three digits
    ("97611", ("976", "611")),  # Mamoudzou (Mayotte)
    ("97105", ("971", "105")),  # Basse-Terre (Guadeloupe)
])
def test_insee_parts(insee, parts):
    assert insee_parts(insee) == parts


@pytest.mark.parametrize("insee", ["4590", "459011", "2C004", "ABCDE", "", None, "45 01", "٤٥٩٠١"])
def test_insee_parts_refuses_what_is_not_a_commune_code(insee):
    with pytest.raises(UrbanismeRuleError, match="Code INSEE"):
        insee_parts(insee)


@pytest.mark.parametrize(("letters", "insee", "year", "sequence", "number"), [
    ("PC", "45901", 2026, 12, "PC 045 901 26 00012"),
    ("pc", "45901", 26, 12, "PC 045 901 26 00012"),  # the year already on 2 digits
    ("DP", "2A004", 2026, 1, "DP 02A 004 26 00001"),
    ("CU", "2B033", 2027, 350, "CU 02B 033 27 00350"),
    ("PA", "97411", 2026, 7, "PA 974 411 26 00007"),
    ("PD", "45901", 2100, 99_999, "PD 045 901 00 99999"),  # the last sequence; the century is not written
    ("DP", "45901", 2009, 1, "DP 045 901 09 00001"),
])
def test_file_number(letters, insee, year, sequence, number):
    assert file_number(letters, insee, year, sequence) == number
    assert str(parse_file_number(number)) == number


@pytest.mark.parametrize(("letters", "insee", "year", "sequence", "message"), [
    ("PC", "45901", 2026, MAX_FILE_SEQUENCE + 1, "5 chiffres"),  # refused, not widened
    ("PC", "45901", 2026, 0, "5 chiffres"),
    ("PC", "45901", -1, 1, "négative"),
    ("PCMI", "45901", 2026, 1, "Lettres de type"),  # a PCMI is numbered PC
    ("CUa", "45901", 2026, 1, "Lettres de type"),
    ("PC", "4590", 2026, 1, "Code INSEE"),
])
def test_file_number_refusals(letters, insee, year, sequence, message):
    with pytest.raises(UrbanismeRuleError, match=message):
        file_number(letters, insee, year, sequence)


@pytest.mark.parametrize(("text", "number"), [
    ("PC 045 901 26 00012", "PC 045 901 26 00012"),
    ("pc04590126 00012", "PC 045 901 26 00012"),
    ("  PC\t045 901\n26 00012 ", "PC 045 901 26 00012"),
    ("PC0459012600012", "PC 045 901 26 00012"),
    ("dp 02a 004 26 00001", "DP 02A 004 26 00001"),
    ("PC 974 411 26 00001", "PC 974 411 26 00001"),
    ("PC 045 901 26 00012 M01", "PC 045 901 26 00012 M01"),
    ("pc045901260001 2t02", "PC 045 901 26 00012 T02"),
    ("PA 045 901 26 00003 M12", "PA 045 901 26 00003 M12"),
])
def test_parse_file_number_forgives_spaces_and_case(text, number):
    parsed = parse_file_number(text)
    assert str(parsed) == number
    assert str(parsed.original) == number[:19]


@pytest.mark.parametrize("text", [
    None, "", "garbage", "2026-00042",
    "PC 045 901 26 0012",  # 4-digit sequence
    "PC 045 901 26 000123",  # 6 digits
    "PX 045 901 26 00012",  # unknown letters
    "PCMI 045 901 26 00012",
    "PC 45 901 26 00012",  # department on 2 characters
    "PC 096 901 26 00012",  # no department 96
    "PC 02C 004 26 00001",
    "PC 045 9O1 26 00012",  # a letter O for a zero
    "PC 045 901 26 00000",  # no sequence 0
    "PC 045 901 26 00012 M00",  # no rank 0
    "PC 045 901 26 00012 X01",
    "PC 045 901 26 00012 M1",
    "DP 045 901 26 00012 M01",  # a DP is neither modified nor transferred
    "CU 045 901 26 00012 T01",
    "PC ０４５ 901 26 00012",  # full-width digits
])
def test_parse_file_number_returns_none_on_garbage(text):
    assert parse_file_number(text) is None


def test_a_number_knows_the_procedures_of_its_letters():
    assert parse_file_number("PC 045 901 26 00012").procedures == (PCMI, PC)
    assert parse_file_number("CU 045 901 26 00012").procedures == (CUA, CUB)
    assert parse_file_number("PA 045 901 26 00012 M01").procedures == (PA,)


@pytest.mark.parametrize(("original", "procedure", "rank", "number"), [
    ("PC 045 901 26 00012", P.PERMIS_MODIFICATIF, 1, "PC 045 901 26 00012 M01"),
    ("pc04590126 00012", P.PERMIS_MODIFICATIF, 2, "PC 045 901 26 00012 M02"),
    ("PC 045 901 26 00012", P.TRANSFERT_PERMIS, 1, "PC 045 901 26 00012 T01"),
    ("PC 045 901 26 00012 M03", P.TRANSFERT_PERMIS, 99, "PC 045 901 26 00012 T99"),  # numbered after the permit
    ("PD 02A 004 26 00001", P.PERMIS_MODIFICATIF, 1, "PD 02A 004 26 00001 M01"),
    # No number of their own: the authorisation's.
    ("PC 045 901 26 00012", P.PROROGATION, 1, "PC 045 901 26 00012"),
    ("PC 045 901 26 00012 T01", P.PROROGATION, 1, "PC 045 901 26 00012"),
    ("DP 045 901 26 00004", P.DECLARATION_OUVERTURE_CHANTIER, 1, "DP 045 901 26 00004"),
    ("CU 045 901 26 00004", P.PROROGATION, 1, "CU 045 901 26 00004"),
    ("PA 974 411 26 00002", P.DAACT, 1, "PA 974 411 26 00002"),
])
def test_follow_up_number(original, procedure, rank, number):
    assert follow_up_number(original, procedure, rank) == number


@pytest.mark.parametrize(("original", "procedure", "rank", "message"), [
    ("DP 045 901 26 00012", P.PERMIS_MODIFICATIF, 1, "ne peut modifier qu'un permis"),
    ("CU 045 901 26 00012", P.TRANSFERT_PERMIS, 1, "Seul un permis"),
    ("PC 045 901 26 00012", P.PERMIS_MODIFICATIF, 0, "Rang 0"),
    ("PC 045 901 26 00012", P.TRANSFERT_PERMIS, 100, "Rang 100"),
    ("mon permis", P.PERMIS_MODIFICATIF, 1, "illisible"),
    ("PC 045 901 26 00012", P.PERMIS_DE_CONSTRUIRE, 1, "son propre numéro"),
])
def test_follow_up_number_refusals(original, procedure, rank, message):
    with pytest.raises(UrbanismeRuleError, match=message):
        follow_up_number(original, procedure, rank)


# ---------------------------------------------------------------------------
# Follow-up procedures: which authorisation, granted, valid, in time
# ---------------------------------------------------------------------------

FOLLOW_UP_KINDS = [
    # (follow-up, original, allowed)
    *[(P.PERMIS_MODIFICATIF, original, original in PERMITS) for original in INSTRUCTED],
    *[(P.TRANSFERT_PERMIS, original, original in PERMITS) for original in INSTRUCTED],
    *[(P.PROROGATION, original, True) for original in INSTRUCTED],
    *[(P.DECLARATION_OUVERTURE_CHANTIER, original, original not in (CUA, CUB)) for original in INSTRUCTED],
    *[(P.DAACT, original, original not in (CUA, CUB)) for original in INSTRUCTED],
    (P.PROROGATION, P.PERMIS_MODIFICATIF, False),  # a modificatif is not the authorisation
    (P.DAACT, P.DAACT, False),
]


@pytest.mark.parametrize(("procedure", "original", "allowed"), FOLLOW_UP_KINDS)
def test_follow_up_type_refusal(procedure, original, allowed):
    refusal = follow_up_type_refusal(procedure, original)
    assert (refusal is None) == allowed
    if refusal:
        assert str(original.label) in str(refusal)


def test_only_a_follow_up_follows_something():
    with pytest.raises(UrbanismeRuleError):
        follow_up_type_refusal(PC, PC)


VALID_UNTIL = D(2029, 3, 10)  # permit notified on 10/03/2026
FOLLOW_UP_REFUSALS = [
    # (procedure, original, keywords, expected refusal excerpt or None)
    (P.TRANSFERT_PERMIS, PC, {"granted": True}, None),
    (P.TRANSFERT_PERMIS, PC, {"granted": False}, "n'a pas été accordée"),
    (P.DAACT, DP, {"granted": False}, "ne peut faire l'objet d'une DAACT"),
    (P.DECLARATION_OUVERTURE_CHANTIER, CUA, {"granted": True}, "ne porte que sur un permis"),
    (P.PROROGATION, PC, {"granted": True, "validity_last_day": VALID_UNTIL}, None),
    # Requested 2 months before the end, at the latest (R424-22).
    (P.PROROGATION, PC, {"granted": True, "validity_last_day": VALID_UNTIL, "filed_on": D(2029, 1, 10)}, None),
    (P.PROROGATION, PC, {"granted": True, "validity_last_day": VALID_UNTIL, "filed_on": D(2029, 1, 11)},
     "devait être déposée au plus tard le 10/01/2029 (R424-22)"),
    (P.PROROGATION, PC, {"granted": True, "validity_last_day": VALID_UNTIL, "filed_on": D(2029, 3, 10)},
     "au plus tard le 10/01/2029"),
    (P.PROROGATION, PC, {"granted": True, "validity_last_day": VALID_UNTIL, "filed_on": D(2029, 3, 11)},
     "périmée, elle ne peut plus être prorogée"),
    (P.PROROGATION, DP, {"granted": True, "validity_last_day": VALID_UNTIL, "prorogations": 1}, None),
    (P.PROROGATION, PCMI, {"granted": True, "validity_last_day": VALID_UNTIL, "prorogations": 2},
     "troisième prorogation est impossible"),
    # A certificate: any number of one-year prorogations, requested 2 months before (R410-17).
    (P.PROROGATION, CUB, {"granted": True, "validity_last_day": VALID_UNTIL, "prorogations": 4}, None),
    (P.PROROGATION, CUA, {"granted": True, "validity_last_day": VALID_UNTIL, "filed_on": D(2029, 2, 1)},
     "(R410-17)"),
    (P.PROROGATION, PC, {"granted": False, "validity_last_day": VALID_UNTIL}, "n'a pas été accordée"),
]


@pytest.mark.parametrize(("procedure", "original", "keywords", "expected"), FOLLOW_UP_REFUSALS)
def test_follow_up_refusal(procedure, original, keywords, expected):
    keywords = {"filed_on": D(2026, 6, 1), **keywords}
    refusal = follow_up_refusal(procedure, original, **keywords)
    if expected is None:
        assert refusal is None
    else:
        assert expected in refusal
