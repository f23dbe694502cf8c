"""Table-driven tests of plugins/social/rules/ (pure functions, no DB): their explanations are read in French
(the catalog's French, by a bare Flask app with Babel) and, for representative cases, in English."""

from __future__ import annotations

import ast
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from grc_core.plugin_api.testing import rules_locale

from plugins.social import rules as r
from plugins.social.rules import (
    AidOutcome,
    AidRules,
    AidWindow,
    Authority,
    CommuneLinkCriterion as C,
    DisabilityBenefit as B,
    DomiciliationOutcome,
    DomiciliationRequestState as RS,
    DomiciliationStatus as S,
    LegalAidBenefit as L,
    RegisterFiler,
    RegisterQuality as Q,
)

D = dt.date


def fr(text) -> str:
    """What a French reader sees (Babel's no-break spaces of amounts as plain spaces)."""
    with rules_locale("fr", "social"):
        return str(text).replace("\u202f", " ").replace("\xa0", " ")


def en(text) -> str:
    with rules_locale("en", "social"):
        return str(text)


def french(decision: r.Decision) -> r.Decision:
    return r.Decision(decision.allowed, fr(decision.reason))

REFUSED_REGISTER = (
    "Non éligible : la personne n'a pas 65 ans ou plus, n'a pas plus de 60 ans "
    "avec une inaptitude au travail reconnue, et n'est pas un adulte handicapé "
    "bénéficiaire de l'AAH, de l'ACTP, d'une carte d'invalidité, de la RQTH ou "
    "d'une pension d'invalidité (CASF R121-2)."
)
ELIGIBLE_A = "Éligible : personne âgée de 65 ans ou plus (CASF R121-2, a)."
ELIGIBLE_B = (
    "Éligible : personne âgée de plus de 60 ans reconnue inapte au travail (CASF R121-2, b)."
)
REFUSAL_MOTIVE = (
    "Refus de domiciliation : absence de lien avec la commune (CASF R264-4). "
    "La personne ne séjourne pas sur le territoire de la commune, n'y exerce pas "
    "d'activité professionnelle, n'y bénéficie d'aucune action d'insertion ni "
    "d'aucun suivi social, médico-social ou professionnel, n'y a pas de lien "
    "familial avec une personne y résidant et n'y exerce pas l'autorité parentale "
    "sur un enfant mineur qui y est scolarisé."
)
ORIENTATION = (
    "Décision spécialement motivée ; la personne doit être orientée vers un autre "
    "organisme assurant la domiciliation (CASF L264-4)."
)


# --------------------------------------------------------------------------- purity


def test_module_imports_only_stdlib_dateutil_and_grc_core_calendar():
    package = Path(r.__file__).parent
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    modules = set()
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Import):
            modules.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a module of the package itself
                assert node.level == 1 and (package / f"{node.module}.py").is_file(), "import from outside"
                continue
            modules.add(node.module or "")
    grc_core = {m for m in modules if m.split(".")[0] == "grc_core"}
    assert grc_core == {"grc_core.plugin_api"}  # the only grc_core module allowed
    roots = {m.split(".")[0] for m in modules - grc_core}
    assert roots <= {"__future__", "datetime", "collections", "dataclasses", "decimal", "enum",
                     "dateutil"}


def test_public_api_is_exported():
    for name in r.__all__:
        assert hasattr(r, name), name


# --------------------------------------------------------------------------- helpers
# add_months / age_on are grc_core.plugin_api's (tests/test_calendar.py).


@pytest.mark.parametrize(
    ("due", "on", "expected"),
    [(D(2025, 3, 15), D(2025, 3, 15), False), (D(2025, 3, 15), D(2025, 3, 16), True),
     (D(2025, 3, 15), D(2025, 3, 14), False)],
)
def test_is_overdue(due, on, expected):
    assert r.is_overdue(due, on) is expected


# --------------------------------------------------------------------------- registre: eligibility


@pytest.mark.parametrize(
    ("birth", "on", "unfit", "benefits", "allowed", "quality", "reason"),
    [
        # a) 65th birthday: day before / day of
        (D(1960, 6, 15), D(2025, 6, 14), False, (), False, None, REFUSED_REGISTER),
        (D(1960, 6, 15), D(2025, 6, 15), False, (), True, Q.AGED_65_PLUS, ELIGIBLE_A),
        # a) born 29 February: 65 on 28 February of a non-leap year
        (D(1960, 2, 29), D(2025, 2, 27), False, (), False, None, REFUSED_REGISTER),
        (D(1960, 2, 29), D(2025, 2, 28), False, (), True, Q.AGED_65_PLUS, ELIGIBLE_A),
        # b) "plus de 60 ans" + inapte: not on the 60th birthday, from the day after
        (D(1965, 6, 15), D(2025, 6, 14), True, (), False, None, REFUSED_REGISTER),
        (D(1965, 6, 15), D(2025, 6, 15), True, (), False, None, REFUSED_REGISTER),
        (D(1965, 6, 15), D(2025, 6, 16), True, (), True, Q.UNFIT_OVER_60, ELIGIBLE_B),
        (D(1965, 6, 15), D(2025, 6, 16), False, (), False, None, REFUSED_REGISTER),
        (D(1960, 6, 15), D(2025, 6, 14), True, (), True, Q.UNFIT_OVER_60, ELIGIBLE_B),
        # a) wins over b) and c)
        (D(1955, 1, 1), D(2025, 6, 1), True, (B.AAH,), True, Q.AGED_65_PLUS, ELIGIBLE_A),
        # none
        (D(1980, 1, 1), D(2025, 6, 1), False, (), False, None, REFUSED_REGISTER),
        (D(1980, 1, 1), D(2025, 6, 1), True, (), False, None, REFUSED_REGISTER),
    ],
)
def test_register_eligibility_age_edges(birth, on, unfit, benefits, allowed, quality, reason):
    result = r.register_eligibility(birth, on, unfit_for_work=unfit, benefits=benefits)
    assert (result.allowed, result.quality, fr(result.reason)) == (allowed, quality, reason)


