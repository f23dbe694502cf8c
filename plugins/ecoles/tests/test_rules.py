"""Table-driven tests of plugins.ecoles.rules (pure rules: no database, no Flask).

Sources of the expected values: domain_rules.md §3 (cited per table).
"""

from __future__ import annotations

import ast
import sys
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from grc_core.plugin_api.testing import rules_locale

from plugins.ecoles import rules


def fr(text) -> str:
    """A rule's explanation as a French reader sees it (Babel's no-break spaces of amounts as plain spaces)."""
    with rules_locale("fr", "ecoles"):
        return str(text).replace("\u202f", " ").replace("\xa0", " ")


def en(text) -> str:
    with rules_locale("en", "ecoles"):
        return str(text)

from plugins.ecoles.rules import (
    DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION,
    LEVELS,
    UNKNOWN_STREET_MESSAGE,
    Contribution,
    DerogationReason,
    DerogationScope,
    InstructionPeriod,
    Level,
    NotInPrimary,
    NotInPrimaryCode,
    Piece,
    SchoolKind,
    SchoolYear,
    SectorRule,
    Side,
    TariffGrid,
    Tranche,
    canteen_refusal_allowed,
    cantine_a_un_euro_aid_per_meal,
    carte_scolaire_problems,
    check_requested_pieces,
    derogation_case,
    director_declaration_deadline,
    home_commune_information_deadline,
    instruction_obligation,
    is_instruction_compulsory,
    level_for,
    mandatory_vaccines,
    missing_pieces,
    next_liste_scolaire_update,
    normalize_street,
    parse_house_number,
    periscolaire_refusal_allowed,
    pieces_allowed,
    recommended_inscription_deadline,
    school_change_deadline,
    school_change_formalities,
    school_change_overdue,
    school_kind_accepts,
    school_year_of,
    sector_school,
    tariff_for,
    vaccination_regularisation_deadline,
    validate_grid,
)

Y2025 = SchoolYear(2025)  # 2025-2026, rentrée 1 September 2025 (default)

# ---------------------------------------------------------------------------
# School year
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kwargs", "start_year"),
    [
        (date(2025, 8, 31), {}, 2024),
        (date(2025, 9, 1), {}, 2025),
        (date(2025, 12, 31), {}, 2025),
        (date(2026, 1, 1), {}, 2025),
        (date(2026, 7, 14), {}, 2025),
        (date(2025, 9, 1), {"rentree_month": 9, "rentree_day": 2}, 2024),
        (date(2025, 9, 2), {"rentree_month": 9, "rentree_day": 2}, 2025),
    ],
)
def test_school_year_of(day, kwargs, start_year):
    year = school_year_of(day, **kwargs)
    assert year.start_year == start_year
    assert year.contains(day)


def test_school_year_defaults_and_label():
    assert Y2025.rentree == date(2025, 9, 1)
    assert Y2025.end == date(2026, 8, 31)
    assert Y2025.label == "2025-2026" == str(Y2025)
    assert Y2025 == SchoolYear(2025, rentree=date(2025, 9, 1))
    assert Y2025.next() == SchoolYear(2026)
    assert Y2025.previous() == SchoolYear(2024)


@pytest.mark.parametrize(
    ("kwargs"),
    [
        {"rentree": date(2024, 9, 2)},  # rentrée not in the start year
        {"rentree": date(2025, 9, 2), "end": date(2025, 9, 1)},  # end before rentrée
    ],
)
def test_school_year_rejects_inconsistent_dates(kwargs):
    with pytest.raises(ValueError):
        SchoolYear(2025, **kwargs)


# ---------------------------------------------------------------------------
# Levels — §3.1 (L131-5 / F1864 PS, F1865 CP, D113-1 TPS)
# ---------------------------------------------------------------------------

LEVEL_CASES = [
    # (birth date, school year, expected level) — every level TPS..CM2
    (date(2023, 1, 1), Y2025, Level.TOUTE_PETITE_SECTION),  # only when allowed (see below)
    (date(2022, 1, 1), Y2025, Level.PETITE_SECTION),
    (date(2022, 12, 31), Y2025, Level.PETITE_SECTION),
    (date(2021, 6, 15), Y2025, Level.MOYENNE_SECTION),
    (date(2020, 1, 1), Y2025, Level.GRANDE_SECTION),
    (date(2020, 12, 31), Y2025, Level.GRANDE_SECTION),
    (date(2019, 1, 1), Y2025, Level.CP),
    (date(2019, 12, 31), Y2025, Level.CP),  # turns 6 on 31 Dec → CP in September
    (date(2018, 3, 3), Y2025, Level.CE1),
    (date(2017, 3, 3), Y2025, Level.CE2),
    (date(2016, 3, 3), Y2025, Level.CM1),
    (date(2015, 1, 1), Y2025, Level.CM2),
    (date(2015, 12, 31), Y2025, Level.CM2),
    (date(2016, 12, 31), 2026, Level.CM2),  # int school year accepted
    (date(2021, 12, 31), SchoolYear(2024), Level.PETITE_SECTION),
]


