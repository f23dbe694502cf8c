"""Headless Chromium: the front desk files an inscription, the agent issues
and prints the certificat d'inscription, in French."""
import pytest

from grc_core.plugin_api.testing import browser_login

from .conftest import last_request

pytestmark = pytest.mark.browser


def test_an_inscription_from_the_desk_to_the_printed_certificate(app, live_server, page, town):
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/?citizen={town.parent}&type={town.types['ecoles.inscription']}")
    page.fill("#f_enfant_prenom", "Lina")
    page.fill("#f_enfant_nom", "Garnier")
    page.fill("#f_enfant_naissance", "2024-05-10")
    page.fill("#f_annee_scolaire", "2027")
    page.fill("#f_adresse_numero", "12")
    page.fill("#f_adresse_voie", "rue des Lilas")
    page.check("#f_attestation_honneur")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    request_id = last_request(app, town.id)
    assert request_id is not None

    page.context.clear_cookies()
    browser_login(page, live_server, "agent@a.fr")
    page.goto(f"{live_server}/admin/requests/{request_id}/")
    assert "École maternelle Les Lilas" in page.locator(".grc-plugin-panel").inner_text()
    for action in ("verifier", "affecter"):
        page.locator(f"#transitions button[value={action}]").click()
        page.wait_for_load_state()
    page.get_by_text("Imprimer le certificat d'inscription").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().upper() == "CERTIFICAT D'INSCRIPTION"
    assert "petite section" in page.locator("body").inner_text()
