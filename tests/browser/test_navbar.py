"""The back office's navbar fits on one line at 1366 px (issue 14, item 5),
for the roles with the most menus — the platform operator who administers a
commune with every domain and permission — an agent and an élu, in French
and in English: its height is that of one menu item, no wrapped second row."""
import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Commune, User
from grc_core.plugin_api.testing import browser_login, make_agent, make_commune
from grc_core.security.permissions import grantable_permissions

pytestmark = pytest.mark.browser

ROLES = {"ops@x.fr": "admin", "agent@x.fr": "agent", "elu@x.fr": "elu"}


@pytest.fixture
def town(app):
    commune = make_commune(app)
    with app.app_context():
        codes = [p.code for p in grantable_permissions(db.session.get(Commune, commune))]
    make_agent(app, commune, "ops@x.fr", "admin", permissions=codes, platform_admin=True,
               full_name="Marie-Christine de La Rochefoucauld")
    make_agent(app, commune, "agent@x.fr", "agent", permissions=[c for c in codes if c != "core.admin"],
               full_name="Jean-Baptiste Delacroix-Moreau")
    make_agent(app, commune, "elu@x.fr", "elu", full_name="Jean-Marc Lefèvre")
    return commune


def navbar_rows(page) -> float:
    """The navbar's content height in menu items (1.0: one line)."""
    return page.evaluate("""() => {
        const bar = document.querySelector('#admin-navbar-collapse');
        const item = bar.querySelector('.nav-link');
        return bar.getBoundingClientRect().height / item.getBoundingClientRect().height;
    }""")


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("email", list(ROLES))
def test_the_navbar_is_one_line_at_1366_px(app, live_server, page, town, email, locale, tmp_path):
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 768})
    browser_login(page, live_server, email)
    page.goto(f"{live_server}/admin/")
    assert page.locator("html").get_attribute("lang") == locale
    page.screenshot(path=str(tmp_path / f"navbar-{ROLES[email]}-{locale}.png"))
    # A menu item is ~40 px high; a second row would double the bar.
    assert navbar_rows(page) < 1.5, f"{ROLES[email]} ({locale}): the navbar wraps at 1366 px"
    assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
    # Every menu is still reachable: the user's menu opens from the bar.
    page.click("#grc-user-menu")
    assert page.locator("#grc-user-menu + .dropdown-menu").is_visible()