@pytest.mark.parametrize(
    ("benefit", "label"),
    [
        (B.AAH, "AAH"),
        (B.ACTP, "ACTP"),
        (B.CARTE_INVALIDITE, "carte d'invalidité"),
        (B.RQTH, "RQTH"),
        (B.PENSION_INVALIDITE, "pension d'invalidité"),
        ("rqth", "RQTH"),  # plain values accepted
    ],
)
def test_register_eligibility_each_benefit(benefit, label):
    result = r.register_eligibility(D(1980, 1, 1), D(2025, 6, 1), unfit_for_work=False,
                                    benefits=[benefit])
    assert result.allowed is True
    assert result.quality is Q.DISABLED_WITH_BENEFIT
    assert fr(result.reason) == (
        f"Éligible : personne adulte handicapée bénéficiaire de : {label} (CASF R121-2, c)."
    )


@pytest.mark.parametrize(
    ("birth", "on", "allowed"),
    [
        (D(2007, 6, 15), D(2025, 6, 14), False),  # 17: not an adult
        (D(2007, 6, 15), D(2025, 6, 15), True),  # 18th birthday
    ],
)
def test_register_eligibility_c_requires_adult(birth, on, allowed):
    result = r.register_eligibility(birth, on, unfit_for_work=False, benefits={B.RQTH})
    assert result.allowed is allowed


def test_register_eligibility_requires_living_at_home():
    result = r.register_eligibility(D(1950, 1, 1), D(2025, 6, 1), unfit_for_work=False,
                                    benefits=(), living_at_home=False)
    assert (result.allowed, result.quality) == (False, None)
    assert fr(result.reason) == (
        "Non éligible : le registre concerne les personnes résidant à leur domicile "
        "(CASF R121-2)."
    )


def test_register_eligibility_unknown_benefit():
    with pytest.raises(ValueError):
        r.register_eligibility(D(1980, 1, 1), D(2025, 6, 1), unfit_for_work=False,
                               benefits=["apa"])


# --------------------------------------------------------------------------- registre: request, fields


@pytest.mark.parametrize(
    ("filer", "written", "allowed", "reason"),
    [
        (RegisterFiler.PERSON, True, True, "Demande écrite recevable (CASF R121-3)."),
        (RegisterFiler.LEGAL_REPRESENTATIVE, True, True,
         "Demande écrite recevable (CASF R121-3)."),
        (RegisterFiler.THIRD_PARTY, True, True,
         "Demande écrite d'un tiers recevable : la personne sera informée par l'accusé de "
         "réception et pourra s'y opposer (CASF R121-3)."),
        (RegisterFiler.PERSON, False, False,
         "La demande d'inscription au registre doit être écrite (CASF R121-3)."),
        (RegisterFiler.IMPORT_FROM_OTHER_FILE, True, False,
         "Inscription automatique interdite : l'inscription au registre est volontaire et ne "
         "peut résulter d'un autre fichier, qui ne peut servir qu'à informer les personnes "
         "de l'existence du registre (CNIL)."),
    ],
)
def test_check_register_request(filer, written, allowed, reason):
    assert french(r.check_register_request(filer, in_writing=written)) == r.Decision(allowed, reason)


def test_register_fields_whitelist_is_exact():
    assert r.REGISTER_FIELDS == {
        "nom", "prenoms", "date_naissance", "qualite", "adresse", "telephone",
        "service_aide_domicile", "personne_a_prevenir", "date_demande", "tiers_nom",
        "tiers_qualite",
    }


@pytest.mark.parametrize(
    ("keys", "allowed", "refused", "reason"),
    [
        (sorted(r.REGISTER_FIELDS), True, (),
         "Champs conformes à la liste réglementaire du registre."),
        (["nom", "prenoms", "qualite"], True, (),
         "Champs conformes à la liste réglementaire du registre."),
        (["nom", "pathologie"], False, ("pathologie",),
         "Champ(s) non autorisé(s) dans le registre : pathologie. Seuls les champs prévus "
         "par la réglementation peuvent être enregistrés (CASF R121-2 s.). Aucune donnée de "
         "santé : seule la qualité (a, b ou c) est enregistrée (CNIL)."),
        (["traitement_medical", "email", "nom"], False, ("email", "traitement_medical"),
         "Champ(s) non autorisé(s) dans le registre : email, traitement_medical. Seuls les "
         "champs prévus par la réglementation peuvent être enregistrés (CASF R121-2 s.). "
         "Aucune donnée de santé : seule la qualité (a, b ou c) est enregistrée (CNIL)."),
        (["nom", "email"], False, ("email",),
         "Champ(s) non autorisé(s) dans le registre : email. Seuls les champs prévus par la "
         "réglementation peuvent être enregistrés (CASF R121-2 s.)."),
    ],
)
def test_check_register_fields(keys, allowed, refused, reason):
    result = r.check_register_fields(keys)
    assert (result.allowed, result.refused, fr(result.reason)) == (allowed, refused, reason)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2025, 7, 1), D(2025, 7, 9)),
        (D(2025, 12, 28), D(2026, 1, 5)),
        (D(2024, 2, 25), D(2024, 3, 4)),
    ],
)
def test_register_acknowledgement_due(received, due):
    assert r.register_acknowledgement_due(received) == due


