"""Tests of the pure legal rules of the état civil plugin (plugins/etat_civil/rules/).

No database: only dates and plain values.  Sources are cited in the
docstrings of the rules modules; the tables below follow shared/reference/domain_rules.md.
The explanations are read in French (the catalog's French, through a bare Flask
app with Babel: ``fr``) and, for representative cases, in English (``en``).
"""

from __future__ import annotations

import ast
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from grc_core.plugin_api import LocalDate, is_working_day, next_working_day
from grc_core.plugin_api.testing import rules_locale
from plugins.etat_civil import rules
from plugins.etat_civil.rules import (
    ActKind,
    DocumentKind,
    Eligibility,
    EligibilityInput,
    LivretRequester,
    RecensementStatus,
    RequesterQuality,
    RequestField,
)

Q = RequesterQuality


def fr(text) -> str | None:
    """An explanation as a French reader sees it (None stays None)."""
    if text is None:
        return None
    with rules_locale("fr", "etat_civil"):
        return str(text)


def en(text) -> str:
    with rules_locale("en", "etat_civil"):
        return str(text)

A = ActKind
D = DocumentKind
F = RequestField

# ---------------------------------------------------------------------------
# Expected refusal reasons (exact French sentences)
# ---------------------------------------------------------------------------

ART30 = "(décret n° 2017-890, art. 30)"
R_TIERS_N = f"Un tiers ne peut obtenir qu'un extrait sans filiation d'un acte de naissance {ART30}."
R_TIERS_M = f"Un tiers ne peut obtenir qu'un extrait sans filiation d'un acte de mariage {ART30}."
R_TIERS_R = f"Un tiers ne peut pas obtenir la copie intégrale d'un acte de reconnaissance {ART30}."
R_HERITIER_N = f"Un héritier ne peut obtenir qu'un extrait sans filiation d'un acte de naissance {ART30}."
R_HERITIER_M = f"Un héritier ne peut obtenir qu'un extrait sans filiation d'un acte de mariage {ART30}."
R_MINOR_CI = (
    "Un mineur non émancipé ne peut pas obtenir lui-même la copie intégrale de son acte de "
    f"naissance : la demande doit être faite par son représentant légal {ART30}."
)
R_MINOR_EAF = (
    "Un mineur non émancipé ne peut pas obtenir lui-même un extrait avec filiation de son acte "
    f"de naissance : la demande doit être faite par son représentant légal {ART30}."
)
R_MINOR_RECO = (
    "Un mineur non émancipé ne peut pas obtenir lui-même la copie intégrale de l'acte de "
    f"reconnaissance le concernant : la demande doit être faite par son représentant légal {ART30}."
)
R_MINOR_MARIAGE = (
    "Un mineur marié est émancipé de plein droit (code civil, art. 413-1) : enregistrez la "
    "demande en qualité de personne concernée majeure ou émancipée."
)
R_NA_DECES = (
    "La qualité « personne concernée » est sans objet pour un acte de décès : enregistrez la "
    "qualité réelle du demandeur (la copie intégrale d'un acte de décès peut être délivrée à "
    "toute personne, décret n° 2017-890, art. 30)."
)
R_NA_ESV = (
    "La qualité « personne concernée » est sans objet pour un acte d'enfant sans vie : "
    "enregistrez la qualité réelle du demandeur (la copie intégrale d'un acte d'enfant sans vie "
    "peut être délivrée à toute personne, décret n° 2017-890, art. 30)."
)
R_ADMIN = (
    "Une administration ne peut obtenir ce document que si un texte législatif ou réglementaire "
    f"l'y autorise et si sa demande cite expressément ce texte {ART30}."
)
R_GENEALOGISTE = (
    "Un généalogiste ne peut obtenir ce document que s'il justifie de l'autorisation de "
    "consultation des actes délivrée par l'administration des archives et d'un mandat d'un "
    "notaire, d'un organisme d'assurance ou d'une personne ayant un intérêt direct et légitime "
    f"{ART30}."
)

# ---------------------------------------------------------------------------
# §1.2 — the full matrix: every row (quality) × every column (act, document)
# ---------------------------------------------------------------------------

COLUMNS = (
    (A.NAISSANCE, D.COPIE_INTEGRALE),
    (A.NAISSANCE, D.EXTRAIT_AVEC_FILIATION),
    (A.NAISSANCE, D.EXTRAIT_SANS_FILIATION),
    (A.MARIAGE, D.COPIE_INTEGRALE),
    (A.MARIAGE, D.EXTRAIT_AVEC_FILIATION),
    (A.MARIAGE, D.EXTRAIT_SANS_FILIATION),
    (A.DECES, D.COPIE_INTEGRALE),
    (A.RECONNAISSANCE, D.COPIE_INTEGRALE),
)
Y = None  # allowed
ALL_Y = (Y,) * 8

# Row order and cells follow domain_rules.md §1.2 (n/a cells → "inconsistent entry" refusal,
# "?" cells → documented default, refused).
MATRIX: dict[RequesterQuality, tuple[str | None, ...]] = {
    #                    N.CI        N.EAF        N.ESF  M.CI             M.EAF            M.ESF            D.CI        R.CI
    Q.INTERESSE_MAJEUR: (Y,          Y,           Y,     Y,               Y,               Y,               R_NA_DECES, Y),
    Q.INTERESSE_MINEUR: (R_MINOR_CI, R_MINOR_EAF, Y,     R_MINOR_MARIAGE, R_MINOR_MARIAGE, R_MINOR_MARIAGE, R_NA_DECES, R_MINOR_RECO),
    Q.CONJOINT: ALL_Y,
    Q.PARTENAIRE_PACS: ALL_Y,
    Q.ASCENDANT: ALL_Y,
    Q.DESCENDANT: ALL_Y,
    Q.REPRESENTANT_LEGAL: ALL_Y,
    Q.MANDATAIRE: ALL_Y,
    Q.HERITIER:         (R_HERITIER_N, R_HERITIER_N, Y,  R_HERITIER_M,    R_HERITIER_M,    Y,               Y,          Y),
    Q.AVOCAT: ALL_Y,
    Q.PROCUREUR: ALL_Y,
    Q.OFFICIER_ETAT_CIVIL: ALL_Y,
    Q.AUTORITE_NATIONALITE: ALL_Y,
    Q.NOTAIRE: ALL_Y,
    Q.ADMINISTRATION: ALL_Y,  # with the legal basis cited, see ROW_KWARGS
    Q.GENEALOGISTE: ALL_Y,    # with authorisation + mandate, see ROW_KWARGS
    Q.TIERS:            (R_TIERS_N,  R_TIERS_N,   Y,     R_TIERS_M,       R_TIERS_M,       Y,               Y,          R_TIERS_R),
}
ROW_KWARGS = {
    Q.ADMINISTRATION: {"administration_legal_basis": "Code des pensions civiles et militaires de retraite, art. D. 25"},
    Q.GENEALOGISTE: {"genealogist_archives_authorisation": True, "genealogist_mandate": True},
}

