"""Headless Chromium: an administrator signs in and enables a domain, in French."""
import pytest

from grc_core.plugin_api.testing import browser_login, make_agent, make_commune

pytestmark = pytest.mark.browser


def test_admin_signs_in_and_toggles_a_domain(app, live_server, page):
    names = app.extensions["grc"].names
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin", full_name="Claire Morel")

    page.goto(f"{live_server}/login")
    assert page.locator("button[type=submit]").inner_text() == "Se connecter"
    page.fill("#email", "admin@a.fr")
    page.fill("#password", "pas-le-bon")
    page.click("button[type=submit]")
    assert page.locator(".invalid-feedback").inner_text() == "Adresse e-mail inconnue ou mot de passe erroné."

    browser_login(page, live_server, "admin@a.fr")
    assert page.locator("h1").inner_text() == "Bonjour Claire Morel"
    if not names:
        return
    page.goto(f"{live_server}/admin/core_plugins/")
    page.locator(f"form[action$='/{names[0]}/enable'] button").click()
    page.wait_for_load_state()
    assert "activé" in page.locator(".alert").first.inner_text()
    assert page.locator(f"a[href$='/{names[0]}/disable']").count() == 1