@pytest.mark.parametrize(
    ("sent_on", "late"),
    [(D(2025, 7, 8), False), (D(2025, 7, 9), False), (D(2025, 7, 10), True)],
)
def test_register_acknowledgement_8_day_edge(sent_on, late):
    assert r.is_overdue(r.register_acknowledgement_due(D(2025, 7, 1)), sent_on) is late


@pytest.mark.parametrize(
    ("alert", "requested", "allowed", "reason"),
    [
        (False, True, False,
         "Export refusé : le registre n'est communiqué au préfet qu'en cas de déclenchement "
         "du plan d'alerte et d'urgence."),
        (True, False, False,
         "Export refusé : le registre n'est communiqué qu'au préfet, à sa demande."),
        (True, True, True,
         "Export autorisé : plan d'alerte et d'urgence déclenché, communication au préfet à "
         "sa demande."),
    ],
)
def test_prefect_export_allowed(alert, requested, allowed, reason):
    assert french(r.prefect_export_allowed(alert, requested_by_prefect=requested)) == r.Decision(
        allowed, reason
    )


def test_prefect_export_refused_without_alert_by_default():
    assert r.prefect_export_allowed(False).allowed is False
    assert r.prefect_export_allowed(True).allowed is True


@pytest.mark.parametrize(
    ("on", "radiated", "eligible", "kept"),
    [
        (D(2025, 6, 1), None, True, True),
        (D(2025, 6, 1), D(2025, 6, 2), True, True),
        (D(2025, 6, 2), D(2025, 6, 2), True, False),  # radiation at any time, same day
        (D(2025, 6, 1), None, False, False),
    ],
)
def test_register_entry_retained(on, radiated, eligible, kept):
    assert r.register_entry_retained(on, radiated_on=radiated, still_eligible=eligible) is kept


# --------------------------------------------------------------------------- domiciliation: link


@pytest.mark.parametrize(
    ("kwargs", "criterion", "label"),
    [
        ({"stays_in_commune": True}, C.STAYS_IN_COMMUNE,
         "séjour sur le territoire de la commune à la date de la demande"),
        ({"works_in_commune": True}, C.WORKS_IN_COMMUNE,
         "activité professionnelle dans la commune"),
        ({"support_in_commune": True}, C.SUPPORT_IN_COMMUNE,
         "action d'insertion ou suivi social, médico-social ou professionnel dans la commune"),
        ({"family_link": True}, C.FAMILY_LINK,
         "lien familial avec une personne résidant dans la commune"),
        ({"parent_of_pupil": True}, C.PARENT_OF_PUPIL,
         "autorité parentale sur un enfant mineur scolarisé dans la commune"),
    ],
)
def test_commune_link_each_criterion(kwargs, criterion, label):
    link = r.commune_link(**kwargs)
    assert link.established is True
    assert link.criterion is criterion
    assert link.criteria == (criterion,)
    assert fr(link.reason) == f"Lien avec la commune établi : {label} (CASF R264-4)."
    assert link.refusal_motive is None
    assert link.orientation_required is False


def test_commune_link_several_criteria_first_in_r264_4_order():
    link = r.commune_link(parent_of_pupil=True, works_in_commune=True)
    assert link.criterion is C.WORKS_IN_COMMUNE
    assert link.criteria == (C.WORKS_IN_COMMUNE, C.PARENT_OF_PUPIL)


def test_commune_link_none():
    link = r.commune_link()
    assert link.established is False
    assert link.criterion is None
    assert link.criteria == ()
    assert fr(link.reason) == "Lien avec la commune non établi (CASF R264-4)."
    assert fr(link.refusal_motive) == REFUSAL_MOTIVE
    assert link.orientation_required is True


@pytest.mark.parametrize(
    ("link", "interview", "outcome", "reason", "orientation"),
    [
        (r.commune_link(stays_in_commune=True), False, DomiciliationOutcome.INTERVIEW_REQUIRED,
         "Un entretien avec la personne est requis avant toute décision d'élection de "
         "domicile ou de renouvellement.", False),
        (r.commune_link(), False, DomiciliationOutcome.INTERVIEW_REQUIRED,
         "Un entretien avec la personne est requis avant toute décision d'élection de "
         "domicile ou de renouvellement.", False),
        (r.commune_link(stays_in_commune=True), True, DomiciliationOutcome.GRANTED,
         "Élection de domicile accordée. Lien avec la commune établi : séjour sur le "
         "territoire de la commune à la date de la demande (CASF R264-4).", False),
        (r.commune_link(), True, DomiciliationOutcome.REFUSED,
         f"{REFUSAL_MOTIVE} {ORIENTATION}", True),
    ],
)
def test_domiciliation_decision(link, interview, outcome, reason, orientation):
    decision = r.domiciliation_decision(link, interview_held=interview)
    assert (decision.outcome, fr(decision.reason), decision.orientation_required) == (
        outcome, reason, orientation)