MATRIX_CASES = [
    pytest.param(quality, act, doc, expected, id=f"{quality}-{act}-{doc}")
    for quality, row in MATRIX.items()
    for (act, doc), expected in zip(COLUMNS, row, strict=True)
]


def test_matrix_covers_every_quality():
    assert set(MATRIX) == set(RequesterQuality)


@pytest.mark.parametrize(("quality", "act", "doc", "expected_reason"), MATRIX_CASES)
def test_eligibility_matrix(quality, act, doc, expected_reason):
    result = rules.check_eligibility(EligibilityInput(act, doc, quality, **ROW_KWARGS.get(quality, {})))
    if expected_reason is None:
        assert result.allowed is True
        assert fr(result.reason) is None
    else:
        assert result.allowed is False
        assert fr(result.reason) == expected_reason
    assert result.archive_access is False


@pytest.mark.parametrize(
    ("act", "doc", "kwargs"),
    [
        (A.NAISSANCE, D.EXTRAIT_AVEC_FILIATION, {"minor_may_obtain_extrait_avec_filiation": True}),
        (A.RECONNAISSANCE, D.COPIE_INTEGRALE, {"minor_may_obtain_reconnaissance_copy": True}),
    ],
)
def test_question_mark_cells_can_be_overridden_by_a_commune_setting(act, doc, kwargs):
    assert rules.check_eligibility(EligibilityInput(act, doc, Q.INTERESSE_MINEUR, **kwargs)).allowed is True


def test_minor_copie_integrale_is_not_opened_by_the_eaf_setting():
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.COPIE_INTEGRALE, Q.INTERESSE_MINEUR,
        minor_may_obtain_extrait_avec_filiation=True,
    ))
    assert fr(result.reason) == R_MINOR_CI


# -- enfant sans vie (décret 2017-890 art. 30, last paragraph): anyone, "intéressé" n/a ---------

@pytest.mark.parametrize("quality", list(RequesterQuality), ids=str)
def test_enfant_sans_vie_copie_integrale(quality):
    result = rules.check_eligibility(EligibilityInput(A.ENFANT_SANS_VIE, D.COPIE_INTEGRALE, quality))
    if quality in (Q.INTERESSE_MAJEUR, Q.INTERESSE_MINEUR):
        assert (result.allowed, fr(result.reason)) == (False, R_NA_ESV)
    else:
        assert (result.allowed, fr(result.reason)) == (True, None)


# -- §1.1 documents not available for the act ---------------------------------------------------

NOT_AVAILABLE = [
    (act, doc, f"Seule la copie intégrale peut être délivrée pour {label} : {doc_label} n'existe pas pour cet acte.")
    for act, label in (
        (A.DECES, "un acte de décès"),
        (A.RECONNAISSANCE, "un acte de reconnaissance"),
        (A.ENFANT_SANS_VIE, "un acte d'enfant sans vie"),
    )
    for doc, doc_label in (
        (D.EXTRAIT_AVEC_FILIATION, "un extrait avec filiation"),
        (D.EXTRAIT_SANS_FILIATION, "un extrait sans filiation"),
        (D.EXTRAIT_PLURILINGUE, "un extrait plurilingue"),
    )
]


@pytest.mark.parametrize(("act", "doc", "reason"), NOT_AVAILABLE)
@pytest.mark.parametrize("quality", [Q.INTERESSE_MAJEUR, Q.NOTAIRE, Q.TIERS])
def test_document_not_available_for_the_act(act, doc, reason, quality):
    result = rules.check_eligibility(EligibilityInput(act, doc, quality))
    assert (result.allowed, fr(result.reason)) == (False, reason)


@pytest.mark.parametrize(
    ("act", "expected"),
    [
        (A.NAISSANCE, (D.COPIE_INTEGRALE, D.EXTRAIT_AVEC_FILIATION, D.EXTRAIT_SANS_FILIATION, D.EXTRAIT_PLURILINGUE)),
        (A.MARIAGE, (D.COPIE_INTEGRALE, D.EXTRAIT_AVEC_FILIATION, D.EXTRAIT_SANS_FILIATION, D.EXTRAIT_PLURILINGUE)),
        (A.DECES, (D.COPIE_INTEGRALE,)),
        (A.RECONNAISSANCE, (D.COPIE_INTEGRALE,)),
        (A.ENFANT_SANS_VIE, (D.COPIE_INTEGRALE,)),
    ],
)
def test_available_documents(act, expected):
    assert rules.available_documents(act) == expected


# -- extrait plurilingue ("?" rule: follows the extrait avec filiation by default) ---------------

def test_plurilingue_follows_extrait_avec_filiation_by_default():
    refused = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.EXTRAIT_PLURILINGUE, Q.TIERS))
    assert refused.allowed is False
    assert fr(refused.reason) == (
        "L'extrait plurilingue suit les règles applicables à un extrait avec filiation. " + R_TIERS_N
    )
    assert rules.check_eligibility(EligibilityInput(A.MARIAGE, D.EXTRAIT_PLURILINGUE, Q.CONJOINT)).allowed is True


def test_plurilingue_setting_can_make_it_free():
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.EXTRAIT_PLURILINGUE, Q.TIERS, plurilingue_as=D.EXTRAIT_SANS_FILIATION
    ))
    assert result.allowed is True


# -- administration must cite its legal basis ----------------------------------------------------

@pytest.mark.parametrize("basis", [None, "", "   "])
@pytest.mark.parametrize(
    ("act", "doc"),
    [(A.NAISSANCE, D.COPIE_INTEGRALE), (A.MARIAGE, D.EXTRAIT_AVEC_FILIATION), (A.RECONNAISSANCE, D.COPIE_INTEGRALE)],
)
def test_administration_without_legal_basis_is_refused(basis, act, doc):
    result = rules.check_eligibility(EligibilityInput(act, doc, Q.ADMINISTRATION, administration_legal_basis=basis))
    assert (result.allowed, fr(result.reason)) == (False, R_ADMIN)


