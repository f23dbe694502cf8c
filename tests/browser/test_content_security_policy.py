"""Headless Chromium: the main pages run under the Content-Security-Policy
without a single violation, and what used to be inline script still works."""
import pytest

from grc_core.extensions import db
from grc_core.models import Commune, Service
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from grc_core.security.permissions import grantable_permissions
from grc_core.tenancy.activation import enable_plugin
from tests.test_requests import file_request, make_citizen, setup_commune

pytestmark = pytest.mark.browser


def watch_csp(page) -> list[str]:
    """Every CSP violation Chromium reports on the page's console."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: violations.append(f"script error: {error}"))
    return violations


def main_pages(app) -> list[str]:
    """Every back-office page reachable without an argument (core and plugins)."""
    urls = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or not rule.rule.startswith("/admin"):
            continue
        if "export" in rule.rule or rule.rule.endswith((".csv", ".xlsx", ".json")) or "static" in rule.endpoint:
            continue
        urls.add(rule.rule)
    return sorted(urls)


@pytest.fixture
def commune(app):
    setup = setup_commune(app)
    with in_commune(app, setup.id):
        commune = db.session.get(Commune, setup.id)
        for plugin in app.extensions["grc"].names:
            enable_plugin(commune, plugin)
        db.session.commit()
        codes = [p.code for p in grantable_permissions(commune)]
    make_agent(app, setup.id, "admin@a.fr", "admin", permissions=codes, platform_admin=True, full_name="Claire Morel")
    setup.citizen = make_citizen(app, setup.id)
    setup.request, errors = file_request(app, setup.id, actor_email="admin@a.fr", type_id=setup.bacs,
                                         citizen_id=setup.citizen)
    assert not errors
    return setup


def test_the_main_pages_raise_no_csp_violation(app, live_server, page, commune):
    violations = watch_csp(page)
    page.goto(f"{live_server}/login")
    browser_login(page, live_server, "admin@a.fr")
    pages = [*main_pages(app), f"/admin/requests/{commune.request}/", f"/admin/citizens/{commune.citizen}/",
             f"/admin/core_services/edit/?id={commune.voirie}", "/admin/core_services/new/",
             f"/admin/core_request_types/edit/{commune.bacs}/"]
    assert len(pages) > 15
    visited = 0
    for path in pages:
        response = page.goto(f"{live_server}{path}")
        page.wait_for_load_state("load")
        visited += response is not None and response.ok
        assert not violations, (path, violations)
    assert visited > 15


def test_scripts_bound_without_inline_handlers_still_work(app, live_server, page, commune):
    violations = watch_csp(page)
    browser_login(page, live_server, "admin@a.fr")
    # The language menu submits itself on change (was onchange=).
    page.goto(f"{live_server}/admin/")
    page.click("#grc-user-menu")
    with page.expect_navigation():
        page.select_option("#grc-locale", "en")
    assert page.locator("h1").inner_text() == "Hello Claire Morel"
    # A delete asks first (was onclick=): refused, the service stays.
    page.goto(f"{live_server}/admin/core_services/")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("button[data-grc-confirm]").first.click()
    assert dialogs == ["Are you sure you want to delete this record?"]
    with in_commune(app, commune.id):
        assert db.session.get(Service, commune.voirie) is not None
    # The request type editor adds a row of fields (was an inline <script>).
    page.goto(f"{live_server}/admin/core_request_types/edit/{commune.bacs}/")
    rows = page.locator(".grc-field-row").count()
    page.click("#grc-add-field")
    assert page.locator(".grc-field-row").count() == rows + 1
    assert not violations, violations