@pytest.mark.parametrize(("birth", "year", "expected"), LEVEL_CASES)
def test_level_for_every_level(birth, year, expected):
    assert level_for(birth, year, allow_toute_petite_section=True) == expected


def test_level_cases_cover_every_level():
    assert {case[2] for case in LEVEL_CASES} == set(LEVELS)


@pytest.mark.parametrize(
    ("birth_31_dec", "level_31_dec", "birth_1_jan", "level_1_jan"),
    [
        # same school year 2025-2026: the 31 December child is one level ahead
        (date(2022, 12, 31), Level.PETITE_SECTION, date(2023, 1, 1), None),
        (date(2021, 12, 31), Level.MOYENNE_SECTION, date(2022, 1, 1), Level.PETITE_SECTION),
        (date(2020, 12, 31), Level.GRANDE_SECTION, date(2021, 1, 1), Level.MOYENNE_SECTION),
        (date(2019, 12, 31), Level.CP, date(2020, 1, 1), Level.GRANDE_SECTION),
        (date(2018, 12, 31), Level.CE1, date(2019, 1, 1), Level.CP),
        (date(2014, 12, 31), None, date(2015, 1, 1), Level.CM2),
    ],
)
def test_level_31_december_vs_1_january(birth_31_dec, level_31_dec, birth_1_jan, level_1_jan):
    for birth, expected in ((birth_31_dec, level_31_dec), (birth_1_jan, level_1_jan)):
        result = level_for(birth, Y2025)
        if expected is None:
            assert isinstance(result, NotInPrimary)
        else:
            assert result == expected


@pytest.mark.parametrize(
    ("birth", "allow", "admission", "expected"),
    [
        # TPS cohort (born 2023): 2 years old on the rentrée day (1 Sept 2025) → TPS if allowed
        (date(2023, 1, 1), True, None, Level.TOUTE_PETITE_SECTION),
        (date(2023, 9, 1), True, None, Level.TOUTE_PETITE_SECTION),  # 2 on the rentrée day
        (date(2023, 1, 1), False, None, NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES),
        (date(2023, 9, 1), False, None, NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES),
        # turns 2 after the rentrée → too young at the rentrée, even when TPS is offered
        (date(2023, 9, 2), True, None, NotInPrimaryCode.TROP_JEUNE),
        (date(2023, 12, 31), True, None, NotInPrimaryCode.TROP_JEUNE),
        # … admissible from a later admission date once 2, when TPS is offered
        (date(2023, 9, 2), True, date(2025, 9, 2), Level.TOUTE_PETITE_SECTION),
        (date(2023, 12, 31), True, date(2026, 1, 5), Level.TOUTE_PETITE_SECTION),
        (date(2023, 12, 31), False, date(2026, 1, 5), NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES),
        (date(2023, 12, 31), True, date(2025, 12, 30), NotInPrimaryCode.TROP_JEUNE),
        # next cohort: never TPS this year, whatever the admission date
        (date(2024, 1, 1), True, None, NotInPrimaryCode.TROP_JEUNE),
        (date(2024, 1, 1), True, date(2026, 6, 1), NotInPrimaryCode.TROP_JEUNE),
        (date(2025, 3, 1), True, None, NotInPrimaryCode.TROP_JEUNE),
        (date(2026, 3, 1), True, None, NotInPrimaryCode.TROP_JEUNE),  # not born at the rentrée
        # too old for primary (collège age)
        (date(2014, 12, 31), True, None, NotInPrimaryCode.TROP_AGE),
        (date(2010, 5, 5), False, None, NotInPrimaryCode.TROP_AGE),
    ],
)
def test_level_for_tps_too_young_too_old(birth, allow, admission, expected):
    result = level_for(birth, Y2025, allow_toute_petite_section=allow, admission_date=admission)
    if isinstance(expected, Level):
        assert result == expected
    else:
        assert isinstance(result, NotInPrimary)
        assert result.code == expected
        assert result.reason  # French reason, never empty


@pytest.mark.parametrize(
    ("birth", "fragments"),
    [
        (date(2023, 9, 2), ("D113-1", "02/09/2025", "petite section à la rentrée 2026")),
        (date(2024, 1, 1), ("trop jeune", "petite section à la rentrée 2027")),
        (date(2023, 1, 1), ("limite des places disponibles", "D113-1")),
        (date(2014, 12, 31), ("collège", "16 ans")),
    ],
)
def test_level_for_reasons_are_french_and_cited(birth, fragments):
    result = level_for(birth, Y2025)
    assert isinstance(result, NotInPrimary)
    for fragment in fragments:
        assert fragment in fr(result.reason)