@pytest.mark.parametrize(
    ("act", "doc"), [(A.NAISSANCE, D.EXTRAIT_SANS_FILIATION), (A.DECES, D.COPIE_INTEGRALE)]
)
def test_administration_needs_no_basis_for_documents_open_to_anyone(act, doc):
    assert rules.check_eligibility(EligibilityInput(act, doc, Q.ADMINISTRATION)).allowed is True


# -- généalogiste: authorisation AND mandate -----------------------------------------------------

@pytest.mark.parametrize(("authorisation", "mandate"), [(False, False), (True, False), (False, True)])
def test_genealogist_needs_authorisation_and_mandate(authorisation, mandate):
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.COPIE_INTEGRALE, Q.GENEALOGISTE,
        genealogist_archives_authorisation=authorisation, genealogist_mandate=mandate,
    ))
    assert (result.allowed, fr(result.reason)) == (False, R_GENEALOGISTE)


# -- avocat: what the client may obtain ----------------------------------------------------------

def test_avocat_without_client_quality_is_allowed_but_flagged_for_restricted_documents():
    result = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.AVOCAT))
    assert result.allowed is True
    assert result.needs_manual_review is True
    assert fr(result.review_note) == (
        "Vérifier que le client de l'avocat est lui-même en droit d'obtenir ce document "
        "(décret n° 2017-890, art. 30)."
    )
    free = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.EXTRAIT_SANS_FILIATION, Q.AVOCAT))
    assert free.needs_manual_review is False


def test_avocat_gets_what_the_client_may_obtain():
    ok = rules.check_eligibility(
        EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.AVOCAT, avocat_client_quality=Q.DESCENDANT))
    assert (ok.allowed, ok.needs_manual_review) == (True, False)
    refused = rules.check_eligibility(
        EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.AVOCAT, avocat_client_quality=Q.TIERS))
    assert refused.allowed is False
    assert fr(refused.reason) == (
        "Un avocat ne peut obtenir que les actes que son client est légalement fondé à requérir "
        f"{ART30}. Motif pour le client : {R_TIERS_N}"
    )


def test_avocat_client_cannot_be_avocat():
    with pytest.raises(ValueError):
        rules.check_eligibility(
            EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.AVOCAT, avocat_client_quality=Q.AVOCAT))


def test_plain_strings_are_accepted():
    result = rules.check_eligibility(EligibilityInput("naissance", "extrait_sans_filiation", "tiers"))
    assert result.allowed is True
    assert Q.PARTENAIRE_PACS == "partenaire_pacs"
    with pytest.raises(ValueError):
        rules.check_eligibility(EligibilityInput("naissance", "copie_integrale", "cousin"))


# ---------------------------------------------------------------------------
# §1.5 — archives (75 years from clôture, 25 years after death, minor 100-year flag)
# ---------------------------------------------------------------------------

CLOSED = date(1949, 12, 31)  # 75 years later: 31/12/2024 → open from 01/01/2025
MINOR_NOTE = (
    "Registre clos depuis plus de 75 ans, mais l'acte concerne une personne mineure : certaines "
    "sources appliquent un délai de 100 ans (code du patrimoine, art. L213-2 I 5°) alors que la "
    "CADA retient 75 ans à compter de la clôture. Un agent doit vérifier avant la délivrance."
)
NOT_YET = " Le registre ne sera librement communicable à toute personne qu'à compter du 1er janvier 2025 (code du patrimoine, art. L213-2)."


def test_archives_open_on():
    assert rules.archives_open_on(CLOSED) == date(2025, 1, 1)
    assert rules.archives_open_on(date(1950, 6, 15)) == date(2025, 6, 16)
    assert rules.archives_open_on(date(1980, 1, 1), person_died_on=date(1990, 5, 10)) == date(2015, 5, 11)
    # the 25-year rule only applies when it is shorter
    assert rules.archives_open_on(date(1940, 1, 1), person_died_on=date(2010, 1, 1)) == date(2015, 1, 2)


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2024, 12, 30), False),  # 75 years minus one day
        (date(2024, 12, 31), False),  # exactly 75 years: the delay expires at the end of this day
        (date(2025, 1, 1), True),     # 75 years plus one day
    ],
)
def test_archive_rule_edges_for_a_tiers(today, allowed):
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.COPIE_INTEGRALE, Q.TIERS, register_closed_on=CLOSED, today=today
    ))
    assert result.allowed is allowed
    if allowed:
        assert result.archive_access is True
        assert result.needs_manual_review is True  # birth act: concerns a minor, < 100 years
        assert fr(result.review_note) == MINOR_NOTE
    else:
        assert fr(result.reason) == R_TIERS_N + NOT_YET


def test_archive_rule_without_register_date_keeps_the_plain_reason():
    result = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.TIERS))
    assert fr(result.reason) == R_TIERS_N


def test_archive_rule_after_100_years_is_not_flagged():
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.EXTRAIT_AVEC_FILIATION, Q.TIERS,
        register_closed_on=date(1920, 12, 31), today=date(2021, 1, 1),
    ))
    assert (result.allowed, result.archive_access, result.needs_manual_review) == (True, True, False)
    flagged = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.EXTRAIT_AVEC_FILIATION, Q.TIERS,
        register_closed_on=date(1920, 12, 31), today=date(2020, 12, 31),
    ))
    assert (flagged.allowed, flagged.needs_manual_review) == (True, True)


def test_archive_rule_marriage_flags_only_when_it_concerns_a_minor():
    kwargs = dict(register_closed_on=date(1940, 6, 15), today=date(2015, 6, 16))
    plain = rules.check_eligibility(EligibilityInput(A.MARIAGE, D.COPIE_INTEGRALE, Q.TIERS, **kwargs))
    assert (plain.allowed, plain.archive_access, plain.needs_manual_review) == (True, True, False)
    minor = rules.check_eligibility(
        EligibilityInput(A.MARIAGE, D.COPIE_INTEGRALE, Q.TIERS, concerns_minor=True, **kwargs))
    assert (minor.allowed, minor.needs_manual_review, fr(minor.review_note)) == (True, True, MINOR_NOTE)