@pytest.mark.parametrize(
    ("link", "motive", "orientation", "allowed", "reason"),
    [
        (r.commune_link(family_link=True), REFUSAL_MOTIVE, "CCAS de Lyon", False,
         "Refus impossible : la personne a un lien avec la commune, le refus n'est possible "
         "qu'en l'absence de lien (CASF L264-4)."),
        (r.commune_link(), "  ", "CCAS de Lyon", False,
         "Le refus doit être spécialement motivé (CASF L264-4)."),
        (r.commune_link(), REFUSAL_MOTIVE, "", False,
         "Le refus doit orienter la personne vers un autre organisme assurant la "
         "domiciliation (CASF L264-4)."),
        (r.commune_link(), REFUSAL_MOTIVE, "CCAS de Lyon", True,
         "Refus motivé avec orientation : conforme (CASF L264-4)."),
    ],
)
def test_check_domiciliation_refusal(link, motive, orientation, allowed, reason):
    assert french(r.check_domiciliation_refusal(
        link, motive=motive, orientation_to=orientation
    )) == r.Decision(allowed, reason)


LINKED = r.commune_link(stays_in_commune=True)


@pytest.mark.parametrize(
    ("link", "stable", "renewal", "outcome", "reason"),
    [
        # L264-1: only a person sans domicile stable may be domiciled, link or not.
        (LINKED, True, False, DomiciliationOutcome.REFUSED, r.STABLE_ADDRESS_REFUSAL),
        (r.commune_link(), True, False, DomiciliationOutcome.REFUSED, r.STABLE_ADDRESS_REFUSAL),
        # L264-5: a stable domicile found ends it, so the renewal is refused.
        (LINKED, True, True, DomiciliationOutcome.REFUSED, r.STABLE_ADDRESS_RENEWAL_REFUSAL),
        # L264-2: still sans domicile stable and linked: renewed de droit.
        (LINKED, False, True, DomiciliationOutcome.GRANTED,
         "Domiciliation renouvelée. Lien avec la commune établi : séjour sur le territoire de la commune à la "
         "date de la demande (CASF R264-4)."),
        (r.commune_link(), False, True, DomiciliationOutcome.REFUSED, f"{REFUSAL_MOTIVE} {ORIENTATION}"),
    ],
)
def test_domiciliation_decision_on_a_stable_address(link, stable, renewal, outcome, reason):
    decision = r.domiciliation_decision(link, interview_held=True, stable_address=stable, renewal=renewal)
    assert (decision.outcome, fr(decision.reason), decision.orientation_required) == (outcome, fr(reason), False
                                                                                    if stable else
                                                                                    not link.established)


def test_the_interview_comes_before_the_stable_address():
    decision = r.domiciliation_decision(LINKED, interview_held=False, stable_address=True)
    assert decision.outcome is DomiciliationOutcome.INTERVIEW_REQUIRED


@pytest.mark.parametrize(
    ("link", "motive", "orientation", "allowed", "reason"),
    [
        # A stable address: refused whatever the link, motivated; no orientation required (L264-1).
        (LINKED, "Logement stable depuis mars", "", True,
         "Refus motivé : la personne dispose d'un domicile stable (CASF L264-1)."),
        (r.commune_link(), "Logement stable", "", True,
         "Refus motivé : la personne dispose d'un domicile stable (CASF L264-1)."),
        (LINKED, "   ", "", False, "Le refus doit être motivé (CASF L264-1)."),
    ],
)
def test_check_domiciliation_refusal_for_a_stable_address(link, motive, orientation, allowed, reason):
    assert french(r.check_domiciliation_refusal(
        link, motive=motive, orientation_to=orientation, ground=r.DomiciliationRefusalGround.STABLE_ADDRESS
    )) == r.Decision(allowed, reason)


# --------------------------------------------------------------------------- domiciliation: dates


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2025, 1, 15), D(2025, 3, 15)),
        (D(2024, 12, 31), D(2025, 2, 28)),
        (D(2023, 12, 31), D(2024, 2, 29)),
        (D(2025, 8, 31), D(2025, 10, 31)),
        (D(2025, 7, 31), D(2025, 9, 30)),
    ],
)
def test_domiciliation_answer_due_two_months(received, due):
    assert r.domiciliation_answer_due(received) == due


@pytest.mark.parametrize(
    ("received", "on", "answered", "state"),
    [
        (D(2025, 1, 15), D(2025, 3, 15), False, RS.PENDING),
        (D(2025, 1, 15), D(2025, 3, 16), False, RS.IMPLICIT_REFUSAL),
        (D(2025, 1, 15), D(2025, 3, 16), True, RS.ANSWERED),
        (D(2024, 12, 31), D(2025, 2, 28), False, RS.PENDING),
        (D(2024, 12, 31), D(2025, 3, 1), False, RS.IMPLICIT_REFUSAL),
    ],
)
def test_domiciliation_silence_is_refusal_after_two_months(received, on, answered, state):
    assert r.domiciliation_request_state(received, on, answered=answered) is state


