"""A barometer survey answered from its e-mail's link on a phone-sized
screen, and its back-office pages: no serious or critical axe-core
violation (the core's walk covers only pages without an id)."""
from __future__ import annotations

import pytest

from grc_core.plugin_api.testing import browser_login
from plugins.enquetes.tests.test_barometers import create, link_of, send, town  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_barometer_answered_on_a_phone_and_its_pages_accessible(app, live_server, chromium, page, town):  # noqa: F811
    """The survey's first page and questions on a phone, then the back office's barometer pages: no serious
    or critical axe-core violation, in French."""
    axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_playwright.Axe()
    barometer_id = create(town)
    send(town, barometer_id)
    phone = chromium.new_context(locale="fr-FR", viewport={"width": 375, "height": 740}, is_mobile=True)
    mobile = phone.new_page()
    mobile.goto(f"{live_server}{link_of(town, 'pres1@x.fr')}")
    assert "Anonymes" in mobile.text_content("#survey-anonymity")
    assert not serious(axe.run(mobile))
    mobile.fill("#f_proprete", "4")
    mobile.select_option("#f_transport", "velo")
    mobile.screenshot(path="/tmp/enquetes_barometer_phone.png", full_page=True)
    mobile.click("button[type=submit]")
    mobile.wait_for_load_state()
    assert "Merci : votre réponse est enregistrée." in mobile.text_content("#survey-thanks")
    phone.close()
    browser_login(page, live_server, "chef@a.fr")
    for url, shot in ((f"/admin/enquetes/barometers/{barometer_id}", "barometer_sent"),
                      ("/admin/enquetes/barometers/new", "barometer_new"),
                      (f"/admin/enquetes/barometers/{barometer_id}/paper", "barometer_paper"),
                      (f"/admin/enquetes/barometer-results/{barometer_id}", "barometer_results")):
        page.goto(live_server + url)
        page.screenshot(path=f"/tmp/enquetes_{shot}.png", full_page=True)
        assert not serious(axe.run(page)), url


def serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