def test_archive_rule_applies_to_reconnaissance_and_heritiers():
    reco = rules.check_eligibility(EligibilityInput(
        A.RECONNAISSANCE, D.COPIE_INTEGRALE, Q.TIERS, register_closed_on=CLOSED, today=date(2025, 1, 1)
    ))
    assert (reco.allowed, reco.archive_access, reco.needs_manual_review) == (True, True, True)
    heir = rules.check_eligibility(EligibilityInput(
        A.MARIAGE, D.EXTRAIT_AVEC_FILIATION, Q.HERITIER, register_closed_on=CLOSED, today=date(2025, 1, 1)
    ))
    assert (heir.allowed, heir.archive_access) == (True, True)


@pytest.mark.parametrize(("today", "allowed"), [
    (date(2029, 2, 27), False),  # a death on 29 February 2004: 25 years end on 28 February 2029
    (date(2029, 2, 28), False),  # the delay expires at the end of this day
    (date(2029, 3, 1), True),
])
def test_archive_rule_25_years_after_a_death_on_29_february(today, allowed):
    assert rules.check_eligibility(EligibilityInput(
        A.MARIAGE, D.COPIE_INTEGRALE, Q.TIERS, register_closed_on=date(1960, 12, 31),
        person_died_on=date(2004, 2, 29), today=today)).allowed is allowed


TODAY_DEATH = date(2026, 6, 15)


@pytest.mark.parametrize(("act", "died_on", "act_on", "reason"), [
    (A.NAISSANCE, TODAY_DEATH, date(1930, 1, 1), None),  # died today
    (A.NAISSANCE, TODAY_DEATH + timedelta(days=1), date(1930, 1, 1),
     "La date de décès de la personne concernée ne peut pas être dans le futur."),
    (A.NAISSANCE, date(1930, 1, 1), date(1930, 1, 1), None),  # died on the day of birth
    (A.NAISSANCE, date(1929, 12, 31), date(1930, 1, 1),
     "La date de décès de la personne concernée ne peut pas précéder la naissance (1er janvier 1930)."),
    (A.MARIAGE, date(1960, 6, 4), date(1960, 6, 4), None),
    (A.MARIAGE, date(1960, 6, 3), date(1960, 6, 4),
     "La date de décès de la personne concernée ne peut pas précéder le mariage (4 juin 1960)."),
    (A.NAISSANCE, date(1990, 5, 10), None, None),  # act date not given: only today bounds it
    (A.RECONNAISSANCE, date(1950, 1, 1), date(1950, 3, 1), None),  # a reconnaissance may precede the birth
    (A.DECES, date(1990, 5, 10), date(1990, 5, 10),
     "La date de décès de la personne concernée ne sert que pour les actes de naissance, de reconnaissance et "
     "de mariage : les actes de décès sont communicables à toute personne."),
])
def test_check_person_death_date(act, died_on, act_on, reason):
    outcome = rules.check_person_death_date(act, died_on, act_on=act_on, today=TODAY_DEATH)
    assert outcome.allowed is (reason is None)
    assert fr(outcome.reason) == reason


@pytest.mark.parametrize(("today", "allowed"), [(date(2015, 5, 10), False), (date(2015, 5, 11), True)])
def test_archive_rule_25_years_after_death(today, allowed):
    result = rules.check_eligibility(EligibilityInput(
        A.NAISSANCE, D.COPIE_INTEGRALE, Q.TIERS,
        register_closed_on=date(1980, 12, 31), person_died_on=date(1990, 5, 10), today=today,
    ))
    assert result.allowed is allowed
    if allowed:
        assert (result.archive_access, result.needs_manual_review) == (True, False)
    else:
        assert fr(result.reason) == (
            R_TIERS_N + " Le registre ne sera librement communicable à toute personne qu'à compter "
            "du 11 mai 2015 (code du patrimoine, art. L213-2)."
        )


def test_entitled_persons_and_deaths_do_not_depend_on_the_register_date():
    recent = dict(register_closed_on=date(2020, 12, 31), today=date(2025, 1, 1))
    entitled = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.DESCENDANT, **recent))
    assert (entitled.allowed, entitled.archive_access) == (True, False)
    deces = rules.check_eligibility(EligibilityInput(A.DECES, D.COPIE_INTEGRALE, Q.TIERS, **recent))
    assert (deces.allowed, deces.archive_access) == (True, False)


def test_archive_rule_does_not_fix_na_cells():
    result = rules.check_eligibility(EligibilityInput(
        A.MARIAGE, D.COPIE_INTEGRALE, Q.INTERESSE_MINEUR, register_closed_on=CLOSED, today=date(2030, 1, 1)
    ))
    assert fr(result.reason) == R_MINOR_MARIAGE


# ---------------------------------------------------------------------------
# Eligibility invariants
# ---------------------------------------------------------------------------

def test_eligibility_invariants():
    with pytest.raises(ValueError):
        Eligibility(allowed=True, reason="x")
    with pytest.raises(ValueError):
        Eligibility(allowed=False)
    with pytest.raises(ValueError):
        Eligibility(allowed=True, needs_manual_review=True)
    with pytest.raises(AttributeError):
        Eligibility(allowed=True).allowed = False  # frozen


# ---------------------------------------------------------------------------
# §1.3 — required fields per act and document kind
# ---------------------------------------------------------------------------

PERSON = (F.NOM, F.PRENOMS, F.DATE_NAISSANCE, F.LIEU_NAISSANCE)
PARENTS = (F.NOM_PARENT_1, F.PRENOM_PARENT_1, F.NOM_PARENT_2, F.PRENOM_PARENT_2)


@pytest.mark.parametrize(
    ("act", "doc", "expected"),
    [
        (A.NAISSANCE, D.EXTRAIT_SANS_FILIATION, ("nom", "prenoms", "date_naissance", "lieu_naissance")),
        (A.MARIAGE, D.EXTRAIT_SANS_FILIATION, ("nom", "prenoms", "date_mariage", "lieu_mariage")),
        (A.NAISSANCE, D.COPIE_INTEGRALE, PERSON + PARENTS),
        (A.NAISSANCE, D.EXTRAIT_AVEC_FILIATION, PERSON + PARENTS),
        (A.NAISSANCE, D.EXTRAIT_PLURILINGUE, PERSON + PARENTS),
        (A.MARIAGE, D.COPIE_INTEGRALE, PERSON + PARENTS + (F.DATE_MARIAGE, F.LIEU_MARIAGE)),
        (A.MARIAGE, D.EXTRAIT_AVEC_FILIATION, PERSON + PARENTS + (F.DATE_MARIAGE, F.LIEU_MARIAGE)),
        (A.MARIAGE, D.EXTRAIT_PLURILINGUE, PERSON + PARENTS + (F.DATE_MARIAGE, F.LIEU_MARIAGE)),
        (A.RECONNAISSANCE, D.COPIE_INTEGRALE,
         ("nom_declarant", "prenoms_declarant", "date_reconnaissance", "lieu_reconnaissance")),
        (A.DECES, D.COPIE_INTEGRALE, ("nom", "prenoms", "date_deces", "lieu_deces")),
        (A.ENFANT_SANS_VIE, D.COPIE_INTEGRALE,
         ("nom_mere", "prenoms_mere", "date_accouchement", "lieu_accouchement")),
    ],
)
def test_required_fields(act, doc, expected):
    assert rules.required_fields(act, doc) == tuple(expected)