@pytest.mark.parametrize(
    ("elected", "last_valid_day"),
    [
        (D(2024, 2, 29), D(2025, 2, 28)),
        (D(2024, 3, 15), D(2025, 3, 15)),
        (D(2023, 2, 28), D(2024, 2, 28)),
        (D(2025, 12, 31), D(2026, 12, 31)),
    ],
)
def test_domiciliation_validity_one_year(elected, last_valid_day):
    assert r.domiciliation_validity_end(elected) == last_valid_day


@pytest.mark.parametrize(
    ("last_contact", "ends_on"),
    [
        (D(2025, 1, 15), D(2025, 4, 16)),
        (D(2024, 11, 30), D(2025, 3, 1)),  # last day 28 Feb 2025
        (D(2023, 11, 30), D(2024, 3, 1)),  # last day 29 Feb 2024
        (D(2024, 11, 29), D(2025, 3, 1)),  # 29 Feb 2025 does not exist → 28 Feb
        (D(2025, 1, 31), D(2025, 5, 1)),  # last day 30 April
        (D(2025, 5, 31), D(2025, 9, 1)),
        (D(2024, 12, 31), D(2025, 4, 1)),
    ],
)
def test_domiciliation_end_by_absence_three_months(last_contact, ends_on):
    assert r.domiciliation_end_by_absence(last_contact) == ends_on


@pytest.mark.parametrize(
    ("last_contact", "lead", "warning"),
    [
        (D(2025, 1, 15), None, D(2025, 4, 1)),  # default 15 days
        (D(2025, 1, 15), 30, D(2025, 3, 17)),
        (D(2025, 1, 15), 0, D(2025, 4, 16)),
        (D(2024, 11, 30), None, D(2025, 2, 14)),
    ],
)
def test_domiciliation_warning_date(last_contact, lead, warning):
    kwargs = {} if lead is None else {"lead_days": lead}
    assert r.domiciliation_warning_date(last_contact, **kwargs) == warning


def test_domiciliation_warning_default_is_documented_constant():
    assert r.DEFAULT_ABSENCE_WARNING_LEAD_DAYS == 15


@pytest.mark.parametrize("lead", [-1, 91, 200, 1.5])
def test_domiciliation_warning_date_rejects_bad_lead(lead):
    with pytest.raises(ValueError):
        r.domiciliation_warning_date(D(2025, 1, 15), lead_days=lead)


@pytest.mark.parametrize(
    ("on", "elected", "last_contact", "ended", "status"),
    [
        (D(2025, 1, 9), D(2025, 1, 10), D(2025, 1, 15), None, S.NOT_STARTED),
        (D(2025, 1, 10), D(2025, 1, 10), D(2025, 1, 15), None, S.ACTIVE),
        (D(2025, 3, 31), D(2025, 1, 10), D(2025, 1, 15), None, S.ACTIVE),
        (D(2025, 4, 1), D(2025, 1, 10), D(2025, 1, 15), None, S.WARNING_DUE),
        (D(2025, 4, 15), D(2025, 1, 10), D(2025, 1, 15), None, S.WARNING_DUE),
        (D(2025, 4, 16), D(2025, 1, 10), D(2025, 1, 15), None, S.ENDED_ABSENCE),
        # no contact recorded: the election itself is the last contact
        (D(2025, 4, 10), D(2025, 1, 10), None, None, S.WARNING_DUE),
        (D(2025, 4, 11), D(2025, 1, 10), None, None, S.ENDED_ABSENCE),
        # contact older than a renewal: the renewal counts
        (D(2025, 4, 11), D(2025, 1, 10), D(2024, 12, 1), None, S.ENDED_ABSENCE),
        # ended on request / stable address
        (D(2025, 1, 31), D(2025, 1, 10), D(2025, 1, 15), D(2025, 2, 1), S.ACTIVE),
        (D(2025, 2, 1), D(2025, 1, 10), D(2025, 1, 15), D(2025, 2, 1), S.ENDED),
        # one-year validity (29 February election), regular contact
        (D(2025, 2, 28), D(2024, 2, 29), D(2025, 1, 20), None, S.ACTIVE),
        (D(2025, 3, 1), D(2024, 2, 29), D(2025, 1, 20), None, S.EXPIRED),
        # both over: the one that ended first is reported
        (D(2025, 12, 1), D(2024, 2, 29), D(2024, 6, 1), None, S.ENDED_ABSENCE),
    ],
)
def test_domiciliation_status(on, elected, last_contact, ended, status):
    assert r.domiciliation_status(on, elected, last_contact, ended) is status


# --------------------------------------------------------------------------- aide facultative

CEILING = AidRules(kind="secours_urgence", qf_ceiling=700, yearly_ceiling=Decimal("300.00"))
EUR = Decimal


