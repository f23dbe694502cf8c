"""Every page type of the citizens' portal (tests/portal/portal_pages.py), in
French and in English, at 360 and 1366 pixels, in Debian's Chromium:

- axe-core: no serious or critical violation;
- no horizontal scroll, and the page's main action on the screen;
- every asset and link of the page on the portal's own origin, and the page
  with its CSS, scripts and images under 200 kB;
- in English, no French sentence of the catalogs (a missing translation).

Set ``GRC_PORTAL_SCREENSHOTS`` to a folder to keep the screenshots (else
they go to the test's temporary folder); their width is checked too.
"""
from __future__ import annotations

import gettext
import os
import re
import struct
from pathlib import Path

import pytest

from tests.portal.portal_pages import EMAIL, INTERNAL_NOTE, LIMITS, PAGES, build_site
from tests.portal.portal_support import PASSWORD

pytestmark = pytest.mark.browser
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")

WIDTHS = (360, 1366)
LOCALES = {"fr": "fr-FR", "en": "en-GB"}
MAX_BYTES = 200_000
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}")
# Shorter French pieces are words English shares ("Date", "Commune", "Message") or names.
MIN_FRENCH = 12


def french_sentences(app) -> set[str]:
    """The pieces of every French msgstr of the loaded catalogs (core and
    plugins) that differ from their English msgid, placeholders taken out."""
    found = set()
    directories = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    domains = app.config["BABEL_DOMAIN"].split(";")
    for directory, domain in zip(directories, domains):
        path = Path(directory) / "fr" / "LC_MESSAGES" / f"{domain}.mo"
        if not path.exists():
            continue
        with path.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for msgid, msgstr in catalog.items():
            source = msgid[0] if isinstance(msgid, tuple) else msgid
            if not source or msgstr == source:
                continue
            for piece in PLACEHOLDER.split(msgstr):
                piece = " ".join(piece.split()).strip(" .,:;«»()")
                if len(piece) >= MIN_FRENCH and " " in piece:
                    found.add(piece)
    return found


def serious(results) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


ASSETS = """() => {
  const urls = [...document.querySelectorAll('[src], [href], form[action]')]
    .map(e => e.src || e.href || e.action);
  return urls.concat(performance.getEntriesByType('resource').map(e => e.name));
}"""


