"""Headless Chromium: the counter agent files a demande d'acte; the refusal of a
tiers asking a copie intégrale shows in French, the accepted request shows its panel."""
import pytest

from sqlalchemy import select

from grc_core.plugin_api import Request, db
from grc_core.plugin_api.testing import browser_login, in_commune

from .helpers import setup_town

pytestmark = pytest.mark.browser


def test_counter_agent_files_a_demande_d_acte(app, live_server, page):
    town = setup_town(app)
    browser_login(page, live_server, "agent@a.fr")
    page.goto(f"{live_server}/admin/intake/?type={town.types['etat_civil.acte']}&citizen={town.citizen}")
    page.select_option("#channel", "guichet") if page.locator("#channel").count() else None
    page.select_option("[name=f_acte]", "naissance")
    page.select_option("[name=f_document]", "copie_integrale")
    page.select_option("[name=f_qualite]", "tiers")
    for name, value in (("nom", "Martin"), ("prenoms", "Jeanne"), ("date_naissance", "1990-04-02"),
                        ("lieu_naissance", "Orléans"), ("nom_parent_1", "Martin"), ("prenom_parent_1", "Paul"),
                        ("nom_parent_2", "Durand"), ("prenom_parent_2", "Anne"), ("demandeur_nom", "Petit"),
                        ("demandeur_prenoms", "Luc")):
        page.fill(f"[name=f_{name}]", value)
    page.select_option("[name=f_delivrance]", "guichet")
    assert not page.locator("[name=f_date_deces]").is_visible()  # another act's field stays hidden
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert "Un tiers ne peut obtenir qu'un extrait sans filiation d'un acte de naissance" in page.content()
    page.screenshot(path="/tmp/etat_civil_refused.png", full_page=True)
    page.select_option("[name=f_qualite]", "interesse_majeur")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    with in_commune(app, town.id):
        request_id = db.session.scalar(select(Request.id))
    assert request_id is not None
    page.goto(f"{live_server}/admin/requests/{request_id}/")
    assert "Recevable : le demandeur peut obtenir ce document." in page.content()
    page.screenshot(path="/tmp/etat_civil_request.png", full_page=True)


def test_the_civil_status_dashboard_with_the_demo_month(app, live_server, page):
    from grc_core.plugin_api import Commune

    from plugins.etat_civil.plugin import grc_demo_data

    town = setup_town(app)
    with in_commune(app, town.id):
        grc_demo_data(db.session.get(Commune, town.id))
        db.session.commit()
    browser_login(page, live_server, "admin@a.fr")
    page.goto(f"{live_server}/admin/dashboards/etat_civil/")
    page.wait_for_load_state()
    assert "Actes demandés par mois" in page.content()
    page.screenshot(path="/tmp/etat_civil_dashboard.png", full_page=True)