def test_level_for_uses_the_real_rentree_date_for_tps():
    year = SchoolYear(2025, rentree=date(2025, 9, 2))
    assert level_for(date(2023, 9, 2), year, allow_toute_petite_section=True) == (
        Level.TOUTE_PETITE_SECTION
    )


def test_level_for_rejects_admission_date_outside_the_year():
    with pytest.raises(ValueError):
        level_for(date(2023, 1, 1), Y2025, admission_date=date(2025, 8, 1))


@pytest.mark.parametrize(
    ("kind", "level", "classe_enfantine", "expected"),
    [
        (SchoolKind.MATERNELLE, Level.TOUTE_PETITE_SECTION, False, True),
        (SchoolKind.MATERNELLE, Level.GRANDE_SECTION, False, True),
        (SchoolKind.MATERNELLE, Level.CP, False, False),
        (SchoolKind.ELEMENTAIRE, Level.CP, False, True),
        (SchoolKind.ELEMENTAIRE, Level.CM2, False, True),
        (SchoolKind.ELEMENTAIRE, Level.GRANDE_SECTION, False, False),
        (SchoolKind.ELEMENTAIRE, Level.GRANDE_SECTION, True, True),  # section enfantine, 5 y
        (SchoolKind.ELEMENTAIRE, Level.PETITE_SECTION, True, False),
        (SchoolKind.PRIMAIRE, Level.TOUTE_PETITE_SECTION, False, True),
        (SchoolKind.PRIMAIRE, Level.CM2, False, True),
        ("maternelle", "moyenne_section", False, True),
        ("elementaire", "ce1", False, True),
    ],
)
def test_school_kind_accepts(kind, level, classe_enfantine, expected):
    assert school_kind_accepts(kind, level, classe_enfantine=classe_enfantine) is expected


# ---------------------------------------------------------------------------
# Instruction obligation 3 → 16 — §3.1 (L131-1, L131-5, loi 2019-791)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "start", "end"),
    [
        (date(2022, 12, 31), date(2025, 9, 1), date(2038, 12, 31)),
        (date(2023, 1, 1), date(2026, 9, 1), date(2039, 1, 1)),
        (date(2016, 6, 1), date(2019, 9, 2), date(2032, 6, 1)),  # 3 in 2019: entry into force
        (date(2014, 6, 1), date(2019, 9, 2), date(2030, 6, 1)),  # 5 in 2019
        (date(2012, 6, 1), date(2018, 9, 1), date(2028, 6, 1)),  # already 6 before: former rule
        (date(2020, 2, 29), date(2023, 9, 1), date(2036, 2, 29)),
    ],
)
def test_instruction_obligation(birth, start, end):
    assert instruction_obligation(birth) == InstructionPeriod(start, end)


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        (date(2022, 12, 31), date(2025, 8, 31), False),
        (date(2022, 12, 31), date(2025, 9, 1), True),
        (date(2010, 4, 10), date(2026, 4, 9), True),
        (date(2010, 4, 10), date(2026, 4, 10), False),  # 16th birthday: no longer compulsory
    ],
)
def test_is_instruction_compulsory(birth, day, expected):
    assert is_instruction_compulsory(birth, day) is expected


def test_instruction_obligation_with_real_rentree_dates():
    rentrees = {2025: date(2025, 9, 1), 2026: date(2026, 9, 1)}
    period = instruction_obligation(date(2023, 5, 5), rentree_of=rentrees.__getitem__)
    assert period.start == date(2026, 9, 1)


# ---------------------------------------------------------------------------
# Dated rules of the inscription — §3.1, §3.2
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("func", "arg", "expected"),
    [
        (school_change_deadline, date(2025, 10, 3), date(2025, 10, 11)),  # L131-5: 8 days
        (school_change_deadline, date(2025, 12, 28), date(2026, 1, 5)),
        (recommended_inscription_deadline, Y2025, date(2025, 6, 30)),
        (director_declaration_deadline, Y2025, date(2025, 9, 9)),  # R131-3: 8 days
        (next_liste_scolaire_update, date(2025, 10, 1), date(2025, 10, 1)),  # R131-3: 1st
        (next_liste_scolaire_update, date(2025, 10, 2), date(2025, 11, 1)),
        (next_liste_scolaire_update, date(2025, 12, 15), date(2026, 1, 1)),
        (vaccination_regularisation_deadline, date(2025, 11, 30), date(2026, 2, 28)),
        (home_commune_information_deadline, date(2025, 9, 1), date(2025, 9, 15)),
    ],
)
def test_dated_rules(func, arg, expected):
    assert func(arg) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [(date(2025, 10, 11), False), (date(2025, 10, 12), True)],
)
def test_school_change_overdue(today, expected):
    assert school_change_overdue(date(2025, 10, 3), today) is expected