class Walk:
    """The checks of one page, the problems found kept by page."""

    def __init__(self, context, language, width, site, shots, sizes, french):
        self.context, self.language, self.width, self.site, self.shots = context, language, width, site, shots
        self.sizes, self.french = sizes, french
        self.french_seen = 0
        self.axe = axe_playwright.Axe()
        self.problems: list[str] = []
        self.page = context.new_page()
        self.documents = []
        self.page.on("response", lambda r: self.documents.append(r) if r.request.resource_type == "document" else None)

    def open(self, entry, base):
        page = self.page
        page.goto(base + self.site.base + entry.path(self.site))
        if entry.post:
            entry.post(page, self.site)
        where = f"{entry.name} [{self.language}, {self.width}px]"
        status = self.documents[-1].status
        if status != entry.status:
            self.problems.append(f"{where}: HTTP {status}, not {entry.status}")
            return
        self.check(entry, where)

    def check(self, entry, where):
        page = self.page
        if entry.shows and entry.shows(self.site) not in page.content():
            self.problems.append(f"{where}: does not show what it should")
        if INTERNAL_NOTE in page.content():
            self.problems.append(f"{where}: shows an internal note")
        if not page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"):
            self.problems.append(f"{where}: scrolls sideways")
        action = page.locator(entry.action).first
        if not action.count() or not action.is_visible():
            self.problems.append(f"{where}: main action {entry.action} not shown")
        else:
            action.scroll_into_view_if_needed()
            box = action.bounding_box()
            if box["x"] < 0 or box["x"] + box["width"] > self.width:
                self.problems.append(f"{where}: main action off the screen {box}")
        shot = self.shots / f"{entry.name}-{self.language}-{self.width}.png"
        page.screenshot(path=str(shot), full_page=True)
        if png_width(shot) != self.width:
            self.problems.append(f"{where}: screenshot {png_width(shot)} px wide")
        self.problems += [f"{where}: {found}" for found in serious(self.axe.run(page))]
        self.check_assets(where)
        text = page.title() + "\n" + " ".join(page.inner_text("body").split())
        french = [piece for piece in sorted(self.french) if piece in text]
        self.french_seen += len(french)
        if self.language == "en":
            self.problems += [f"{where}: French « {piece} »" for piece in french]

    def check_assets(self, where):
        page = self.page
        origin = page.evaluate("location.origin")
        urls = set(page.evaluate(ASSETS))
        outside = sorted(url for url in urls if url.startswith(("http:", "https:", "//"))
                         and not url.startswith(origin + "/"))
        if outside:
            self.problems.append(f"{where}: assets or links elsewhere {outside}")
        loaded = {entry for entry in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")}
        total = len(self.documents[-1].body())
        for url in loaded:
            if url not in self.sizes:
                self.sizes[url] = len(self.context.request.get(url).body())
            total += self.sizes[url]
        if total >= MAX_BYTES:
            self.problems.append(f"{where}: {total} bytes with its assets")


def sign_in(page, base, site):
    page.goto(f"{base}{site.base}/account/sign-in")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/my-requests/" in page.url, page.url


# Both addresses of a portal (grc_core.tenancy.addresses): the slug's on the platform's host, and the
# commune's own hostname — "localhost", which Chromium reaches without a resolver of its own.
@pytest.mark.parametrize("hostname", ["", "localhost"], ids=["slug-address", "own-hostname"])
def test_every_portal_page_is_accessible_light_same_origin_and_translated(app, live_server, chromium, tmp_path,
                                                                          hostname):
    saved = dict(app.config["GRC"])
    if hostname:
        live_server = live_server.replace("//127.0.0.1:", f"//{hostname}:")
    try:
        site = build_site(app, hostname=hostname)
        app.config["GRC"].update(LIMITS)
        shots = Path(os.environ.get("GRC_PORTAL_SCREENSHOTS") or tmp_path) / ("own-hostname" if hostname else "")
        shots.mkdir(parents=True, exist_ok=True)
        problems, sizes, french, seen = [], {}, french_sentences(app), 0
        for language, locale in LOCALES.items():
            for width in WIDTHS:
                for signed_in in (False, True):
                    context = chromium.new_context(locale=locale, viewport={"width": width, "height": 800})
                    walk = Walk(context, language, width, site, shots, sizes, french)
                    if signed_in:
                        sign_in(walk.page, live_server, site)
                    for entry in PAGES:
                        if entry.signed_in == signed_in:
                            walk.open(entry, live_server)
                    problems += walk.problems
                    seen += walk.french_seen if language == "fr" else 0
                    context.close()
    finally:
        app.config["GRC"].clear()
        app.config["GRC"].update(saved)
    assert not problems, "\n".join(problems)
    assert seen > 100, "the French pages show the catalogs' sentences: the English check can see them"


FOCUS = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {id: element.id, href: element.getAttribute('href') || '', tag: element.tagName,
          type: element.getAttribute('type') || '', text: element.textContent.trim().slice(0, 40),
          outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def tab_to(page, wanted, seen):
    """Press Tab until ``wanted(focused)``; every element focused on the way shows an outline."""
    for _step in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused is None:
            continue
        seen.append(focused)
        if wanted(focused):
            return focused
    raise AssertionError(f"not reached with Tab; focused on the way: {seen[-10:]}")


def test_a_citizen_signs_in_and_files_a_demarche_with_the_keyboard_only(app, live_server, chromium):
    site = build_site(app)
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    seen = []
    page.goto(f"{live_server}{site.base}/account/sign-in")
    tab_to(page, lambda f: f["id"] == "email", seen)
    page.keyboard.type(EMAIL)
    tab_to(page, lambda f: f["id"] == "password", seen)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-requests/")
    tab_to(page, lambda f: f["href"].endswith("/portal/") and f["text"] == "Démarches", seen)
    page.keyboard.press("Enter")
    page.wait_for_url("**/portal/")
    tab_to(page, lambda f: f["href"].endswith("/procedures/bacs"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url("**/procedures/bacs")
    tab_to(page, lambda f: f["href"].endswith("/procedures/bacs/file"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url("**/procedures/bacs/file")
    tab_to(page, lambda f: f["id"] == "f_motif", seen)
    page.keyboard.type("Le couvercle de mon bac est cassé")
    tab_to(page, lambda f: f["id"] == "f_nombre", seen)
    page.keyboard.type("1")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["type"] == "submit", seen)
    page.keyboard.press("Space")
    page.wait_for_url("**/filed")
    assert page.inner_text("main h1") == "Votre demande a été envoyée"
    assert "Le couvercle de mon bac est cassé" not in page.inner_text("main")  # the confirmation, not the form
    without_outline = [f for f in seen if not f["outline"]]
    assert not without_outline, f"focused without a visible outline: {without_outline}"
    context.close()
