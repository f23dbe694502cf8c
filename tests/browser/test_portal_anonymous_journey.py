"""Headless Chromium: the journey without an account. On a phone (390×844)
a citizen files a démarche with a document, opens the verification link of
the e-mail, and follows the request through its private tracking link; at
1366 px an agent asks for a piece, the citizen's answer resumes the request,
and the agent closes it — the citizen sees it closed.

Set ``GRC_PORTAL_SCREENSHOTS`` to a folder to keep a screenshot of each step.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Commune, Request, Workflow
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from grc_core.portal.anonymous import SETTING
from tests.browser.test_accessibility import serious
from tests.portal.portal_support import mails_to, setup_portal_commune
from tests.portal.test_portal_anonymous import CONFIRM, RESUMING, TRACK

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(chromium):
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    yield context.new_page()
    context.close()


def _shot(page, name):
    folder = os.environ.get("GRC_PORTAL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
    # Usable on a phone: nothing wider than the screen; the page's content accessible (axe-core: no serious
    # or critical finding). The portal's frame (header, footer) is checked by the portal's accessibility tests.
    page.wait_for_load_state()
    assert page.locator("html").evaluate("html => html.scrollWidth") <= PHONE["width"], name
    assert serious(axe_playwright.Axe().run(page, context="#content")) == [], name


def _link(app, pattern) -> str:
    """The path of the last e-mailed link of this kind (the live server's host taken out)."""
    found = [found for message in mails_to(app, "lea@example.org") for found in pattern.findall(message.body)][-1]
    return re.sub(r"^https?://[^/]+", "", found)


def _act(desk, live_server, request_id, code):
    desk.goto(f"{live_server}/admin/requests/{request_id}/")
    # A closing action asks first: the agent accepts.
    desk.once("dialog", lambda dialog: dialog.accept())
    with desk.expect_navigation():
        desk.click(f"button[name=transition][value={code}]")


def test_without_an_account_a_citizen_files_verifies_follows_and_answers(app, live_server, phone, desk, tmp_path):
    town = setup_portal_commune(app)
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), SETTING: True}
        db.session.get(Workflow, town.workflow).definition = RESUMING
        db.session.commit()
    page = phone
    page.goto(f"{live_server}{town.base}/procedures/bacs")
    assert "Pas besoin de compte" in page.inner_text("main")
    page.click("text=Commencer cette démarche")
    page.fill("#first_name", "Léa")
    page.fill("#last_name", "Roux")
    page.fill("#email", "lea@example.org")
    page.fill("[name=f_motif]", "Mon bac jaune est fendu")
    document = tmp_path / "bac.pdf"
    document.write_bytes(b"%PDF-1.4 photo du bac")
    page.set_input_files("#attachments", str(document))
    _shot(page, "anonymous-1-form")
    page.click("button:has-text('Envoyer ma demande')")
    page.wait_for_load_state()
    assert "Consultez votre messagerie" in page.inner_text("h1")
    with in_commune(app, town.id):
        assert db.session.scalar(select(Request.id)) is None  # nobody at the town hall sees it yet
    page.goto(f"{live_server}{_link(app, CONFIRM)}")
    page.click("button:has-text('Envoyer ma demande à la mairie')")
    page.wait_for_load_state()
    with in_commune(app, town.id):
        req = db.session.scalar(select(Request))
        reference, request_id = req.reference, req.id
    assert reference in page.inner_text("main")
    track = _link(app, TRACK)
    assert track in page.inner_text("main")
    _shot(page, "anonymous-2-confirmation")
    page.click("a.btn:has-text('Suivre cette demande')")
    page.wait_for_load_state()
    assert page.inner_text("#state") == "Nouvelle"
    _shot(page, "anonymous-2b-tracking-new")
    # The town hall takes it and asks for a piece.
    browser_login(desk, live_server, "agent@villeneuve.fr")
    _act(desk, live_server, request_id, "prendre")
    _act(desk, live_server, request_id, "attendre")
    desk.fill("#message-body", "Merci d'envoyer une photo du bac.")
    with desk.expect_navigation():
        desk.click("button[name=visibility][value=public]")
    page.goto(f"{live_server}{track}")
    assert page.inner_text("#state") == "En attente de pièces"
    assert "Merci d'envoyer une photo du bac." in page.inner_text("#content")
    page.fill("#body", "Voici la photo demandée.")
    page.set_input_files("#attachments", str(document))
    _shot(page, "anonymous-3-tracking")
    page.click("button:has-text('Envoyer')")
    page.wait_for_load_state()
    # The answer resumed the request.
    assert "Voici la photo demandée." in page.inner_text("#content")
    assert page.inner_text("#state") == "En cours"
    desk.goto(f"{live_server}/admin/requests/{request_id}/")
    assert "Voici la photo demandée." in desk.inner_text("body")
    assert re.search(r"En attente de pièces → En cours \(réponse de l’usager\)", desk.inner_text("body"))
    assert "Révoquer le lien de suivi" in desk.inner_text("#tracking-links")
    # The card this journey adds to the request page (the page itself: tests/browser/test_accessibility.py).
    assert serious(axe_playwright.Axe().run(desk, context="#tracking-links")) == []
    _act(desk, live_server, request_id, "clore")
    page.goto(f"{live_server}{track}")
    assert page.inner_text("#state") == "Close"
    assert "Écrire à la mairie" not in page.inner_text("#content")
    _shot(page, "anonymous-4-closed")
