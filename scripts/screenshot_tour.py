"""A screenshot tour of the back office, one demo login per role, at 1366 px.

Serves the demo (``grc serve --demo`` on a fresh SQLite database in a
temporary folder), signs in as each demo agent in Chromium (second step
included, with the public demo key), opens his home, his queue, his
dashboard and the first request of his queue, and writes the pictures and
an index (docs/screenshots/README.md) saying, for each page, whether it
scrolls sideways at that width.

    .venv/bin/python scripts/screenshot_tour.py [--out docs/screenshots] [--lang fr]
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyotp
from playwright.sync_api import sync_playwright

from grc_core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("GRC_CHROMIUM", "/usr/bin/chromium")
WIDTH, HEIGHT = 1366, 768

# (file prefix, e-mail, who) — every role of the demo, core and plugins' agents.
ROLES = (
    ("admin", "admin@villeneuve-sur-loire.fr", "Administrator (Claire Morel)"),
    ("dgs", "dgs@villeneuve-sur-loire.fr", "Manager of every service, DGS (Philippe Garnier)"),
    ("technique", "technique@villeneuve-sur-loire.fr", "Manager of the technical services (Marc Lambert)"),
    ("accueil", "accueil@villeneuve-sur-loire.fr", "Front desk (Nadia Benali)"),
    ("elu", "elu@villeneuve-sur-loire.fr", "Élu (Jean-Marc Lefèvre)"),
    ("ccas", "ccas@villeneuve-sur-loire.fr", "CCAS agent (Amandine Girard)"),
    ("urbanisme", "urbanisme@villeneuve-sur-loire.fr", "Planning agent (Julien Mercier)"),
    ("scolaire", "scolaire@villeneuve-sur-loire.fr", "School affairs agent (Camille Petit)"),
    ("etat-civil", "etat-civil@villeneuve-sur-loire.fr", "Civil registry agent (Isabelle Fournier)"),
)
PAGES = (("home", "/admin/"), ("queue", "/admin/requests/"), ("dashboard", "/admin/dashboards/"))
PAGE_NAMES = {"home": "Home", "queue": "Queue", "dashboard": "Dashboard", "request": "First request of the queue"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_demo(folder: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "GRC_DATABASE_URL": f"sqlite:///{folder / 'tour.db'}", "GRC_INSTANCE_PATH": str(folder)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "grc"), "serve", "--demo", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    deadline = time.monotonic() + 1800  # the demo data of every plugin take a while (longer on a busy machine)
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("grc serve --demo stopped before serving")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)
            return server
        except OSError:
            time.sleep(2)
    server.terminate()
    raise SystemExit("grc serve --demo did not answer in 30 minutes")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if page.url.endswith("/login/code"):
        page.fill("#code", pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.click("button[type=submit]")
        page.wait_for_load_state()
    if "/login" in page.url:
        raise SystemExit(f"{email} could not sign in")


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


def shoot(page, out: Path, name: str, kind: str) -> dict:
    page.screenshot(path=str(out / f"{name}.jpg"), type="jpeg", quality=70)
    return {"file": f"{name}.jpg", "title": f"{PAGE_NAMES[kind]} — {page.title()}", "sideways": scrolls_sideways(page)}


def tour(base: str, out: Path, lang: str) -> list[tuple[str, str, list[dict]]]:
    done = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        for prefix, email, who in ROLES:
            context = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB",
                                          viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            sign_in(page, base, email)
            shots = []
            for name, path in PAGES:
                response = page.goto(base + path)
                if response is not None and response.status >= 500:
                    raise SystemExit(f"{path} answers {response.status} to {email}")
                if response is not None and response.status == 200:  # 403: not this role's page
                    shots.append(shoot(page, out, f"{prefix}-{name}", name))
            page.goto(base + "/admin/requests/")
            first = page.locator("tr[data-reference] a[href*='/admin/requests/']").first
            if first.count():
                first.click()
                page.wait_for_load_state()
                shots.append(shoot(page, out, f"{prefix}-request", "request"))
            done.append((prefix, who, shots))
            context.close()
        browser.close()
    return done


def write_index(out: Path, done, lang: str) -> None:
    lines = [
        "# Screenshot tour of the back office",
        "",
        f"Every demo role at {WIDTH}×{HEIGHT} px, interface in {'French' if lang == 'fr' else 'English'}: "
        "home, queue, dashboard and the first request of the queue (when the role may open them).",
        "Generated by `scripts/screenshot_tour.py` from `grc serve --demo`; run it again after a change of the "
        "pages. « Sideways scroll » says whether the page is wider than the window.",
        "",
    ]
    for prefix, who, shots in done:
        lines += [f"## {who}", "", "| Page | Sideways scroll |", "|---|---|"]
        lines += [f"| [{shot['title']}]({shot['file']}) | {'yes' if shot['sideways'] else 'no'} |" for shot in shots]
        lines += [""] + [f"![{shot['title']}]({shot['file']})" for shot in shots] + [""]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = serve_demo(Path(folder), port)
        try:
            done = tour(f"http://127.0.0.1:{port}", out, args.lang)
        finally:
            server.terminate()
            server.wait(timeout=30)
    write_index(out, done, args.lang)
    wide = [shot["file"] for _p, _w, shots in done for shot in shots if shot["sideways"]]
    print(f"{sum(len(s) for _p, _w, s in done)} screenshots in {out}; scrolling sideways: {', '.join(wide) or 'none'}")


if __name__ == "__main__":
    main()
