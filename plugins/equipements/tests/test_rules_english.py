"""The explanations of the équipements rules (tariffs, deposit, booking, stock,
drinks stands) in English and in French (issue 14, item 7): lazy texts,
written in the reader's language when shown; amounts, days and moments by
Babel."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from grc_core.plugin_api.testing import rules_locale

from plugins.equipements import rules
from plugins.equipements.rules import DurationUnit as U

PARIS = ZoneInfo("Europe/Paris")
# Legal names an English sentence keeps in French (docs/translations.md).
LEGAL_NAMES = re.compile(r"délibération")
ACCENTED = re.compile(r"\w*[àâçéèêëîïôûùüœ]\w*", re.I)
FRENCH_WORDS = re.compile(r"(?<![\w'])(le|la|les|des|du|une|est|pour|dans|sur|au|jours?|aucun|"
                          r"l'\w+|d'\w+|qu'\w+)(?![\w'])", re.I)


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def french_left(text: str) -> list[str]:
    text = LEGAL_NAMES.sub(" ", text)
    return FRENCH_WORDS.findall(text) + ACCENTED.findall(text)


def every_text() -> list:
    """One of each kind of explanation, refusal and error the rules write (lazy texts)."""
    opening = rules.OpeningHours.parse("01234", "08:00", "22:00")
    texts = [rules.quote({U.DAY: Decimal("100")}, at("2027-03-03T10:00"), at("2027-03-03T11:00")).legal_basis,
             rules.quote({}, at("2027-03-03T10:00"), at("2027-03-03T11:00"), free=True).legal_basis,
             opening.describe(), rules.OpeningHours(frozenset(), 480, 600).describe()]
    booking = rules.BookingInput(
        start=at("2027-03-06T07:00"), end=at("2027-03-06T23:00"), now=at("2027-03-01T09:00"), attendance=250,
        capacity=200, opening=opening, closures=[(date(2027, 3, 5), date(2027, 3, 7), "works"),
                                                 (date(2027, 3, 6), date(2027, 3, 6), "")],
        occupied=[rules.Occupation(at("2027-03-06T10:00"), at("2027-03-06T12:00"), "confirmed booking")])
    texts += [p.message for p in rules.check_booking(booking)]
    texts += [p.message for p in rules.opening_problems(at("2027-03-03T07:00"), at("2027-03-03T23:00"), opening)]
    texts += [p.message for p in rules.check_booking(rules.BookingInput(
        start=at("2027-03-10T10:00"), end=at("2027-03-10T12:00"), now=at("2027-03-01T09:00"), attendance=0,
        facility="« Town Hall Room »", occupied=[rules.Occupation(at("2027-03-10T11:00"), at("2027-03-10T13:00"),
                                                                  "option")]))]
    texts += [p.message for p in rules.check_booking(rules.BookingInput(
        start=at("2027-03-10T10:00"), end=at("2027-03-10T12:00"), now=at("2027-03-09T09:00"), notice_days=1))]
    texts += [p.message for p in rules.check_booking(rules.BookingInput(
        start=at("2027-03-10T10:00"), end=at("2027-03-10T12:00"), now=at("2027-03-11T09:00")))]
    texts += [p.message for p in rules.check_booking(rules.BookingInput(
        start=at("2027-03-10T10:00"), end=at("2027-03-10T10:00"), now=at("2027-03-01T09:00")))]
    for kept, reason in (("abc", "x"), ("-1", "x"), ("600", "x"), ("50", "")):
        texts.append(rules.settle_deposit(Decimal("500"), kept, reason).problem)
    texts += [rules.loan_problem("Tables", 0, 50, [], at("2027-03-03T10:00"), at("2027-03-03T11:00")),
              rules.loan_problem("Tables", 60, 50, [], at("2027-03-03T10:00"), at("2027-03-03T11:00"))]
    for case in (dict(groups=frozenset()), dict(groups=frozenset({1, 4})), dict(groups=frozenset({4, 5})),
                 dict(end=at("2027-07-14T09:00")), dict(organiser=rules.OrganiserKind.OTHER, already_this_year=5),
                 dict(in_sports_facility=True, end=at("2027-07-17T10:00"), already_this_year=10)):
        args = dict(organiser=rules.OrganiserKind.ASSOCIATION, start=at("2027-07-14T10:00"),
                    end=at("2027-07-14T23:00"), groups=frozenset({1, 3}), already_this_year=0) | case
        decision = rules.buvette_decision(rules.BuvetteInput(**args))
        texts += [*decision.reasons, decision.legal_basis]
    for failing in (lambda: rules.parse_hhmm("midi"), lambda: rules.deposit_due(Decimal("-1")),
                    lambda: rules.available(5, [], at("2027-03-03T10:00"), at("2027-03-03T10:00")),
                    lambda: rules.quote({}, at("2027-03-03T10:00"), at("2027-03-03T10:00")),
                    lambda: rules.quote({}, at("2027-03-03T10:00"), at("2027-03-03T11:00")),
                    lambda: rules.season_occurrences(date(2027, 1, 1), date(2027, 2, 1), 0, 600, 500)):
        with pytest.raises(ValueError) as raised:
            failing()
        texts.append(raised.value.args[0])
    return [text for text in texts if text]


def test_every_text_of_the_rules_is_english_for_an_english_reader(in_english):
    texts = [str(text) for text in every_text()]
    assert len(texts) > 35
    french = {text: french_left(text) for text in texts if french_left(text)}
    assert not french, french


def test_every_text_of_the_rules_has_its_french():
    lazy = every_text()
    with rules_locale("en", "equipements"):
        english = [str(text) for text in lazy]
    with rules_locale("fr", "equipements"):
        french = [str(text) for text in lazy]
    untranslated = [en for en, fr in zip(english, french) if en == fr and re.search(r"[a-z]{4,}", en)]
    assert not untranslated, untranslated


def test_representative_texts_in_both_languages():
    booking = rules.BookingInput(
        start=at("2027-03-06T10:00"), end=at("2027-03-06T12:00"), now=at("2027-03-01T09:00"), notice_days=15,
        facility="« Town Hall Room »", opening=rules.OpeningHours.parse("01234", "08:00", "22:00"),
        occupied=[rules.Occupation(at("2027-03-06T11:00"), at("2027-03-06T13:00"), "option")])
    problems = rules.check_booking(booking)
    deposit = rules.settle_deposit(Decimal("1500"), "2000", "Broken window")
    refused = rules.buvette_decision(rules.BuvetteInput(rules.OrganiserKind.ASSOCIATION, at("2027-07-14T10:00"),
                                                        at("2027-07-14T23:00"), frozenset({1, 4, 5}), 0))
    with rules_locale("en", "equipements"):
        assert [str(p.message) for p in problems] == [
            "Too late: a booking is asked for at least 15 days in advance (by 2/19/27 at the latest).",
            "The facility is closed on Saturday 3/6/27 (opening: Monday, Tuesday, Wednesday, Thursday, Friday, "
            "from 08:00 to 22:00).",
            "« Town Hall Room » is already booked from 3/6/27 at 11:00 to 3/6/27 at 13:00 (option)."]
        assert str(deposit.problem) == "The amount kept exceeds the deposit (€1,500)."
        assert deposit.problem_input == "kept"
        assert tuple(map(str, refused.reasons)) == ("Only drinks of groups 1 and 3 may be sold at a temporary drinks stand "
                                   "(groups 4, 5 refused; CSP L3334-2).",)
        assert str(rules.FEE_BASIS).startswith("Fee for the occupation of the public domain")
    with rules_locale("fr", "equipements"):
        assert [str(p.message) for p in problems] == [
            "Trop tard : une réservation se demande au moins 15 jours à l'avance (au plus tard le 19/02/2027).",
            "L'équipement est fermé le samedi 06/03/2027 (ouverture : lundi, mardi, mercredi, jeudi, vendredi, "
            "de 08:00 à 22:00).",
            "« Town Hall Room » est déjà réservé du 06/03/2027 à 11:00 au 06/03/2027 à 13:00 (option)."]
        # Babel's French: a narrow no-break space between thousands, a no-break space before the sign.
        assert str(deposit.problem) == "Le montant retenu dépasse la caution (1\u202f500\xa0€)."
        assert str(rules.FEE_BASIS).startswith("Redevance d'occupation du domaine public")