@pytest.mark.parametrize(
    ("amount", "qf", "granted", "rules", "outcome", "granted_amount", "reason"),
    [
        # exactly at the ceiling
        (EUR("100.00"), 650, EUR("200.00"), CEILING, AidOutcome.ALLOWED, EUR("100.00"),
         "Accordée : 100,00 € dans la limite du plafond de 300,00 € par foyer sur l'année "
         "civile."),
        # one cent over → capped
        (EUR("100.01"), 650, EUR("200.00"), CEILING, AidOutcome.CAPPED, EUR("100.00"),
         "Plafonnée à 100,00 € : plafond de 300,00 € par foyer sur l'année civile, 200,00 € "
         "déjà accordés."),
        # capped
        (EUR("250.00"), 650, EUR("120.50"), CEILING, AidOutcome.CAPPED, EUR("179.50"),
         "Plafonnée à 179,50 € : plafond de 300,00 € par foyer sur l'année civile, 120,50 € "
         "déjà accordés."),
        # one cent over with cap_partial=False → refused
        (EUR("100.01"), 650, EUR("200.00"),
         AidRules(kind="secours_urgence", qf_ceiling=700, yearly_ceiling=EUR("300.00"),
                  cap_partial=False),
         AidOutcome.REFUSED, EUR("0.00"),
         "Refusée : la demande de 100,01 € dépasse le solde disponible de 100,00 € (plafond "
         "de 300,00 € par foyer sur l'année civile)."),
        # ceiling already reached
        (EUR("50.00"), 650, EUR("300.00"), CEILING, AidOutcome.REFUSED, EUR("0.00"),
         "Refusée : plafond de 300,00 € par foyer déjà atteint sur l'année civile."),
        # QF threshold: at the threshold / one over / missing
        (EUR("50.00"), 700, EUR("0"), CEILING, AidOutcome.ALLOWED, EUR("50.00"),
         "Accordée : 50,00 € dans la limite du plafond de 300,00 € par foyer sur l'année "
         "civile."),
        (EUR("50.00"), 701, EUR("0"), CEILING, AidOutcome.REFUSED, EUR("0.00"),
         "Refusée : quotient familial 701 supérieur au plafond de 700 fixé par le règlement "
         "des aides facultatives."),
        (EUR("50.00"), None, EUR("0"), CEILING, AidOutcome.REFUSED, EUR("0.00"),
         "Refusée : quotient familial non fourni, requis par le règlement des aides "
         "facultatives."),
        # no ceiling at all
        (EUR("5000.00"), None, EUR("9999.00"), AidRules(kind="colis"), AidOutcome.ALLOWED,
         EUR("5000.00"), "Accordée : conditions remplies."),
        # rolling window wording
        (EUR("1500.00"), None, EUR("0"),
         AidRules(kind="energie", yearly_ceiling=EUR("1200.00"),
                  window=AidWindow.ROLLING_12_MONTHS),
         AidOutcome.CAPPED, EUR("1200.00"),
         "Plafonnée à 1 200,00 € : plafond de 1 200,00 € par foyer sur les 12 derniers mois, "
         "0,00 € déjà accordés."),
    ],
)
def test_check_aid(amount, qf, granted, rules, outcome, granted_amount, reason):
    decision = r.check_aid(amount, qf, granted, rules)
    assert (decision.outcome, decision.amount, fr(decision.reason)) == (
        outcome, granted_amount, reason)
    assert decision.allowed is (outcome is not AidOutcome.REFUSED)


RESOURCES = AidRules(kind="aide_cantine", resources_ceiling=Decimal("1200.00"))


@pytest.mark.parametrize(
    ("resources", "outcome", "reason"),
    [
        (EUR("1200.00"), AidOutcome.ALLOWED, "Accordée : conditions remplies."),
        (EUR("1200.01"), AidOutcome.REFUSED,
         "Refusée : ressources de 1 200,01 € supérieures au plafond de 1 200,00 € fixé par "
         "le règlement des aides facultatives."),
        (None, AidOutcome.REFUSED,
         "Refusée : ressources non fournies, requises par le règlement des aides "
         "facultatives."),
    ],
)
def test_check_aid_resources_ceiling(resources, outcome, reason):
    decision = r.check_aid(EUR("40.00"), None, EUR("0"), RESOURCES, resources=resources)
    assert (decision.outcome, fr(decision.reason)) == (outcome, reason)


@pytest.mark.parametrize(
    ("amount", "qf", "granted", "error"),
    [
        (40.0, 500, EUR("0"), TypeError),  # float money refused
        (EUR("40"), 500, 0, TypeError),
        (EUR("0"), 500, EUR("0"), ValueError),
        (EUR("-1"), 500, EUR("0"), ValueError),
        (EUR("40"), 500.5, EUR("0"), TypeError),
    ],
)
def test_check_aid_rejects_bad_values(amount, qf, granted, error):
    with pytest.raises(error):
        r.check_aid(amount, qf, granted, CEILING)


def test_aid_rules_default_window_is_calendar_year():
    assert AidRules(kind="x").window is AidWindow.CALENDAR_YEAR


@pytest.mark.parametrize(
    ("on", "window", "expected"),
    [
        (D(2025, 3, 15), AidWindow.CALENDAR_YEAR, (D(2025, 1, 1), D(2025, 12, 31))),
        (D(2025, 3, 15), AidWindow.ROLLING_12_MONTHS, (D(2024, 3, 16), D(2025, 3, 15))),
        (D(2024, 2, 29), AidWindow.ROLLING_12_MONTHS, (D(2023, 3, 1), D(2024, 2, 29))),
        (D(2025, 2, 28), AidWindow.ROLLING_12_MONTHS, (D(2024, 2, 29), D(2025, 2, 28))),
    ],
)
def test_aid_window(on, window, expected):
    assert r.aid_window(on, window) == expected


