"""Headless Chromium: the front desk files a booking of the salle des fêtes,
the service confirms it with the insurance, hands the keys over, takes them
back and returns the deposit, in French."""
import pytest

from grc_core.plugin_api.testing import browser_login

from .conftest import last_request

pytestmark = pytest.mark.browser


def test_a_booking_from_the_desk_to_the_returned_deposit(app, live_server, page, town):
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/?citizen={town.citizen}&type={town.types['equipements.reservation']}")
    page.fill("#f_equipement", "Salle des fêtes")
    page.select_option("#f_categorie", "resident")
    page.fill("#f_date_debut", "2028-06-17")
    page.select_option("#f_heure_debut", "10:00")
    page.fill("#f_date_fin", "2028-06-17")
    page.select_option("#f_heure_fin", "20:00")
    page.fill("#f_objet", "Mariage")
    page.fill("#f_participants", "90")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    request_id = last_request(app, town.id)
    assert request_id is not None

    page.context.clear_cookies()
    browser_login(page, live_server, "chef@a.fr")
    page.goto(f"{live_server}/admin/requests/{request_id}/")
    panel = page.locator(".grc-plugin-panel").first.inner_text()
    assert "Salle des fêtes" in panel and "150\xa0€" in panel and "attestation non reçue" in panel
    page.locator("#transitions button[value=poser_option]").click()
    page.wait_for_load_state()
    page.fill("#t_confirmer__assurance_reference", "MAIF n° 1234567")
    page.locator("#transition-confirmer button[type=submit]").click()
    page.wait_for_load_state()
    assert "500\xa0€ — Détenue" in page.locator(".grc-plugin-panel").first.inner_text()
    assert page.get_by_text("Convention d'occupation (PDF)").count() == 1
    page.fill("#t_remettre__etat_des_lieux_entree", "Salle propre, 90 chaises.")
    page.locator("#transition-remettre button[type=submit]").click()
    page.wait_for_load_state()
    page.fill("#t_restituer__etat_des_lieux_sortie", "Rien à signaler.")
    page.locator("#transition-restituer button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("#transition-solder button[type=submit]").click()
    page.wait_for_load_state()
    panel = page.locator(".grc-plugin-panel").first.inner_text()
    assert "Caution soldée" in panel and "500\xa0€ — Rendue" in panel