def test_school_change_formalities():
    change = school_change_formalities(date(2025, 10, 3), changes_commune=True)
    assert change.deadline == date(2025, 10, 11)
    assert any("certificat de radiation" in fr(step) for step in change.steps)
    assert any("nouvelle commune" in fr(step) for step in change.steps)
    same = school_change_formalities(
        date(2025, 10, 3), changes_commune=False, changes_sector_school=False
    )
    assert len(same.steps) == 1 and "radiation" not in fr(same.steps[0])


@pytest.mark.parametrize(
    ("birth", "count"),
    [(date(2017, 12, 31), 3), (date(2018, 1, 1), 11)],
)
def test_mandatory_vaccines(birth, count):
    assert len(mandatory_vaccines(birth)) == count


# ---------------------------------------------------------------------------
# Pieces — §3.2 (D131-3-1)
# ---------------------------------------------------------------------------


def test_pieces_allowed_is_exactly_d131_3_1():
    specs = pieces_allowed()
    assert [s.piece for s in specs] == [
        Piece.IDENTITE_ENFANT,
        Piece.IDENTITE_RESPONSABLES,
        Piece.JUSTIFICATIF_DOMICILE,
    ]
    assert all(s.attestation_sur_l_honneur_accepted for s in specs)
    assert DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION is False
    assert "ne peut pas bloquer" in fr(specs[2].note)
    assert "can never block the enrolment" in en(specs[2].note)


@pytest.mark.parametrize(
    ("requested", "accepted", "rejected_names", "reason_fragment"),
    [
        (list(Piece), tuple(Piece), (), None),
        (["identite_enfant", "Justificatif de domicile"],
         (Piece.IDENTITE_ENFANT, Piece.JUSTIFICATIF_DOMICILE), (), None),
        (["identité de l'enfant", "identité des parents"],
         (Piece.IDENTITE_ENFANT, Piece.IDENTITE_RESPONSABLES), (), None),
        ([Piece.IDENTITE_ENFANT, "carnet de santé"], (Piece.IDENTITE_ENFANT,),
         ("carnet de santé",), "directeur d'école"),
        (["certificat de radiation"], (), ("certificat de radiation",), "nouvelle école"),
        (["avis d'imposition"], (), ("avis d'imposition",), "restauration"),
        (["attestation CAF"], (), ("attestation CAF",), "D131-3-1"),
        (["livret de famille"], (), ("livret de famille",), "colonne A"),
        (["quittance de loyer"], (), ("quittance de loyer",), "tout moyen"),
        (["assurance scolaire"], (), ("assurance scolaire",), "D131-3-1"),
        (["photo d'identité", "RIB"], (), ("photo d'identité", "RIB"), "D131-3-1"),
        (["justificatif_domicile", "justificatif de domicile"], (Piece.JUSTIFICATIF_DOMICILE,),
         ("justificatif de domicile",), "déjà demandée"),
        ([], (), (), None),
    ],
)
def test_check_requested_pieces(requested, accepted, rejected_names, reason_fragment):
    check = check_requested_pieces(requested)
    assert check.accepted == accepted
    assert tuple(r.name for r in check.rejected) == rejected_names
    assert check.ok is (not rejected_names)
    for rejected in check.rejected:
        assert reason_fragment in fr(rejected.reason)


def test_accepted_pieces_never_exceed_d131_3_1():
    everything = ["identite_enfant", "identite_responsables", "justificatif_domicile",
                  "carnet de santé", "avis d'imposition", "jugement de divorce",
                  "certificat de radiation", "livret de famille", "facture", "n'importe quoi"]
    check = check_requested_pieces(everything)
    allowed = {s.piece for s in pieces_allowed()}
    assert set(check.accepted) <= allowed
    assert len(check.accepted) + len(check.rejected) == len(everything)


@pytest.mark.parametrize(
    ("provided", "missing_count"),
    [
        ([], 3),
        ([Piece.IDENTITE_ENFANT], 2),
        (list(Piece), 0),
        (["justificatif de domicile", "inconnu"], 2),
    ],
)
def test_missing_pieces(provided, missing_count):
    messages = missing_pieces(provided)
    assert len(messages) == missing_count
    assert all("attestation sur l'honneur" in fr(m) for m in messages)
    assert all("a sworn statement is enough" in en(m) for m in messages)


# ---------------------------------------------------------------------------
# Carte scolaire — §3.3 (L212-7)
# ---------------------------------------------------------------------------