GRANTS = [
    (D(2024, 3, 15), EUR("1000.00")),
    (D(2024, 3, 16), EUR("10.00")),
    (D(2024, 12, 31), EUR("50.00")),
    (D(2025, 1, 1), EUR("100.00")),
    (D(2025, 3, 15), EUR("20.00")),
    (D(2025, 4, 1), EUR("999.00")),  # after the request date: ignored
]


@pytest.mark.parametrize(
    ("window", "total"),
    [(AidWindow.CALENDAR_YEAR, EUR("120.00")), (AidWindow.ROLLING_12_MONTHS, EUR("180.00"))],
)
def test_granted_in_window(window, total):
    assert r.granted_in_window(GRANTS, D(2025, 3, 15), window) == total


# --------------------------------------------------------------------------- aide légale


@pytest.mark.parametrize(
    ("filed", "due"),
    [(D(2025, 1, 31), D(2025, 2, 28)), (D(2025, 3, 10), D(2025, 4, 10)),
     (D(2024, 1, 30), D(2024, 2, 29))],
)
def test_legal_aid_transmission_due_one_month(filed, due):
    assert r.legal_aid_transmission_due(filed) == due


@pytest.mark.parametrize(
    ("benefit", "authority"),
    [
        (L.APA, Authority.DEPARTEMENT),
        (L.PCH, Authority.DEPARTEMENT),
        (L.HEBERGEMENT_PERSONNES_AGEES, Authority.DEPARTEMENT),
        (L.HEBERGEMENT_PERSONNES_HANDICAPEES, Authority.DEPARTEMENT),
        (L.AME, Authority.PREFET),
        (L.CHRS, Authority.PREFET),
        ("ame", Authority.PREFET),
    ],
)
def test_deciding_authority(benefit, authority):
    assert r.deciding_authority(benefit) is authority


def test_deciding_authority_unknown_benefit():
    with pytest.raises(ValueError):
        r.deciding_authority("rsa")


# --------------------------------------------------------------------------- logement social


@pytest.mark.parametrize(
    ("deposited", "due"),
    [(D(2025, 1, 31), D(2025, 2, 28)), (D(2025, 5, 20), D(2025, 6, 20))],
)
def test_logement_registration_due(deposited, due):
    assert r.logement_registration_due(deposited) == due


@pytest.mark.parametrize(
    ("last", "renewal", "reminder", "radiation"),
    [
        (D(2025, 5, 20), D(2026, 5, 20), D(2026, 4, 20), D(2026, 5, 21)),
        (D(2024, 2, 29), D(2025, 2, 28), D(2025, 1, 28), D(2025, 3, 1)),
        (D(2024, 3, 31), D(2025, 3, 31), D(2025, 2, 28), D(2025, 4, 1)),
        (D(2024, 12, 31), D(2025, 12, 31), D(2025, 11, 30), D(2026, 1, 1)),
    ],
)
def test_logement_renewal_dates(last, renewal, reminder, radiation):
    assert r.logement_renewal_due(last) == renewal
    assert r.logement_renewal_reminder_date(last) == reminder
    assert r.logement_radiation_date_if_not_renewed(last) == radiation


@pytest.mark.parametrize(
    ("lead", "reminder"),
    [(0, D(2026, 5, 20)), (2, D(2026, 3, 20)), (11, D(2025, 6, 20))],
)
def test_logement_renewal_reminder_lead(lead, reminder):
    assert r.logement_renewal_reminder_date(D(2025, 5, 20), lead_months=lead) == reminder


@pytest.mark.parametrize("lead", [-1, 12, True])
def test_logement_renewal_reminder_rejects_bad_lead(lead):
    with pytest.raises(ValueError):
        r.logement_renewal_reminder_date(D(2025, 5, 20), lead_months=lead)


# --------------------------------------------------------------------------- retention / RGPD


@pytest.mark.parametrize(
    ("last_contact", "anonymise_on"),
    [
        (D(2023, 3, 10), D(2025, 3, 11)),
        (D(2024, 2, 29), D(2026, 3, 1)),  # kept through 28 February 2026
        (D(2023, 12, 31), D(2026, 1, 1)),
    ],
)
def test_social_file_anonymise_two_years(last_contact, anonymise_on):
    assert r.social_file_anonymise_on(last_contact) == anonymise_on


@pytest.mark.parametrize(
    ("on", "anonymise"),
    [(D(2025, 3, 10), False), (D(2025, 3, 11), True)],
)
def test_social_file_retention_edge(on, anonymise):
    assert (on >= r.social_file_anonymise_on(D(2023, 3, 10))) is anonymise


@pytest.mark.parametrize(
    ("received", "extended", "due"),
    [
        (D(2025, 1, 31), False, D(2025, 2, 28)),
        (D(2025, 1, 31), True, D(2025, 4, 30)),
        (D(2025, 3, 15), False, D(2025, 4, 15)),
        (D(2025, 3, 15), True, D(2025, 6, 15)),
        (D(2023, 12, 31), True, D(2024, 3, 31)),
    ],
)
def test_gdpr_answer_due(received, extended, due):
    assert r.gdpr_answer_due(received, extended) == due


