"""Answering from the e-mail's link on a phone-sized screen, then the results page."""
from __future__ import annotations

import pytest

from grc_core.plugin_api.testing import browser_login
from plugins.enquetes.tests.test_surveys import configure, sent_survey, survey_link, town  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_citizen_answers_from_a_phone(app, live_server, chromium, town):  # noqa: F811
    configure(town)
    sent_survey(town)
    phone = chromium.new_context(locale="fr-FR", viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    page.goto(f"{live_server}{survey_link(town, 2)}/2")
    assert "Merci : votre note « Insatisfait » est enregistrée." in page.text_content("#survey-recorded")
    page.click("label[for=resolved-partly]")  # what a finger taps: the label (Bootstrap draws the radio)
    assert page.is_checked("#resolved-partly")
    page.get_by_label("Commentaire (facultatif)").fill("Le trou est rebouché mais le marquage manque.")
    page.screenshot(path="/tmp/enquetes_answer_phone.png", full_page=True)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "Merci : votre réponse est enregistrée." in page.text_content("#survey-thanks")
    phone.close()


def test_the_results_page(app, live_server, page, town):  # noqa: F811
    configure(town)
    sent_survey(town)
    page.goto(f"{live_server}{survey_link(town, 5)}/5")
    browser_login(page, live_server, "chef@a.fr")
    page.goto(f"{live_server}/admin/enquetes/results/")
    cells = page.locator("#results-total tbody th, #results-total tbody td").all_text_contents()
    assert [c.strip() for c in cells[:4]] == ["Tous", "1", "1", "100,0 %"]  # a French page: a decimal comma
    page.screenshot(path="/tmp/enquetes_results.png", full_page=True)

