"""The queue's table at 1366 and 360 px, in French with the demo data: no
header and no ordinary word cut in the middle (« Signale|ment »), a long
unbroken subject wraps in its column, and the page never scrolls sideways
(a table wider than the screen scrolls in its own box)."""
import pytest
from sqlalchemy import select

from grc_core.demo import load_demo
from grc_core.extensions import db
from grc_core.models import Commune, Request
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from grc_core.security.permissions import grantable_permissions

pytestmark = pytest.mark.browser

INSEE = "45901"
LONG = "x" * 200  # the subject column's length, one unbroken « word »

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


@pytest.fixture
def demo_queue(app):
    """The demo commune (loaded once for both widths: it takes a while), an agent who sees every
    request, and one request whose subject is one 200-character word."""
    with app.app_context():
        load_demo("demo-grc-2026")
        commune = db.session.scalar(select(Commune).where(Commune.insee_code == INSEE))
        codes = [p.code for p in grantable_permissions(commune)]
    make_agent(app, commune.id, "queue@x.fr", "admin", permissions=codes, full_name="Quentin Queue")
    with in_commune(app, commune.id):
        latest = db.session.scalar(select(Request).order_by(Request.received_at.desc(), Request.id.desc()))
        latest.subject = LONG
        db.session.commit()
        return latest.reference


def test_the_queue_cuts_no_word_in_two_and_never_scrolls_sideways(app, live_server, page, demo_queue):
    browser_login(page, live_server, "queue@x.fr")
    for width in (1366, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/admin/requests/")
        page.screenshot(path=f"/tmp/grc_queue_{width}.png", full_page=True)
        assert page.locator("table tbody tr").count() >= 10
        assert page.evaluate(BROKEN_WORDS) == [], width
        assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
        # The long subject wraps in its cell: several lines, no wider than the screen.
        page.goto(f"{live_server}/admin/requests/?q={demo_queue}")
        page.screenshot(path=f"/tmp/grc_queue_long_{width}.png", full_page=True)
        box = page.locator("td.grc-wrap", has_text="x" * 50).first.bounding_box()
        assert box["height"] > 40 and box["width"] < width, (width, box)
        assert page.evaluate(BROKEN_WORDS) == [], width
        assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
