"""Headless Chromium: the DGS opens the strategic dashboard, reads a chart's
values, and follows a bar to the requests it counts."""
import pytest

from grc_core.extensions import db
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from tests.test_indicators import add, at
from tests.test_requests import setup_commune

pytestmark = pytest.mark.browser


def test_the_strategic_dashboard_reads_and_drills_down(app, live_server, page):
    town = setup_commune(app)
    make_agent(app, town.id, "dgs@a.fr", "manager", full_name="Claire Morel")
    with in_commune(app, town.id):
        for n, channel in enumerate(("guichet", "guichet", "guichet", "telephone", "email")):
            add(town, f"2026-0000{n + 1}", town.bacs, town.voirie, channel, at(f"2026-10-0{n + 1}"))
        db.session.commit()
    browser_login(page, live_server, "dgs@a.fr")
    page.goto(f"{live_server}/admin/dashboards/strategic/")
    page.select_option("#period", "custom")
    page.fill("#start", "2026-10-01")
    page.fill("#end", "2026-10-31")
    page.click("text=Afficher")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Tableau de bord stratégique"
    chart = page.locator('[data-widget="core.st_by_channel"] svg')
    bars = chart.locator("rect")
    values = {bars.nth(i).get_attribute("data-category"): float(bars.nth(i).get_attribute("data-value"))
              for i in range(bars.count())}
    assert values == {"Guichet": 3.0, "Téléphone": 1.0, "E-mail": 1.0}
    assert "Guichet — Demandes reçues : 3" in chart.locator("rect title").first.text_content()
    page.screenshot(path=str(app.instance_path) + "/strategic-dashboard.png", full_page=True)
    chart.locator("a").first.click()
    page.wait_for_load_state()
    assert "/admin/requests/" in page.url
    assert page.locator("text=2026-00001").count() == 1 and page.locator("text=2026-00004").count() == 0
