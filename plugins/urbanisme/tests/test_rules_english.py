"""The rules' explanations in English and in French (issue 14, item 7).

The rules return lazy texts: English sources, their French in the plugin's
catalog, written when shown in the reader's language; dates by Babel. Every
kind of explanation is rendered here in both languages: the English has no
French left (words, accents — the legal names aside), the French is the
catalog's (no English source shown as is)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from grc_core.plugin_api.testing import rules_locale

from plugins.urbanisme.rules import (
    Circumstance, ConformityCase, ExceptionalProlongation, LegalDeadlineInput, Procedure, UrbanismeRuleError,
    certificate_validity_end, completeness_expiry, conformity_check_deadline, decision_display_deadlines,
    deposit_notice_deadline, file_number, follow_up_number, follow_up_refusal, follow_up_type_refusal,
    instruction_delay, legal_deadline, pieces_request_status, prorogation_request_deadline, tacit_outcome,
    third_party_appeal_end, validity_end, withdrawal_window_end,
)

P, C, D = Procedure, Circumstance, date
# The legal names an English sentence keeps in French (docs/translations.md).
LEGAL_NAMES = re.compile(r"Architecte des Bâtiments de France|préfet|récolement|Code de l'urbanisme")
ACCENTED = re.compile(r"\w*[àâçéèêëîïôûùüœ]\w*", re.I)
FRENCH_WORDS = re.compile(r"(?<![\w'])(le|la|les|des|du|une|est|pour|dans|sur|mois|délai|jusqu'au|"
                          r"l'\w+|d'\w+|qu'\w+)(?![\w'])", re.I)


def french_left(text: str) -> list[str]:
    text = LEGAL_NAMES.sub(" ", text)
    return FRENCH_WORDS.findall(text) + ACCENTED.findall(text)


def every_explanation() -> list:
    """One of each kind of explanation and error the rules write (lazy texts)."""
    texts = []
    for procedure in (P.DECLARATION_PREALABLE, P.PERMIS_DE_CONSTRUIRE_MI, P.PERMIS_DE_CONSTRUIRE, P.PERMIS_AMENAGER,
                      P.PERMIS_DEMOLIR, P.CERTIFICAT_URBANISME_A, P.CERTIFICAT_URBANISME_B, P.PROROGATION):
        delay = instruction_delay(procedure, list(Circumstance), list(ExceptionalProlongation),
                                  deposit_date=D(2025, 6, 2))
        texts += [*delay.reasons, procedure.label, delay.silence_outcome.label]
        for facts in (LegalDeadlineInput(D(2026, 1, 31), None, delay),
                      LegalDeadlineInput(D(2026, 1, 31), None, delay, modification_notified_on=D(2026, 2, 10),
                                         prolongation_notified_on=D(2026, 3, 1)),
                      LegalDeadlineInput(D(2026, 1, 31), None, delay, modification_notified_on=D(2026, 3, 10),
                                         prolongation_notified_on=D(2027, 3, 1)),
                      LegalDeadlineInput(D(2026, 1, 31), None, delay, pieces_request_date=D(2026, 3, 20)),
                      LegalDeadlineInput(D(2026, 1, 31), D(2026, 2, 20), delay),
                      LegalDeadlineInput(D(2026, 1, 31), D(2026, 2, 20), delay,
                                         inquiry_report_received_on=D(2026, 5, 4))):
            deadline = legal_deadline(facts)
            texts += [*deadline.reasons, deadline.explanation]
    for circumstances in ([C.ABORDS_MONUMENT_HISTORIQUE], [C.IMMEUBLE_INSCRIT_MH], [C.EVALUATION_ENVIRONNEMENTALE]):
        texts += instruction_delay(P.PERMIS_DE_CONSTRUIRE, circumstances, deposit_date=D(2026, 1, 5)).reasons
    texts += instruction_delay(P.PERMIS_MODIFICATIF, initial_procedure=P.PERMIS_AMENAGER).reasons
    texts += tacit_outcome(P.DECLARATION_PREALABLE).reasons + tacit_outcome(P.PERMIS_DEMOLIR).reasons
    for previous, day, listed in (((), D(2026, 2, 10), True), ((), D(2026, 3, 10), True), ((D(2026, 2, 1),),
                                  D(2026, 2, 10), True), ((), D(2026, 2, 10), False)):
        texts.append(pieces_request_status(D(2026, 1, 31), day, previous, listed_in_code=listed).reason)
    texts += [completeness_expiry(P.PERMIS_DE_CONSTRUIRE, D(2026, 1, 31)).explanation,
              deposit_notice_deadline(D(2026, 1, 31)).explanation,
              decision_display_deadlines(D(2026, 3, 2)).explanation,
              decision_display_deadlines(D(2026, 3, 2), D(2026, 3, 20)).explanation,
              validity_end(D(2026, 2, 28)).explanation, validity_end(D(2026, 1, 31), 2).explanation,
              validity_end(D(2026, 1, 31), 1).explanation,
              prorogation_request_deadline(D(2029, 4, 30)).explanation,
              certificate_validity_end(D(2026, 1, 31)).explanation,
              certificate_validity_end(D(2026, 1, 31), 3).explanation,
              third_party_appeal_end(D(2026, 3, 1)).explanation, third_party_appeal_end(D(2026, 3, 4)).explanation,
              conformity_check_deadline(D(2026, 1, 31)).explanation,
              conformity_check_deadline(D(2026, 1, 31), ConformityCase.SITE_CLASSE).explanation,
              withdrawal_window_end(D(2026, 11, 30)).explanation]
    for follow_up in (P.PERMIS_MODIFICATIF, P.TRANSFERT_PERMIS, P.PROROGATION, P.DECLARATION_OUVERTURE_CHANTIER,
                      P.DAACT):
        texts += [follow_up_type_refusal(follow_up, P.CERTIFICAT_URBANISME_A) or follow_up_type_refusal(
                      follow_up, P.DAACT),
                  follow_up_refusal(follow_up, P.PERMIS_DE_CONSTRUIRE, granted=False, filed_on=D(2026, 1, 5))]
    texts += [follow_up_refusal(P.PROROGATION, P.PERMIS_DE_CONSTRUIRE, granted=True, filed_on=D(2026, 1, 5),
                                prorogations=2),
              follow_up_refusal(P.PROROGATION, P.PERMIS_DE_CONSTRUIRE, granted=True, filed_on=D(2026, 1, 5),
                                validity_last_day=D(2025, 12, 31)),
              follow_up_refusal(P.PROROGATION, P.CERTIFICAT_URBANISME_A, granted=True, filed_on=D(2026, 1, 5),
                                validity_last_day=D(2026, 2, 1))]
    for failing in (lambda: instruction_delay(P.DAACT), lambda: instruction_delay(P.PERMIS_MODIFICATIF),
                    lambda: completeness_expiry(P.CERTIFICAT_URBANISME_A, D(2026, 1, 5)),
                    lambda: legal_deadline(LegalDeadlineInput(D(2026, 1, 31), None, instruction_delay(P.PERMIS_DEMOLIR),
                                                              pieces_request_date=D(2026, 2, 3))),
                    lambda: legal_deadline(LegalDeadlineInput(D(2026, 1, 31), D(2026, 6, 3),
                                                              instruction_delay(P.PERMIS_DEMOLIR),
                                                              pieces_request_date=D(2026, 2, 3))),
                    lambda: validity_end(D(2026, 1, 5), 3), lambda: file_number("XX", "45901", 2026, 1),
                    lambda: file_number("PC", "4590", 2026, 1), lambda: file_number("PC", "45901", 2026, 0),
                    lambda: follow_up_number("nonsense", P.PERMIS_MODIFICATIF, 1),
                    lambda: follow_up_number("DP 045 901 26 00001", P.PERMIS_MODIFICATIF, 1),
                    lambda: follow_up_number("PC 045 901 26 00001", P.PERMIS_MODIFICATIF, 100),
                    lambda: follow_up_number("PC 045 901 26 00001", P.PERMIS_DE_CONSTRUIRE, 1),
                    lambda: decision_display_deadlines(D(2026, 3, 2), D(2026, 3, 1))):
        with pytest.raises(UrbanismeRuleError) as raised:
            failing()
        texts.append(raised.value.args[0])
    return [text for text in texts if text]


def test_every_explanation_is_english_for_an_english_reader(in_english):
    texts = [str(text) for text in every_explanation()]
    assert len(texts) > 150
    french = {text: french_left(text) for text in texts if french_left(text)}
    assert not french, french


def test_every_explanation_is_the_catalogs_french_for_a_french_reader():
    lazy = every_explanation()
    with rules_locale("en", "urbanisme"):
        english = [str(text) for text in lazy]
    with rules_locale("fr", "urbanisme"):
        french = [str(text) for text in lazy]
    # An English source shown as is to a French reader would be a message without its French.
    untranslated = [en for en, fr in zip(english, french) if en == fr and re.search(r"[a-z]{4,}", en)]
    assert not untranslated, untranslated


def test_representative_explanations_in_both_languages():
    delay = instruction_delay(P.DECLARATION_PREALABLE, [C.ABORDS_MONUMENT_HISTORIQUE])
    deadline = legal_deadline(LegalDeadlineInput(D(2026, 1, 31), None, delay))
    refusal = follow_up_refusal(P.TRANSFERT_PERMIS, P.PERMIS_DE_CONSTRUIRE, granted=False, filed_on=D(2026, 1, 5))
    appeal = third_party_appeal_end(D(2026, 3, 1))
    with rules_locale("en", "urbanisme"):
        reasons = [str(reason) for reason in delay.reasons]
        assert reasons[0] == "Base delay [R*423-23 a)] — prior declaration of works: 1 month."
        assert ("One-month majoration [R*423-24 c)]: surroundings of historic monuments → 2 months."
                in reasons)
        assert str(deadline.explanation) == (
            "Instruction delay of 1 month running from 1/31/26 — deposit of the complete file in mairie "
            "(R*423-19). Not a clear delay, counted from day-number to day-number: last day to notify an "
            "express decision 2/28/26 (no 31 in the month of expiry: the delay ends on the last day of the "
            "month, C. proc. civ. art. 641). Without notification, tacit decision of non-opposition on 3/1/26.")
        assert str(refusal) == ("The original authorisation (building permit) was not granted — no approval "
                                "notified, no tacit approval or non-opposition: it cannot be transferred.")
        assert "moved to the next working day, 5/4/26" in str(appeal.explanation)
    with rules_locale("fr", "urbanisme"):
        reasons = [str(reason) for reason in delay.reasons]
        assert reasons[0] == "Délai de base [R*423-23 a)] — déclaration préalable : 1 mois."
        assert "Majoration d'un mois [R*423-24 c)] : abords des monuments historiques → 2 mois." in reasons
        assert str(deadline.explanation) == (
            "Délai d'instruction de 1 mois courant à compter du 31/01/2026 — dépôt du dossier complet en mairie "
            "(R*423-19). Délai non franc, de quantième à quantième : dernier jour pour notifier une décision "
            "expresse le 28/02/2026 (pas de 31 dans le mois d'échéance : le délai expire le dernier jour du "
            "mois, C. proc. civ. art. 641). À défaut de notification, décision de non-opposition tacite le "
            "01/03/2026.")
        assert str(refusal) == ("L'autorisation initiale (permis de construire) n'a pas été accordée — ni accord "
                                "notifié, ni accord tacite ou non-opposition : elle ne peut faire l'objet d'un "
                                "transfert.")
        assert "reporté au premier jour ouvrable suivant, le 04/05/2026" in str(appeal.explanation)


def test_outside_an_application_the_english_source_is_written_with_english_dates():
    """No locale to write in (a script without an application): the English sources, dates in English."""
    explanation = deposit_notice_deadline(D(2026, 1, 31)).explanation
    assert str(explanation).startswith("Deposit on 1/31/26: notice of deposit to post in mairie")