def test_required_fields_single_parent_and_plurilingue_setting():
    assert rules.required_fields(A.NAISSANCE, D.COPIE_INTEGRALE, single_parent=True) == (
        PERSON + (F.NOM_PARENT_1, F.PRENOM_PARENT_1)
    )
    assert rules.required_fields(
        A.NAISSANCE, D.EXTRAIT_PLURILINGUE, plurilingue_as=D.EXTRAIT_SANS_FILIATION
    ) == ("nom", "prenoms", "date_naissance", "lieu_naissance")


@pytest.mark.parametrize(("act", "doc", "_reason"), NOT_AVAILABLE)
def test_required_fields_rejects_unavailable_document(act, doc, _reason):
    with pytest.raises(ValueError):
        rules.required_fields(act, doc)


def test_field_names_are_canonical_snake_case_strings():
    for field in RequestField:
        assert isinstance(field, str) and field.value == field.value.lower()
        assert " " not in field.value
    assert rules.REQUESTER_FIELDS == (
        "demandeur_nom", "demandeur_prenoms", "demandeur_qualite", "demandeur_adresse", "canal"
    )


# ---------------------------------------------------------------------------
# §1.6 — marriage bans, residence, pieces freshness
# ---------------------------------------------------------------------------

PUBLISHED = date(2025, 3, 1)
R_TOO_EARLY = (
    "Le mariage ne peut pas être célébré avant le dixième jour suivant la publication des bans, "
    "jour de la publication non compris (code civil, art. 64) : au plus tôt le 11 mars 2025."
)
R_TOO_LATE = (
    "Le mariage n'a pas été célébré dans l'année suivant l'expiration du délai de publication : "
    "une nouvelle publication des bans est nécessaire (code civil, art. 65). La publication "
    "permettait une célébration jusqu'au 11 mars 2026."
)


def test_bans_timeline():
    assert rules.marriage_bans_timeline(PUBLISHED) == rules.BansTimeline(
        published_on=date(2025, 3, 1),
        posting_ends_on=date(2025, 3, 11),
        earliest_celebration=date(2025, 3, 11),
        latest_celebration=date(2026, 3, 11),
    )


def test_bans_timeline_leap_day():
    timeline = rules.marriage_bans_timeline(date(2024, 2, 19))
    assert timeline.earliest_celebration == date(2024, 2, 29)
    assert timeline.latest_celebration == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("celebration", "reason"),
    [
        (date(2025, 3, 1), R_TOO_EARLY),   # publication day
        (date(2025, 3, 10), R_TOO_EARLY),  # 9th day after publication
        (date(2025, 3, 11), None),         # 10th day after publication (day of publication excluded)
        (date(2026, 3, 11), None),         # last day of the year after the publication delay
        (date(2026, 3, 12), R_TOO_LATE),   # one day too late: new publication
    ],
)
def test_check_celebration_date(celebration, reason):
    result = rules.check_celebration_date(PUBLISHED, celebration)
    assert (result.allowed, fr(result.reason)) == (reason is None, reason)


def test_procureur_dispense_lifts_the_ten_day_delay_only():
    assert rules.check_celebration_date(PUBLISHED, date(2025, 3, 5), delay_dispensed_by_procureur=True).allowed
    late = rules.check_celebration_date(PUBLISHED, date(2026, 3, 12), delay_dispensed_by_procureur=True)
    assert fr(late.reason) == R_TOO_LATE


@pytest.mark.parametrize(
    ("started", "published", "expected"),
    [
        (date(2025, 1, 15), date(2025, 2, 14), False),  # one month minus one day
        (date(2025, 1, 15), date(2025, 2, 15), True),   # exactly one month
        (date(2025, 1, 31), date(2025, 2, 27), False),
        (date(2025, 1, 31), date(2025, 2, 28), True),   # month end clamped
        (date(2024, 1, 31), date(2024, 2, 29), True),
        (date(2025, 3, 1), date(2025, 2, 1), False),    # residence started after publication
    ],
)
def test_marriage_residence_one_month(started, published, expected):
    assert rules.marriage_residence_established(started, published) is expected


@pytest.mark.parametrize(
    ("issued", "on", "abroad", "expected"),
    [
        (date(2025, 1, 10), date(2025, 4, 9), False, True),
        (date(2025, 1, 10), date(2025, 4, 10), False, True),   # exactly 3 months: not older than 3 months
        (date(2025, 1, 10), date(2025, 4, 11), False, False),  # 3 months + 1 day
        (date(2025, 1, 10), date(2025, 4, 11), True, True),
        (date(2025, 1, 10), date(2025, 7, 10), True, True),    # exactly 6 months
        (date(2025, 1, 10), date(2025, 7, 11), True, False),   # 6 months + 1 day
        (date(2024, 11, 30), date(2025, 2, 28), False, True),  # month end clamped
        (date(2024, 11, 30), date(2025, 3, 1), False, False),
        (date(2025, 1, 10), date(2025, 1, 10), False, True),
    ],
)
def test_piece_is_fresh(issued, on, abroad, expected):
    assert rules.piece_is_fresh(issued, on, abroad) is expected


def test_piece_freshness_settings_and_inconsistent_dates():
    assert rules.piece_is_fresh(date(2025, 1, 10), date(2025, 4, 11), False, max_months=4) is True
    with pytest.raises(ValueError):
        rules.piece_is_fresh(date(2025, 2, 1), date(2025, 1, 31), False)


# ---------------------------------------------------------------------------
# §1.6 — recensement citoyen
# ---------------------------------------------------------------------------