CARTE = (
    SectorRule("Rue des Lilas", 1, 99, "impair", "LILAS-A"),
    SectorRule("Rue des Lilas", 2, 98, "pair", "LILAS-B"),
    SectorRule("Avenue Jean-Jaurès", 1, None, "tous", "JAURES"),
    SectorRule("Avenue Jean-Jaurès", 10, 20, Side.PAIR, "PASTEUR"),  # exception inside
    SectorRule("Boulevard de l'Église", 1, 50, "tous", "EGLISE-1"),
    SectorRule("Boulevard de l'Église", 40, 60, "tous", "EGLISE-2"),  # narrower overlap
    SectorRule("Rue Saint-Exupéry", 1, 20, "tous", "EXUP-1"),
    SectorRule("Rue Saint-Exupéry", 11, 30, "tous", "EXUP-2"),  # same size: conflict 11–20
    SectorRule("Rue Saint-Exupéry", 5, 25, "tous", "EXUP-1"),
    SectorRule("Place du Général de Gaulle", 1, None, "tous", "CENTRE"),
    SectorRule("Chemin des Écoliers", 1, 9, "impair", "CHEMIN"),
    SectorRule("Chemin des Écoliers", 1, 9, "impair", "CHEMIN"),  # duplicate, same school
)


@pytest.mark.parametrize(
    ("street", "number", "school"),
    [
        # odd / even sides, bounds inclusive
        ("Rue des Lilas", 1, "LILAS-A"),
        ("Rue des Lilas", 99, "LILAS-A"),
        ("Rue des Lilas", 2, "LILAS-B"),
        ("Rue des Lilas", 98, "LILAS-B"),
        ("Rue des Lilas", 51, "LILAS-A"),
        ("Rue des Lilas", 50, "LILAS-B"),
        # abbreviations, case, accents, hyphens, inverted form, bis/ter
        ("r. des lilas", 3, "LILAS-A"),
        ("RUE DES LILAS", "15 bis", "LILAS-A"),
        ("R des Lilas", "16B", "LILAS-B"),
        ("Lilas (rue des)", 4, "LILAS-B"),
        ("  rue   des  lilas ", 5, "LILAS-A"),
        ("av. jean jaures", 11, "JAURES"),
        ("Ave Jean-Jaures", 1000, "JAURES"),
        ("AV JEAN JAURÈS", 12, "PASTEUR"),  # most specific rule wins
        ("avenue Jean Jaurès", 10, "PASTEUR"),
        ("avenue Jean Jaurès", 20, "PASTEUR"),
        ("avenue Jean Jaurès", 22, "JAURES"),
        ("avenue Jean Jaurès", 13, "JAURES"),
        ("bd de l'eglise", 30, "EGLISE-1"),
        ("Bd de l Église", 45, "EGLISE-2"),
        ("Boulevard de l'Eglise", 50, "EGLISE-2"),
        ("boulevard de l-eglise", 60, "EGLISE-2"),
        ("pl. du gal de gaulle", 7, "CENTRE"),
        ("Place du Gén. de Gaulle", 8, "CENTRE"),
        ("ch. des ecoliers", 9, "CHEMIN"),
        ("rue st exupery", 3, "EXUP-1"),
        ("Rue St-Exupéry", 22, "EXUP-2"),  # 11–30 (20 numbers) beats 5–25 (21 numbers)
        ("Rue Saint Exupery", 26, "EXUP-2"),
    ],
)
def test_sector_school_found(street, number, school):
    result = sector_school(CARTE, street, number)
    assert result.found
    assert result.school_code == school
    assert result.message == ""


@pytest.mark.parametrize(
    ("street", "number", "fragment", "candidates"),
    [
        ("Rue des Acacias", 3, UNKNOWN_STREET_MESSAGE, ()),
        ("", 3, UNKNOWN_STREET_MESSAGE, ()),
        (None, 3, UNKNOWN_STREET_MESSAGE, ()),
        ("   ", None, UNKNOWN_STREET_MESSAGE, ()),
        ("Rue des Lilas", 101, "non couvert", ()),  # past the odd range
        ("Rue des Lilas", 100, "non couvert", ()),  # past the even range
        ("Chemin des Écoliers", 2, "non couvert", ()),  # wrong side
        ("Rue des Lilas", 0, "numéro absent ou illisible", ("LILAS-A", "LILAS-B")),
        ("Rue des Lilas", None, "numéro absent ou illisible", ("LILAS-A", "LILAS-B")),
        ("Rue des Lilas", "s/n", "numéro absent ou illisible", ("LILAS-A", "LILAS-B")),
        ("Rue Saint-Exupéry", 15, "plusieurs écoles possibles", ("EXUP-1", "EXUP-2")),
    ],
)
def test_sector_school_manual_assignment(street, number, fragment, candidates):
    result = sector_school(CARTE, street, number)
    assert not result.found
    assert result.school_code is None
    assert fr(fragment) in fr(result.message)
    assert fr(result.message).endswith("affectation manuelle")
    assert en(result.message).endswith("manual assignment")
    assert result.candidates == candidates


