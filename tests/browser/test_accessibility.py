"""axe-core (through axe-playwright-python) on every page type of the back
office, with the demo data: no serious or critical violation; on the same
data, the queue's table at 1366 and 360 px cuts no word in two and never
scrolls the page sideways; and a 5,000-character word does not widen the
request page."""
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
LONG = "x" * 200  # the queue's subject column's length, one unbroken « word »

# Every piece of text in a cell or a header of a table, cut into words (spaces, hyphens and
# slashes are where a line may break); the words a line break cuts in two: their rectangles
# stand on more than one line. Text the screen does not show (sr-only) is left out; words
# longer than 30 characters (a pasted link, a code) may break where they must.
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const parent = node.parentElement;
      if (!parent || parent.closest('.sr-only') || parent.offsetWidth <= 1) continue;
      const words = /[^\\s\\-\\u2010\\u2013\\u2014\\/]+/g;
      let match;
      while ((match = words.exec(node.textContent))) {
        if (match[0].length > 30) continue;
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""
SCROLLS_SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


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
    """The demo commune (it takes minutes to load: the tests that need it share this one test), an
    administrator who sees every request, and the latest request's subject one 200-character word."""
    with app.app_context():
        load_demo("demo-grc-2026")
        commune = db.session.scalar(select(Commune).where(Commune.insee_code == INSEE))
        codes = [p.code for p in grantable_permissions(commune)]
    make_agent(app, commune.id, "axe@x.fr", "admin", permissions=codes, full_name="Alice Axe")
    with in_commune(app, commune.id):
        request_id = db.session.scalar(select(Request.id).order_by(Request.id))
        citizen_id = db.session.scalar(select(Citizen.id).order_by(Citizen.id))
        latest = db.session.scalar(select(Request).order_by(Request.received_at.desc(), Request.id.desc()))
        latest.subject = LONG
        db.session.commit()
        long_reference = latest.reference
    return commune.id, request_id, citizen_id, long_reference


def accessibility_problems(app, live_server, page, request_id, citizen_id) -> dict[str, list[str]]:
    """The serious or critical violations axe finds, by page."""
    axe = axe_playwright.Axe()
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
    return problems


def queue_problems(live_server, page, long_reference) -> list[str]:
    """What is wrong with the queue at 1366 and 360 px (French): a word of a cell or a header on two
    lines, the page scrolling sideways, a 200-character subject that does not wrap in its cell."""
    problems = []
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 900})
        for url in ("/admin/requests/", f"/admin/requests/?q={long_reference}"):
            page.goto(live_server + url)
            page.screenshot(path=f"/tmp/grc_queue_{width}{'_long' if '?q=' in url else ''}.png", full_page=True)
            if page.evaluate(BROKEN_WORDS):
                problems.append(f"{url} at {width} px: words on two lines {page.evaluate(BROKEN_WORDS)}")
            if page.evaluate(SCROLLS_SIDEWAYS):
                problems.append(f"{url} at {width} px: the page scrolls sideways")
        # The long subject wraps in its cell: several lines, no wider than the screen.
        cell = page.locator("td.grc-wrap", has_text="x" * 50)
        if not cell.count():
            problems.append(f"the queue searched for {long_reference} does not show its subject at {width} px")
            continue
        box = cell.first.bounding_box()
        if not (box["height"] > 40 and box["width"] < width):
            problems.append(f"the 200-character subject does not wrap at {width} px: {box}")
    return problems


def test_the_back_office_on_the_demo_data_is_accessible_and_its_queue_cuts_no_word(app, live_server, page,
                                                                                   demo_admin):
    """Both checks share the demo data, loaded once: axe on every page type, then the queue's words."""
    _commune, request_id, citizen_id, long_reference = demo_admin
    browser_login(page, live_server, "axe@x.fr")
    page.goto(f"{live_server}/admin/requests/")
    assert page.locator("table tbody tr").count() >= 10  # the queue has the demo's requests to show
    accessibility = accessibility_problems(app, live_server, page, request_id, citizen_id)
    queue = queue_problems(live_server, page, long_reference)
    assert not accessibility, "\n".join(f"{url}: {found}" for url, found in accessibility.items())
    assert not queue, "\n".join(queue)


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