@pytest.mark.parametrize(
    ("notified", "allowed", "reason"),
    [
        (D(2025, 2, 28), True,
         "Prolongation de deux mois valable : la personne a été informée dans le premier "
         "mois ; réponse due au plus tard le 30 avril 2025 (RGPD art. 12.3)."),
        (D(2025, 3, 1), False,
         "Prolongation impossible : la personne devait être informée de la prolongation et "
         "de ses motifs au plus tard le 28 février 2025 (RGPD art. 12.3)."),
    ],
)
def test_gdpr_extension_valid(notified, allowed, reason):
    assert french(r.gdpr_extension_valid(D(2025, 1, 31), notified)) == r.Decision(allowed, reason)


# --------------------------------------------------------------------------- registre: opposition (§4.3)

F = r.RegisterFiler
NOT_YET = ("Demande d'un tiers : accusez d'abord réception, ce qui informe la personne qu'elle peut s'opposer à son "
           "inscription ; elle n'est inscrite qu'en l'absence d'opposition (CASF R121-3 ; CNIL).")
OPPOSED = ("La personne s'est opposée à son inscription : elle n'est pas inscrite au registre (inscription "
           "volontaire, CNIL).")
REGISTERED = "Inscription au registre possible (CASF L121-6-1, R121-3)."


@pytest.mark.parametrize(("filer", "acknowledged", "opposed", "allowed", "reason"), [
    (F.PERSON, False, False, True, REGISTERED),  # acknowledged and registered in one step
    (F.LEGAL_REPRESENTATIVE, False, False, True, REGISTERED),
    (F.THIRD_PARTY, False, False, False, NOT_YET),
    (F.THIRD_PARTY, True, False, True, REGISTERED),
    (F.THIRD_PARTY, True, True, False, OPPOSED),
    (F.PERSON, True, True, False, OPPOSED),
])
def test_check_registration(filer, acknowledged, opposed, allowed, reason):
    assert french(r.check_registration(filer, acknowledged=acknowledged, opposed=opposed)) == r.Decision(allowed,
                                                                                                      reason)


@pytest.mark.parametrize(("opposed_on", "allowed", "reason"), [
    (dt.date(2026, 7, 1), True, "Opposition enregistrée : la personne n'est pas inscrite."),  # the day of the request
    (dt.date(2026, 6, 30), False, "La date de l'opposition ne peut pas précéder la demande (1er juillet 2026)."),
    (dt.date(2026, 7, 20), True, "Opposition enregistrée : la personne n'est pas inscrite."),  # today
    (dt.date(2026, 7, 21), False, "La date de l'opposition ne peut pas être dans le futur."),
])
def test_check_opposition_date(opposed_on, allowed, reason):
    assert french(r.check_opposition_date(opposed_on, received_on=dt.date(2026, 7, 1),
                                          today=dt.date(2026, 7, 20))) == r.Decision(
        allowed, reason)


# --------------------------------------------------------------------------- the explanations in English

def test_the_explanations_read_in_english():
    """The same results, read by an English agent: English sentences, legal names and dates and amounts in English."""
    assert en(r.register_eligibility(D(1980, 1, 1), D(2025, 6, 1), unfit_for_work=False,
                                     benefits=[B.CARTE_INVALIDITE]).reason) == (
        "Eligible: disabled adult receiving: carte d'invalidité (CASF R121-2, c).")
    assert en(r.check_register_fields(["nom", "pathologie", "traitement"]).reason) == (
        "Fields not allowed in the register: pathologie, traitement. Only the fields the regulations provide for "
        "may be recorded (CASF R121-2 s.). No health data: only the quality (a, b or c) is recorded (CNIL).")
    assert en(r.check_register_fields(["pathologie"]).reason).startswith(
        "Field not allowed in the register: pathologie.")
    assert fr(r.check_register_fields(["pathologie"]).reason).startswith(
        "Champ(s) non autorisé(s) dans le registre : pathologie.")
    assert en(r.domiciliation_decision(LINKED, interview_held=True, renewal=True).reason) == (
        "Domiciliation renewed. Link with the commune established: stay in the commune on the date of the request "
        "(CASF R264-4).")
    assert en(r.prefect_export_allowed(False).reason) == (
        "Export refused: the register is given to the préfet only when the plan d'alerte et d'urgence is triggered.")
    assert en(r.gdpr_extension_valid(D(2025, 1, 31), D(2025, 3, 1)).reason) == (
        "Extension impossible: the person had to be told of the extension and its reasons no later than "
        "February 28, 2025 (RGPD art. 12.3).")
    assert en(r.check_opposition_date(D(2026, 6, 30), received_on=D(2026, 7, 1), today=D(2026, 7, 20)).reason) == (
        "The date of the objection cannot be before the request (July 1, 2026).")
    capped = r.check_aid(EUR("200.00"), None, EUR("120.50"), AidRules(kind="secours", yearly_ceiling=EUR("300.00")))
    assert en(capped.reason) == (
        "Capped at €179.50: ceiling of €300.00 per household over the calendar year, €120.50 already granted.")


def test_an_explanation_is_translated_when_rendered():
    """The rule returns a message, not a sentence: the same value reads in the locale active when it is shown."""
    reason = r.check_register_request(RegisterFiler.PERSON, in_writing=True).reason
    assert (fr(reason), en(reason)) == ("Demande écrite recevable (CASF R121-3).",
                                        "Written request admissible (CASF R121-3).")