def test_unknown_street_message_is_exact():
    assert fr(UNKNOWN_STREET_MESSAGE) == "rue inconnue de la carte scolaire : affectation manuelle"
    assert en(UNKNOWN_STREET_MESSAGE) == "street unknown to the carte scolaire: manual assignment"
    assert sector_school(CARTE, "Impasse inconnue", 1).message == UNKNOWN_STREET_MESSAGE
    assert sector_school((), "Rue des Lilas", 1).message == UNKNOWN_STREET_MESSAGE


def test_sector_school_without_number_single_school_street():
    assert sector_school(CARTE, "place du general de gaulle", None).school_code == "CENTRE"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("Rue des Lilas", "rue des lilas"),
        ("R. des Lilas", "rue des lilas"),
        ("Av. Jean-Jaurès", "avenue jean jaures"),
        ("BD Saint-Michel", "boulevard saint michel"),
        ("bd st michel", "boulevard saint michel"),
        ("Rue Ste-Anne", "rue sainte anne"),
        ("Allée de l'Œuvre", "allee de l oeuvre"),
        ("all. de l'oeuvre", "allee de l oeuvre"),
        ("Imp. du Dr Roux", "impasse du docteur roux"),
        ("Lilas (Rue des)", "rue des lilas"),
        ("rue du 8 Mai 1945", "rue du 8 mai 1945"),
        ("Grande Rue", "grande rue"),  # "rue" not first: no change
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_street(raw, normalized):
    assert normalize_street(raw) == normalized


@pytest.mark.parametrize(
    ("raw", "number"),
    [(12, 12), ("12", 12), ("12 bis", 12), ("12B", 12), ("12-14", 12), (" 7 ter", 7),
     (0, None), (-3, None), ("bis", None), (None, None), (True, None)],
)
def test_parse_house_number(raw, number):
    assert parse_house_number(raw) == number


def test_carte_scolaire_problems():
    problems = carte_scolaire_problems(
        CARTE + (SectorRule("Rue Haute", 10, 2, "tous", "X"), SectorRule("", 1, 3, "tous", ""))
    )
    joined = "\n".join(fr(problem) for problem in problems)
    assert "EXUP-1 / EXUP-2" in joined
    assert "bornes inversées" in joined
    assert "règle sans nom de rue" in joined
    assert "règle sans école" in joined
    # side-restricted exceptions and narrower ranges are not conflicts
    assert "PASTEUR" not in joined and "EGLISE" not in joined and "LILAS" not in joined


def test_sector_rule_rejects_unknown_side():
    with pytest.raises(ValueError):
        SectorRule("Rue X", 1, 3, "gauche", "A")


# ---------------------------------------------------------------------------
# Dérogations — §3.3 (L212-7, L212-8, R212-21)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("home", "school", "reason", "scope", "contribution", "r212_21_case"),
    [
        ("75056", "75056", DerogationReason.CONVENANCE_PERSONNELLE,
         DerogationScope.INTRA_COMMUNE, Contribution.SANS_OBJET, None),
        ("Saint-Denis", "saint denis", DerogationReason.RAISON_MEDICALE,
         DerogationScope.INTRA_COMMUNE, Contribution.SANS_OBJET, None),
        ("93066", "93048", DerogationReason.PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE,
         DerogationScope.INTER_COMMUNE, Contribution.OBLIGATOIRE, 1),
        ("93066", "93048", "frere_ou_soeur_scolarise",
         DerogationScope.INTER_COMMUNE, Contribution.OBLIGATOIRE, 2),
        ("93066", "93048", DerogationReason.RAISON_MEDICALE,
         DerogationScope.INTER_COMMUNE, Contribution.OBLIGATOIRE, 3),
        ("93066", "93048", DerogationReason.CAPACITE_INSUFFISANTE,
         DerogationScope.INTER_COMMUNE, Contribution.OBLIGATOIRE, None),
        ("93066", "93048", DerogationReason.CONTINUITE_DE_CYCLE,
         DerogationScope.INTER_COMMUNE, Contribution.MAINTENUE, None),
        ("93066", "93048", DerogationReason.CONVENANCE_PERSONNELLE,
         DerogationScope.INTER_COMMUNE, Contribution.SUR_ACCORD, None),
    ],
)
def test_derogation_case(home, school, reason, scope, contribution, r212_21_case):
    case = derogation_case(home, school, reason)
    assert case.scope == scope
    assert case.contribution == contribution
    assert case.r212_21_case == r212_21_case
    assert case.home_commune_must_contribute is (contribution is Contribution.OBLIGATOIRE)
    assert case.legal_basis
    if scope is DerogationScope.INTRA_COMMUNE:
        assert fr(case.decided_by).startswith("le maire de la commune")
        assert en(case.decided_by).startswith("the maire of the commune")
    if r212_21_case is not None:
        assert f"R212-21 {r212_21_case}°" in case.legal_basis
        assert any("2 semaines" in fr(note) for note in case.notes)
        assert any("within 2 weeks" in en(note) for note in case.notes)