S = RecensementStatus


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        # born 15/03/2009: 16 on 15/03/2025, window until 30/06/2025, 25 on 15/03/2034
        (date(2009, 3, 15), date(2025, 3, 14), S.TROP_TOT),         # day before the 16th birthday
        (date(2009, 3, 15), date(2025, 3, 15), S.DANS_LES_DELAIS),  # 16th birthday
        (date(2009, 3, 15), date(2025, 6, 30), S.DANS_LES_DELAIS),  # last day of the 3rd month after
        (date(2009, 3, 15), date(2025, 7, 1), S.REGULARISATION),    # next day
        (date(2009, 3, 15), date(2034, 3, 14), S.REGULARISATION),   # day before the 25th birthday
        (date(2009, 3, 15), date(2034, 3, 15), S.HORS_DELAI),       # 25th birthday
        # year wrap and short months
        (date(2009, 10, 31), date(2026, 1, 31), S.DANS_LES_DELAIS),
        (date(2009, 10, 31), date(2026, 2, 1), S.REGULARISATION),
        (date(2009, 11, 30), date(2026, 2, 28), S.DANS_LES_DELAIS),
        (date(2009, 11, 30), date(2026, 3, 1), S.REGULARISATION),
        # 29 February: 16th birthday on 29/02/2024 (leap year); 25th birthday on
        # 28/02/2033 (non-leap year: last day of February, grc_core.plugin_api.birthday)
        (date(2008, 2, 29), date(2024, 2, 28), S.TROP_TOT),
        (date(2008, 2, 29), date(2024, 2, 29), S.DANS_LES_DELAIS),
        (date(2008, 2, 29), date(2024, 5, 31), S.DANS_LES_DELAIS),
        (date(2008, 2, 29), date(2024, 6, 1), S.REGULARISATION),
        (date(2008, 2, 29), date(2033, 2, 27), S.REGULARISATION),  # day before the 25th birthday
        (date(2008, 2, 29), date(2033, 2, 28), S.HORS_DELAI),      # 25th birthday
        (date(2008, 2, 29), date(2033, 3, 1), S.HORS_DELAI),
    ],
)
def test_recensement_status(born, on, expected):
    assert rules.recensement_status(born, on) is expected


def test_recensement_window():
    assert rules.recensement_window(date(2009, 3, 15)) == rules.RecensementWindow(
        opens_on=date(2025, 3, 15), closes_on=date(2025, 6, 30), regularisation_until=date(2034, 3, 14)
    )
    assert rules.recensement_window(date(2008, 2, 29)) == rules.RecensementWindow(
        opens_on=date(2024, 2, 29), closes_on=date(2024, 5, 31), regularisation_until=date(2033, 2, 27)
    )
    # non-leap century year: 29/02/2084 → 16 on 28/02/2100, window to the end of May
    assert rules.recensement_window(date(2084, 2, 29)) == rules.RecensementWindow(
        opens_on=date(2100, 2, 28), closes_on=date(2100, 5, 31), regularisation_until=date(2109, 2, 27)
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2025, 1, 19), S.TROP_TOT),
        (date(2025, 1, 20), S.DANS_LES_DELAIS),
        (date(2025, 2, 28), S.DANS_LES_DELAIS),  # end of the month following the acquisition
        (date(2025, 3, 1), S.REGULARISATION),
        (date(2030, 6, 9), S.REGULARISATION),
        (date(2030, 6, 10), S.HORS_DELAI),
    ],
)
def test_recensement_after_becoming_french_between_16_and_25(on, expected):
    assert rules.recensement_status(date(2005, 6, 10), on, french_since=date(2025, 1, 20)) is expected


def test_recensement_french_since_edges():
    # French before 16: normal window
    assert rules.recensement_window(date(2009, 3, 15), french_since=date(2015, 1, 1)) == rules.recensement_window(
        date(2009, 3, 15)
    )
    with pytest.raises(ValueError):
        rules.recensement_window(date(2000, 6, 10), french_since=date(2025, 6, 10))


@pytest.mark.parametrize(
    ("recensed", "expected"),
    [
        (date(2025, 1, 1), (2025, 1, date(2025, 4, 1), date(2025, 4, 30))),
        (date(2025, 3, 31), (2025, 1, date(2025, 4, 1), date(2025, 4, 30))),
        (date(2025, 4, 1), (2025, 2, date(2025, 7, 1), date(2025, 7, 31))),
        (date(2025, 7, 1), (2025, 3, date(2025, 10, 1), date(2025, 10, 31))),
        (date(2025, 12, 31), (2025, 4, date(2026, 1, 1), date(2026, 1, 31))),
    ],
)
def test_recensement_quarter(recensed, expected):
    assert rules.recensement_quarter(recensed) == rules.RecensementQuarter(*expected)


@pytest.mark.parametrize(
    ("today", "next_quarter", "expected"),
    [
        (date(2026, 1, 1), False, (date(2010, 1, 1), date(2010, 3, 31))),
        (date(2026, 3, 31), False, (date(2010, 1, 1), date(2010, 3, 31))),
        (date(2026, 3, 31), True, (date(2010, 4, 1), date(2010, 6, 30))),
        (date(2026, 12, 31), False, (date(2010, 10, 1), date(2010, 12, 31))),
        # The next quarter of the fourth is the next year's first.
        (date(2026, 11, 15), True, (date(2011, 1, 1), date(2011, 3, 31))),
        # 29 February 2008: 16 on 29 February 2024, in the first quarter.
        (date(2024, 2, 10), False, (date(2008, 1, 1), date(2008, 3, 31))),
    ],
)
def test_births_turning_sixteen_in_quarter(today, next_quarter, expected):
    assert rules.births_turning_sixteen_in_quarter(today, next_quarter=next_quarter) == expected
    first, last = expected
    for birth in (first, last):
        sixteen = rules.recensement_window(birth).opens_on
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        assert sixteen >= start and (next_quarter or sixteen.year == today.year)


