"""Security headers on every response, and templates the CSP can run."""
import re
from pathlib import Path

import pytest

import grc_core
from grc_core.plugin_api.testing import login, make_agent, make_commune

ROOT = Path(grc_core.__file__).parent.parent
TEMPLATE_DIRS = [ROOT / "grc_core" / "templates", *sorted((ROOT / "plugins").glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in header.split("; ")}


@pytest.fixture
def agent(app, client):
    commune = make_commune(app)
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    return client


def test_every_template_is_free_of_inline_scripts_and_handlers():
    templates = [path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html")]
    assert len(templates) > 20
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not INLINE_SCRIPT.search(text), f"{path}: inline <script> (move it to a static file)"
        assert not INLINE_HANDLER.search(text), f"{path}: inline on…= handler (use a data-grc-* attribute)"
        assert not re.search(r"[\"']\s*javascript:", text), f"{path}: javascript: link"


def test_pages_carry_a_csp_without_inline_scripts_and_the_other_headers(app, client):
    response = client.get("/login")
    csp = policy(response)
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["script-src"].startswith("'self' 'nonce-")
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert csp["default-src"] == "'self'" and csp["base-uri"] == "'self'" and csp["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]
    # An error page and a static file have them too.
    for url in ("/admin/nowhere", "/static/grc/page.js"):
        other = client.get(url)
        assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"], url
        assert other.headers["X-Content-Type-Options"] == "nosniff", url


def test_each_response_has_its_own_nonce_and_flask_admins_scripts_carry_it(app, agent):
    first, second = agent.get("/admin/core_services/"), agent.get("/admin/core_services/")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    assert nonce not in second.headers["Content-Security-Policy"]
    assert len(nonce) >= 22
    html = first.get_data(as_text=True)
    scripts = SCRIPT_TAG.findall(html)
    assert scripts
    for tag in scripts:
        # Each script is a file of this origin; Flask-Admin's carry the nonce as well.
        assert re.search(r'\bsrc="/', tag), tag
    assert f'nonce="{nonce}"' in html


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://grc.example.fr")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    settings = app.config["GRC"]
    saved = settings["HSTS_MAX_AGE"]
    settings["HSTS_MAX_AGE"] = 0
    try:
        assert "Strict-Transport-Security" not in client.get("/login", base_url="https://grc.example.fr").headers
    finally:
        settings["HSTS_MAX_AGE"] = saved


def test_no_store_on_every_page_of_a_signed_in_agent_but_not_on_static_files(app, agent):
    for url in ("/admin/", "/admin/requests/", "/admin/core_services/", "/admin/requests/export.csv"):
        response = agent.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
    assert "no-store" not in agent.get("/static/grc/grc.css").headers.get("Cache-Control", "")


def test_the_login_page_is_not_stored_and_public_static_files_may_be(app, client):
    assert client.get("/login").headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get("/static/grc/page.js").headers.get("Cache-Control", "")