def test_derogation_rejects_unknown_reason_and_missing_commune():
    with pytest.raises(ValueError):
        derogation_case("93066", "93048", "parce que")
    with pytest.raises(ValueError):
        derogation_case("", "93048", DerogationReason.RAISON_MEDICALE)


# ---------------------------------------------------------------------------
# Restauration scolaire / périscolaire — §3.4 (L131-13, CE 22 mars 2021, TA Besançon 2017)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enrolled", "capacity", "allowed"),
    [(0, 120, False), (119, 120, False), (120, 120, True), (125, 120, True), (0, 0, True)],
)
def test_canteen_and_periscolaire_refusal_only_at_capacity(enrolled, capacity, allowed):
    assert canteen_refusal_allowed(enrolled, capacity) is allowed
    assert periscolaire_refusal_allowed(enrolled, capacity) is allowed


@pytest.mark.parametrize("func", [canteen_refusal_allowed, periscolaire_refusal_allowed])
def test_refusal_rejects_negative_counts(func):
    with pytest.raises(ValueError):
        func(-1, 10)


GRID = TariffGrid((
    Tranche(D("0"), D("500"), D("0.80"), "T1"),
    Tranche(D("501"), D("1000"), D("1.00"), "T2"),
    Tranche(D("1001"), D("1800"), D("2.90"), "T3"),
    Tranche(D("1801"), None, D("4.20"), "T4"),
))


@pytest.mark.parametrize(
    ("qf", "label"),
    [
        (0, "T1"), (500, "T1"), (D("500.99"), "T1"),  # rounded down to the euro
        (501, "T2"), (1000, "T2"), (1001, "T3"), (1800, "T3"), (1801, "T4"), (99999, "T4"),
    ],
)
def test_tariff_for_at_tranche_bounds(qf, label):
    tranche = tariff_for(qf, GRID)
    assert tranche is not None and tranche.label == label


def test_tariff_for_prices_are_decimal():
    tranche = tariff_for(1000, GRID)
    assert tranche is not None and tranche.price == D("1.00")
    assert isinstance(tranche.price, D)


def test_tariff_for_unknown_qf_gap_overlap_negative():
    assert tariff_for(None, GRID) is None
    gap = TariffGrid((Tranche(0, 500, 1), Tranche(600, None, 2)))
    assert tariff_for(550, gap) is None
    overlap = TariffGrid((Tranche(0, 500, 1), Tranche(400, None, 2)))
    with pytest.raises(ValueError):
        tariff_for(450, overlap)
    with pytest.raises(ValueError):
        tariff_for(-1, GRID)


def test_tariff_for_cent_grid():
    grid = TariffGrid(
        (Tranche(D("0"), D("500.00"), D("1")), Tranche(D("500.01"), None, D("2"))),
        unit=D("0.01"),
    )
    assert tariff_for(D("500.004"), grid).price == D("1")
    assert tariff_for(D("500.01"), grid).price == D("2")
    assert validate_grid(grid, min_tranches=2) == ()


def test_tranche_refuses_float():
    with pytest.raises(TypeError):
        Tranche(0, 500, 1.5)


def _grid(*rows):
    return TariffGrid(tuple(Tranche(D(a), None if b is None else D(b), D(p)) for a, b, p in rows))