# ---------------------------------------------------------------------------
# §1.6 — déclaration de naissance (C. civ. 55, décret 2017-278)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("born", "kwargs", "deadline"),
    [
        (date(2025, 3, 6), {}, date(2025, 3, 11)),    # Thu → Tue (day of birth not counted)
        (date(2025, 3, 5), {}, date(2025, 3, 10)),    # weekend inside the delay counts
        (date(2025, 3, 3), {}, date(2025, 3, 10)),    # last day Saturday 8 → Monday 10
        (date(2025, 3, 4), {}, date(2025, 3, 10)),    # last day Sunday 9 → Monday 10
        (date(2025, 5, 3), {}, date(2025, 5, 9)),     # last day 8 May (holiday) → Friday 9
        (date(2023, 7, 9), {}, date(2023, 7, 17)),    # 14 July (Friday) → Monday 17
        (date(2025, 3, 3), {"remote_commune": True}, date(2025, 3, 11)),  # 8 days
        (date(2025, 3, 3), {"delay_days": 3}, date(2025, 3, 6)),          # commune setting
    ],
)
def test_birth_declaration_deadline(born, kwargs, deadline):
    assert rules.birth_declaration_deadline(born, **kwargs) == deadline


def test_birth_declaration_local_non_working_day_predicate():
    born = date(2025, 12, 21)  # + 5 = Friday 26 December
    assert rules.birth_declaration_deadline(born) == date(2025, 12, 26)

    def alsace_moselle(day: date) -> bool:
        return not is_working_day(day, alsace_moselle=True)

    assert rules.birth_declaration_deadline(born, is_non_working_day=alsace_moselle) == date(2025, 12, 29)

    def commune_closed_on_fridays(day: date) -> bool:
        return not is_working_day(day) or day.weekday() == 4

    assert rules.birth_declaration_deadline(born, is_non_working_day=commune_closed_on_fridays) == date(2025, 12, 29)


@pytest.mark.parametrize(
    ("born", "declared", "late"),
    [
        (date(2025, 3, 6), date(2025, 3, 6), False),
        (date(2025, 3, 6), date(2025, 3, 11), False),  # 5th day
        (date(2025, 3, 6), date(2025, 3, 12), True),   # 6th day
        (date(2025, 3, 3), date(2025, 3, 10), False),  # extended to Monday
        (date(2025, 3, 3), date(2025, 3, 11), True),
    ],
)
def test_birth_declaration_is_late(born, declared, late):
    assert rules.birth_declaration_is_late(born, declared) is late


def test_check_birth_declaration_reason():
    result = rules.check_birth_declaration(date(2025, 3, 6), date(2025, 3, 12))
    assert result.allowed is False
    assert fr(result.reason) == (
        "La naissance devait être déclarée au plus tard le 11 mars 2025 : passé ce délai, elle ne "
        "peut être inscrite sur les registres qu'en vertu d'un jugement du tribunal judiciaire "
        "(code civil, art. 55)."
    )
    assert rules.check_birth_declaration(date(2025, 3, 6), date(2025, 3, 11)).allowed is True
    assert rules.check_birth_declaration(date(2025, 3, 3), date(2025, 3, 11), remote_commune=True).allowed is True
    with pytest.raises(ValueError):
        rules.birth_declaration_is_late(date(2025, 3, 6), date(2025, 3, 5))


def test_default_non_working_days_are_the_shared_calendar():
    """Default predicate: weekends + national holidays of grc_core.plugin_api (holidays.France)."""
    for offset in range(2 * 366):
        born = date.fromordinal(date(2025, 1, 1).toordinal() + offset)
        last_day = date.fromordinal(born.toordinal() + rules.BIRTH_DECLARATION_DELAY_DAYS)
        assert rules.birth_declaration_deadline(born) == next_working_day(last_day), born


# ---------------------------------------------------------------------------
# §1.6 — changement de nom / de prénom
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("received", "earliest"),
    [
        (date(2025, 1, 31), date(2025, 2, 28)),  # month end clamped
        (date(2024, 1, 31), date(2024, 2, 29)),  # leap year
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 3, 15), date(2025, 4, 15)),
        (date(2025, 12, 31), date(2026, 1, 31)),
    ],
)
def test_name_change_earliest_confirmation(received, earliest):
    assert rules.name_change_earliest_confirmation(received) == earliest


@pytest.mark.parametrize(
    ("confirmed", "reason"),
    [
        (date(2025, 2, 27), "La demande de changement de nom ne peut être confirmée qu'au moins un mois "
                            "après sa réception, soit à partir du 28 février 2025 (code civil, art. 61-3-1)."),
        (date(2025, 2, 28), None),
        (date(2025, 3, 31), None),
    ],
)
def test_check_name_change_confirmation_received_31_january(confirmed, reason):
    result = rules.check_name_change_confirmation(date(2025, 1, 31), confirmed)
    assert (result.allowed, fr(result.reason)) == (reason is None, reason)


@pytest.mark.parametrize(
    ("request_date", "already_used", "reason"),
    [
        (date(2025, 6, 9), False, "Le changement de nom par la procédure simplifiée est réservé aux "
                                  "personnes majeures (code civil, art. 61-3-1)."),
        (date(2025, 6, 10), False, None),
        (date(2025, 6, 10), True, "Le changement de nom par la procédure simplifiée ne peut être fait "
                                  "qu'une seule fois dans sa vie (code civil, art. 61-3-1) ; un changement "
                                  "de nom par décret reste possible (code civil, art. 61)."),
    ],
)
def test_check_simplified_name_change(request_date, already_used, reason):
    result = rules.check_simplified_name_change(
        date(2007, 6, 10), request_date, already_used_simplified_procedure=already_used
    )
    assert (result.allowed, fr(result.reason)) == (reason is None, reason)


@pytest.mark.parametrize(
    ("born", "on", "required"),
    [
        (date(2012, 5, 20), date(2025, 5, 19), False),  # day before the 13th birthday
        (date(2012, 5, 20), date(2025, 5, 20), True),   # 13th birthday
        (date(2012, 5, 20), date(2025, 5, 21), True),
        # 29 February child: 13th birthday on 28/02/2025 (non-leap year)
        (date(2012, 2, 29), date(2025, 2, 27), False),
        (date(2012, 2, 29), date(2025, 2, 28), True),
        (date(2012, 2, 29), date(2025, 3, 1), True),
    ],
)
def test_child_consent_required(born, on, required):
    assert rules.child_consent_required(born, on) is required


@pytest.mark.parametrize(
    ("on", "consents", "extends"),
    [
        (date(2025, 5, 19), False, True),   # under 13: de plein droit
        (date(2025, 5, 20), False, False),  # 13: only with consent
        (date(2025, 5, 20), True, True),
    ],
)
def test_name_change_extends_to_child(on, consents, extends):
    assert rules.name_change_extends_to_child(date(2012, 5, 20), on, child_consents=consents) is extends


# birthday / age_on are grc_core.plugin_api's (tests/test_calendar.py); here, the
# age thresholds of the module for a person born on 29 February.

