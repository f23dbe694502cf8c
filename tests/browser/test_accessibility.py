"""axe-core (through axe-playwright-python) on every page type of the back
office, with the demo data: no serious or critical violation; and a
5,000-character word does not widen the request page."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from grc_core.demo import load_demo
from grc_core.extensions import db
from grc_core.models import Citizen, Commune, Request
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from grc_core.security.permissions import grantable_permissions

pytestmark = pytest.mark.browser

axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
INSEE = "45901"
# Pages that answer with a file, act, or leave the back office.
SKIPPED = re.compile(r"/export|/download|/logout|/revoke|/toggle|\.(csv|xlsx|pdf|json)$|/ajax/|/static/|/api/"
                     r"|/(details|edit)/$")  # without an id these send back to the list


def page_urls(app) -> list[str]:
    """One URL per page type: every GET route of the back office without an argument."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or SKIPPED.search(rule.rule):
            continue
        if rule.rule.startswith(("/admin", "/account")):
            urls.add(rule.rule)
    return sorted(urls)


def serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def demo_admin(app):
    with app.app_context():
        load_demo("demo-grc-2026")
        commune = db.session.scalar(select(Commune).where(Commune.insee_code == INSEE))
        codes = [p.code for p in grantable_permissions(commune)]
    make_agent(app, commune.id, "axe@x.fr", "admin", permissions=codes, full_name="Alice Axe")
    with in_commune(app, commune.id):
        request_id = db.session.scalar(select(Request.id).order_by(Request.id))
        citizen_id = db.session.scalar(select(Citizen.id).order_by(Citizen.id))
    return commune.id, request_id, citizen_id


def test_no_serious_accessibility_violation_on_any_back_office_page(app, live_server, page, demo_admin):
    _commune, request_id, citizen_id = demo_admin
    axe = axe_playwright.Axe()
    browser_login(page, live_server, "axe@x.fr")
    urls = page_urls(app) + [f"/admin/requests/{request_id}/", f"/admin/citizens/{citizen_id}/",
                             "/admin/dashboards/strategic/"]
    problems = {}
    for url in urls:
        response = page.goto(live_server + url)
        if response is None or response.status >= 400 or "/login" in page.url:
            continue
        found = serious(axe.run(page))
        if found:
            problems[url] = found
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_a_long_unbroken_description_does_not_widen_the_request_page(app, live_server, page):
    from tests.test_indicators import add
    from tests.test_requests import setup_commune

    town = setup_commune(app)
    with in_commune(app, town.id):
        request = add(town, "2026-00001", town.bacs, town.voirie, "guichet", datetime.now(timezone.utc))
        request.subject = "x" * 200  # the column's length
        request.data = {"motif": "y" * 5000}
        db.session.commit()
        request_id = request.id
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, live_server, "agent@a.fr")
    page.goto(f"{live_server}/admin/requests/{request_id}/")
    assert "y" * 5000 in page.content()
    assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
