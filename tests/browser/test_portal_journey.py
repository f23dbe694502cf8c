"""Headless Chromium on a phone-size screen (390×844): a citizen signs up,
verifies the address, files a démarche with a document, follows it, answers
the town hall's request for a piece, and sees it closed.

Set ``GRC_PORTAL_SCREENSHOTS`` to a folder to keep a screenshot of each step.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Message, Request, User
from grc_core.plugin_api.testing import apply_as, in_commune, make_agent
from grc_core.requests.service import add_message
from tests.portal.portal_support import PASSWORD, english_client, last_link, setup_portal_commune, verified_citizen

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def _shot(page, name):
    folder = os.environ.get("GRC_PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    # Usable on a phone: nothing wider than the screen. The locator waits for
    # the page a click led to (page.evaluate may run between two documents).
    page.wait_for_load_state()
    assert page.locator("html").evaluate("html => html.scrollWidth") <= PHONE["width"], name


def test_a_citizen_signs_up_files_and_follows_on_a_phone(app, live_server, phone, tmp_path):
    town = setup_portal_commune(app)
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    page = phone
    page.goto(f"{live_server}{town.base}/")
    _shot(page, "1-catalogue")
    page.click("text=Créer un compte")
    page.fill("#first_name", "Léa")
    page.fill("#last_name", "Roux")
    page.fill("#birth_date", "1990-04-12")
    page.fill("#email", "lea@example.org")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    _shot(page, "2-sign-up")
    page.click("button:has-text('Créer mon compte')")
    page.wait_for_load_state()
    assert "Consultez votre messagerie" in page.inner_text("h1")
    page.goto(f"{live_server}{last_link(app, 'lea@example.org')}")
    page.click("button:has-text('Confirmer mon adresse')")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "Mes demandes"
    page.click("nav >> text=Démarches")
    page.wait_for_url("**/portal/")
    page.click("text=Demande de bacs")
    page.wait_for_url("**/procedures/bacs")
    _shot(page, "3-demarche")
    page.click("text=Commencer cette démarche")
    page.fill("[name=f_motif]", "Mon bac jaune est fendu")
    page.fill("[name=f_nombre]", "1")
    document = tmp_path / "bac.pdf"
    document.write_bytes(b"%PDF-1.4 photo du bac")
    page.set_input_files("#attachments", str(document))
    _shot(page, "4-form")
    page.click("button:has-text('Envoyer ma demande')")
    page.wait_for_load_state()
    with in_commune(app, town.id):
        req = db.session.scalar(select(Request))
        reference, request_id = req.reference, req.id
    assert reference in page.inner_text("main")
    _shot(page, "5-filed")
    page.click("text=Suivre cette demande")
    assert page.inner_text("#state") == "Nouvelle"
    # The town hall asks for a piece.
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "prendre")
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "attendre")
    with in_commune(app, town.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@villeneuve.fr"))
        add_message(db.session.get(Request, request_id), "Merci d'envoyer une photo du bac.", public=True,
                    actor=agent)
    page.reload()
    assert page.inner_text("#state") == "En attente de pièces"
    assert "Merci d'envoyer une photo du bac." in page.inner_text("#content")
    page.fill("#body", "Voici la photo demandée.")
    page.set_input_files("#attachments", str(document))
    _shot(page, "6-reply")
    page.click("button:has-text('Envoyer')")
    page.wait_for_load_state()
    assert "Voici la photo demandée." in page.inner_text("#content")
    with in_commune(app, town.id):
        assert db.session.scalar(select(Message.citizen_account_id).where(Message.body == "Voici la photo demandée."))
    apply_as(app, town.id, "agent@villeneuve.fr", request_id, "clore")
    page.click("nav >> text=Mes demandes")
    assert "Close" in page.inner_text("main")
    _shot(page, "7-my-requests")


def test_signing_in_with_the_keyboard_only(app, live_server, phone):
    """The skip link first, then the form in order; Enter submits."""
    town = setup_portal_commune(app)
    client_page = phone
    verified_citizen(app, english_client(app), town)
    client_page.goto(f"{live_server}{town.base}/account/sign-in")
    keyboard = client_page.keyboard
    keyboard.press("Tab")
    assert client_page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    keyboard.press("Enter")
    keyboard.press("Tab")
    assert client_page.evaluate("document.activeElement.id") == "email"
    keyboard.type("lea@example.org")
    keyboard.press("Tab")
    assert client_page.evaluate("document.activeElement.id") == "password"
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    client_page.wait_for_load_state()
    assert client_page.inner_text("h1") == "Mes demandes"