@pytest.mark.parametrize(
    ("request_date", "allowed"),
    [
        (date(2026, 2, 27), False),
        (date(2026, 2, 28), True),  # 18th birthday in a non-leap year: 28 February
        (date(2026, 3, 1), True),
    ],
)
def test_simplified_name_change_majority_of_a_29_february_birth(request_date, allowed):
    result = rules.check_simplified_name_change(
        date(2008, 2, 29), request_date, already_used_simplified_procedure=False
    )
    assert result.allowed is allowed


def test_name_change_extends_to_a_29_february_child_until_28_february():
    assert rules.name_change_extends_to_child(date(2012, 2, 29), date(2025, 2, 27)) is True
    assert rules.name_change_extends_to_child(date(2012, 2, 29), date(2025, 2, 28)) is False


# ---------------------------------------------------------------------------
# §1.6 — livret de famille, duplicata
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("requester", "agreement", "reason"),
    [
        (LivretRequester.TITULAIRE, False, None),
        (LivretRequester.TUTEUR_MINEUR, True, None),
        (LivretRequester.TUTEUR_MINEUR, False, "Le tuteur d'un enfant mineur ne peut obtenir un duplicata "
                                              "du livret de famille qu'avec l'accord du procureur de la République."),
        (LivretRequester.ENFANT, False, "Seuls les titulaires du livret de famille peuvent en demander un "
                                       "duplicata : les enfants ne le peuvent pas, même après le décès de "
                                       "leurs parents."),
        (LivretRequester.ENFANT, True, "Seuls les titulaires du livret de famille peuvent en demander un "
                                      "duplicata : les enfants ne le peuvent pas, même après le décès de "
                                      "leurs parents."),
        (LivretRequester.TIERS, False, "Seuls les titulaires du livret de famille peuvent en demander un duplicata."),
    ],
)
def test_check_livret_duplicata(requester, agreement, reason):
    result = rules.check_livret_duplicata(requester, procureur_agreement=agreement)
    assert (result.allowed, fr(result.reason)) == (reason is None, reason)


# ---------------------------------------------------------------------------
# §5.3 — retention of copy requests
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("closed", "ends", "anonymisable"),
    [
        (date(2024, 5, 10), date(2025, 5, 10), date(2025, 5, 11)),
        (date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1)),
        (date(2024, 12, 31), date(2025, 12, 31), date(2026, 1, 1)),
    ],
)
def test_copy_request_retention(closed, ends, anonymisable):
    assert rules.copy_request_retention_ends_on(closed) == ends
    assert rules.copy_request_anonymisable_from(closed) == anonymisable
    assert rules.copy_request_may_be_anonymised(closed, ends) is False
    assert rules.copy_request_may_be_anonymised(closed, anonymisable) is True


# ---------------------------------------------------------------------------
# Misc.
# ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "french", "english"), [(date(2025, 3, 1), "1er mars 2025", "March 1, 2025"),
                                   (date(2024, 8, 15), "15 août 2024", "August 15, 2024")]
)
def test_dates_of_the_explanations(day, french, english):
    """Written by Babel in the reader's language; French keeps « 1er » for the first of a month."""
    assert (fr(LocalDate(day)), en(LocalDate(day))) == (french, english)


def test_rules_module_is_pure():
    """The rules package imports only the standard library, python-dateutil and grc_core.plugin_api."""
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
    assert grc_core == {"grc_core.plugin_api"}  # the only grc_core module allowed (and used)
    roots = {m.split(".")[0] for m in modules - grc_core}
    assert roots - {"dateutil", "__future__"} <= set(sys.stdlib_module_names)


DATE_HELPERS: set[str] = set()


def test_every_rule_function_cites_its_source():
    for name in rules.__all__:
        obj = getattr(rules, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, name
            if name not in DATE_HELPERS:
                assert "DR §" in obj.__doc__, name


# ---------------------------------------------------------------------------
# The explanations in English
# ---------------------------------------------------------------------------

def test_the_explanations_read_in_english():
    """An English agent reads the same outcomes in English; legal names stay French, dates are Babel's."""
    tiers = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.TIERS,
                                                     register_closed_on=CLOSED, today=date(2024, 12, 31)))
    assert en(tiers.reason) == (
        "A third party may obtain only an extract without parentage of a birth act (décret n° 2017-890, art. 30). "
        "The register will be open to anyone only from January 1, 2025 (code du patrimoine, art. L213-2).")
    open_ = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.TIERS,
                                                     register_closed_on=CLOSED, today=date(2025, 1, 1)))
    assert en(open_.review_note).startswith("Register closed more than 75 years ago, but the act concerns a minor")
    lawyer = rules.check_eligibility(EligibilityInput(A.NAISSANCE, D.COPIE_INTEGRALE, Q.AVOCAT,
                                                      avocat_client_quality=Q.TIERS))
    assert en(lawyer.reason) == (
        "A lawyer may obtain only the acts his client is legally entitled to ask for (décret n° 2017-890, art. 30). "
        "Reason for the client: A third party may obtain only an extract without parentage of a birth act "
        "(décret n° 2017-890, art. 30).")
    assert fr(lawyer.reason).startswith("Un avocat ne peut obtenir que les actes que son client est légalement "
                                        "fondé à requérir (décret n° 2017-890, art. 30). Motif pour le client : "
                                        "Un tiers ne peut obtenir")
    assert en(rules.check_birth_declaration(date(2025, 3, 6), date(2025, 3, 12)).reason) == (
        "The birth had to be declared no later than March 11, 2025: after that delay, it can be entered in the "
        "registers only under a judgment of the tribunal judiciaire (code civil, art. 55).")
    assert en(rules.check_livret_duplicata(LivretRequester.ENFANT).reason) == (
        "Only the holders of the livret de famille may ask for a duplicate: the children may not, even after their "
        "parents' death.")
    assert en(rules.check_person_death_date(A.NAISSANCE, date(1999, 1, 1), act_on=date(2000, 3, 1),
                                            today=date(2025, 1, 1)).reason) == (
        "The date of death of the person concerned cannot be before the birth (March 1, 2000).")
    assert fr(rules.check_person_death_date(A.NAISSANCE, date(1999, 1, 1), act_on=date(2000, 3, 1),
                                            today=date(2025, 1, 1)).reason) == (
        "La date de décès de la personne concernée ne peut pas précéder la naissance (1er mars 2000).")