@pytest.mark.parametrize(
    ("grid", "kwargs", "fragments"),
    [
        (GRID, {}, ()),
        (GRID, {"cantine_a_un_euro": True}, ()),
        (_grid(("0", None, "3")), {"min_tranches": 1}, ()),  # flat tariff, option off
        (_grid(("0", "800", "1"), ("801", None, "3")), {},
         ("2 tranche(s) : au moins 3",)),
        (_grid(("0", "800", "1"), ("801", None, "3")),
         {"min_tranches": 1, "cantine_a_un_euro": True},
         ("au moins 3 tranches sont requises (condition de l'aide « cantine à 1 € »)",)),
        (TariffGrid(()), {}, ("aucune tranche",)),
        (_grid(("0", "500", "1"), ("600", "1000", "2"), ("1001", None, "3")), {},
         ("trou entre", "QF de 501 € à 599 €")),
        (_grid(("0", "500", "1"), ("500", "1000", "2"), ("1001", None, "3")), {},
         ("chevauchement", "QF de 500 € à 500 €")),
        (_grid(("0", "2000", "1"), ("100", "200", "2"), ("2001", None, "3")), {},
         ("chevauchement",)),
        (_grid(("0", None, "1"), ("501", "1000", "2"), ("1001", None, "3")), {},
         ("chevauchement",)),
        (_grid(("100", "500", "1"), ("501", "1000", "2"), ("1001", None, "3")), {},
         ("aucun tarif pour un QF inférieur à 100 €",)),
        (_grid(("0", "500", "1"), ("501", "1000", "2"), ("1001", "3000", "3")), {},
         ("aucun tarif pour un QF supérieur à 3 000 €",)),
        (_grid(("0", "500", "1"), ("501", "400", "2"), ("1001", None, "3")), {},
         ("bornes inversées",)),
        (_grid(("0", "500", "-1"), ("501", "1000", "2"), ("1001", None, "3")), {},
         ("tarif négatif",)),
        (GRID, {"cost_per_user": D("4")}, ("supérieur au coût par usager", "R531-52")),
        # cantine à 1 €
        (_grid(("0", "500", "1.50"), ("501", "1000", "2"), ("1001", None, "3")),
         {"cantine_a_un_euro": True},
         ("aucune tranche à 1 € ou moins", "s'applique à des QF ≤ 1 000 €")),
        (_grid(("0", "500", "0.5"), ("501", "1000", "1"), ("1001", None, "1")),
         {"cantine_a_un_euro": True}, ("aucune tranche à plus de 1 €",)),
        (_grid(("0", "500", "0.5"), ("501", "999", "1"), ("1000", None, "3")),
         {"cantine_a_un_euro": True}, ("tranche « QF ≥ 1 000 € » s'applique à des QF ≤ 1 000 €",)),
        (_grid(("0", "500", "0.5"), ("501", "1200", "2"), ("1201", None, "3")),
         {"cantine_a_un_euro": True}, ("QF 501 € – 1 200 €",)),
        # the ≤ 1 € conditions are not checked when the option is off
        (_grid(("0", "500", "1.50"), ("501", "1000", "2"), ("1001", None, "3")), {}, ()),
    ],
)
def test_validate_grid(grid, kwargs, fragments):
    problems = validate_grid(grid, **kwargs)
    if not fragments:
        assert problems == ()
    joined = "\n".join(fr(problem) for problem in problems)
    for fragment in fragments:
        assert fragment in joined, joined


@pytest.mark.parametrize(
    ("day", "egalim", "aid"),
    [
        (date(2020, 12, 31), False, None),
        (date(2021, 1, 1), False, D("3")),
        (date(2023, 12, 31), True, D("3")),
        (date(2024, 1, 1), True, D("4")),
        (date(2024, 1, 1), False, D("3")),
    ],
)
def test_cantine_a_un_euro_aid_per_meal(day, egalim, aid):
    assert cantine_a_un_euro_aid_per_meal(day, egalim=egalim) == aid


# ---------------------------------------------------------------------------
# Purity
# ---------------------------------------------------------------------------


def test_rules_module_is_pure():
    """The rules package imports the standard library and grc_core.plugin_api only (no other grc_core module)."""
    package = Path(rules.__file__).parent
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    modules = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a module of the package itself
                assert node.level == 1 and (package / f"{node.module}.py").is_file(), "import from outside"
                continue
            assert node.module
            modules.add(node.module)
    grc_core = {m for m in modules if m.split(".")[0] == "grc_core"}
    assert grc_core == {"grc_core.plugin_api"}
    roots = {m.split(".")[0] for m in modules - grc_core}
    assert roots - {"dateutil", "__future__"} <= set(sys.stdlib_module_names)


def test_the_explanations_read_in_english():
    """An English agent reads the rules' explanations in English: legal names stay French, dates and amounts
    are Babel's."""
    assert en(level_for(date(2024, 1, 1), Y2025).reason) == (
        "too young for 2025-2026 (born on 1/1/24): petite section at the rentrée 2027 (C. éduc. L131-5), toute petite "
        "section at the earliest at the rentrée 2026 if 2 years old that day and within the places (C. éduc. D113-1).")
    assert fr(level_for(date(2024, 1, 1), Y2025).reason) == (
        "trop jeune pour 2025-2026 (né(e) le 01/01/2024) : petite section à la rentrée 2027 (C. éduc. L131-5), toute "
        "petite section au plus tôt à la rentrée 2026 s'il a 2 ans révolus ce jour-là et dans la limite des places "
        "(C. éduc. D113-1).")
    grid = rules.TariffGrid((rules.Tranche(D("0"), D("500"), D("1")), rules.Tranche(D("600"), None, D("3"))))
    assert [en(problem) for problem in validate_grid(grid, min_tranches=1)] == [
        "gap between the tranches « QF 0 € – 500 € » and « QF ≥ 600 € »: no price for a QF from €501 to €599"]  # names: data
