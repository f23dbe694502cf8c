"""The pages of notifications in Chromium: « Mes préférences » and the
unsubscribe page on a 360-pixel phone and at 1366 px, and the 360° record's
« Portail et notifications » card — axe-core finds no serious or critical
violation, nothing is wider than the screen, the keyboard alone saves the
preferences.

Set ``GRC_PORTAL_SCREENSHOTS`` to a folder to keep a screenshot of each page.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from grc_core.extensions import db
from grc_core.models import Citizen
from grc_core.notifications.unsubscribe import citizen_token
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from tests.portal.portal_support import BIRTH, PASSWORD, last_link, setup_portal_commune

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
WIDTHS = (360, 1366)


def check(page, name, width):
    results = axe_playwright.Axe().run(page)
    serious = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, (name, width, serious)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
    folder = os.environ.get("GRC_PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"notify-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_preferences_and_unsubscribe_pages_are_accessible_and_keyboard_usable(app, live_server, chromium, width):
    town = setup_portal_commune(app)
    with in_commune(app, town.id):
        citizen = Citizen(first_name="Léa", last_name="Roux", email="lea@example.org", birth_date=BIRTH)
        db.session.add(citizen)
        db.session.commit()
        citizen_id, token = citizen.id, citizen_token(citizen)
    context = chromium.new_context(locale="fr-FR", viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}{town.base}/account/sign-up")
    page.fill("#first_name", "Léa")
    page.fill("#last_name", "Roux")
    page.fill("#birth_date", "1990-04-12")
    page.fill("#email", "lea@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_load_state()
    page.goto(f"{live_server}{last_link(app, 'lea@example.org')}")
    page.click("button:has-text('Confirmer mon adresse')")
    page.wait_for_load_state()

    page.click("nav >> text=Mes préférences")
    assert page.inner_text("h1") == "Mes préférences"
    check(page, "preferences", width)
    # SMS without a number: the message next to the field.
    page.check("#channel-1")
    page.click("button:has-text('Enregistrer mes préférences')")
    page.wait_for_load_state()
    assert "Indiquez un numéro de mobile" in page.inner_text("[data-grc-error-for=mobile]")
    check(page, "preferences-error", width)
    # The keyboard alone: the number, then Enter submits.
    page.focus("#mobile")
    page.keyboard.type("06 12 34 56 78")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Vos préférences sont enregistrées." in page.inner_text("main")
    with in_commune(app, town.id):
        assert db.session.get(Citizen, citizen_id).notify_channel == "sms"

    page.goto(f"{live_server}{town.base}/unsubscribe/{token}")
    check(page, "unsubscribe", width)
    page.click("main button:has-text('Se désabonner')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Votre désabonnement est enregistré"
    check(page, "unsubscribed", width)
    page.goto(f"{live_server}{town.base}/unsubscribe/faux-jeton-de-desabonnement")
    assert page.inner_text("h1") == "Ce lien n'est pas valide"
    check(page, "unsubscribe-invalid", width)
    context.close()


def test_the_records_portal_card_is_accessible(app, live_server, page):
    town = setup_portal_commune(app)
    make_agent(app, town.id, "agent@villeneuve.fr", "agent")
    with in_commune(app, town.id):
        citizen = Citizen(first_name="Léa", last_name="Roux", email="lea@example.org", birth_date=BIRTH,
                          notify_channel="sms", phone="06 12 34 56 78")
        db.session.add(citizen)
        db.session.commit()
        citizen_id = citizen.id
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live_server, "agent@villeneuve.fr")
    page.goto(f"{live_server}/admin/citizens/{citizen_id}/")
    assert "Portail et notifications" in page.inner_text("#portal")
    check(page, "record-portal-card", 1366)
    page.click("#portal button:has-text('Inviter sur le portail')")
    page.wait_for_load_state()
    assert "Invitation au portail envoyée à lea@example.org." in page.inner_text("body")
