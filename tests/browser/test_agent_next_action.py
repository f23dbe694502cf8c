"""Headless Chromium at 1366 px: the counter journey with the keyboard alone,
nothing typed lost when the type is chosen, the queue's overdue rows, the
request page's stepper and diagram, the citizen's 360° record found as you
type. Each page's screenshot is taken and checked for what matters (no
horizontal scroll, the highlight, the stepper)."""
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Request
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from tests.test_queue import make_request
from tests.test_requests import make_citizen, setup_commune

pytestmark = pytest.mark.browser


def now() -> datetime:
    """Read per test, not at import: the live server reads the clock afresh."""
    return datetime.now(timezone.utc)


@pytest.fixture
def wide(chromium):
    """A laptop's screen: 1366 px wide."""
    context = chromium.new_context(locale="fr-FR", viewport={"width": 1366, "height": 768})
    yield context.new_page()
    context.close()


@pytest.fixture
def commune(app):
    setup = setup_commune(app)
    make_agent(app, setup.id, "accueil@a.fr", "accueil", full_name="Nadia Benali")
    make_agent(app, setup.id, "voirie@a.fr", "agent", services=["voirie"], full_name="Julien Mercier")
    return setup


def shoot(app, page, name) -> None:
    """Full-page screenshot (GRC_SCREENSHOT_DIR, else the instance folder),
    then the property every page must have: no horizontal scroll."""
    folder = os.environ.get("GRC_SCREENSHOT_DIR") or app.instance_path
    os.makedirs(folder, exist_ok=True)
    page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow} px of horizontal scroll at 1366 px"


def focused(page) -> str:
    return page.evaluate("document.activeElement && (document.activeElement.name || document.activeElement.id)")


def tab_to(page, name, limit=40) -> None:
    """Tab until the field ``name`` has the focus (keyboard only)."""
    for _ in range(limit):
        if focused(page) == name:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{name} never reached with Tab (at {focused(page)})")


def test_the_counter_journey_with_the_keyboard_alone(app, live_server, wide, commune):
    make_citizen(app, commune.id, "Jean-Pierre", "Dupont", "jp.dupont@example.org")
    page = wide
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/")
    assert focused(page) == "q"  # the search has the focus on arrival
    page.keyboard.type("dupont jean")
    page.locator("#citizen-results a").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "Jean-Pierre Dupont" in page.locator("#chosen-citizen").inner_text()
    assert focused(page) == "type"  # next: the type
    tab_to(page, "type_label")
    page.keyboard.type("Demande de bacs")
    page.keyboard.press("Tab")  # the label typed chooses the type
    page.wait_for_url("**type=*")
    page.locator("[name=f_motif]").wait_for()
    assert focused(page) == "subject"
    page.keyboard.type("Bac jaune fendu")
    tab_to(page, "f_motif")
    page.keyboard.type("Fendu en deux")
    tab_to(page, "f_nombre")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    reference = page.locator("#reference").inner_text().strip()
    shoot(app, page, "intake-done")
    with in_commune(app, commune.id):
        filed = db.session.scalar(select(Request).where(Request.reference == reference))
        assert (filed.subject, filed.data["motif"]) == ("Bac jaune fendu", "Fendu en deux")


def test_a_known_citizen_is_found_by_phone(app, live_server, wide, commune):
    from grc_core.models import Citizen

    with in_commune(app, commune.id):
        db.session.add(Citizen(first_name="Awa", last_name="Diallo", phone="06 98 76 54 32"))
        db.session.commit()
    browser_login(wide, live_server, "accueil@a.fr")
    wide.goto(f"{live_server}/admin/intake/")
    wide.keyboard.type("0698765432")
    wide.locator("#citizen-results a").first.wait_for()
    assert "Awa Diallo" in wide.locator("#citizen-results").inner_text()


def test_choosing_the_type_keeps_the_new_citizen_typed(app, live_server, wide, commune):
    page = wide
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/")
    page.fill("[name=citizen-first_name]", "Hélène")
    page.fill("[name=citizen-last_name]", "Lefèvre-Martin")
    page.fill("[name=citizen-phone]", "06 12 34 56 78")
    page.fill("#subject", "Nouveau logement")
    page.select_option("#type", label="Demande de bacs")
    page.locator("[name=f_motif]").wait_for()
    assert page.input_value("[name=citizen-first_name]") == "Hélène"
    assert page.input_value("[name=citizen-last_name]") == "Lefèvre-Martin"
    assert page.input_value("[name=citizen-phone]") == "06 12 34 56 78"
    assert page.input_value("#subject") == "Nouveau logement"
    assert "csrf_token" not in page.url
    # Grouped types: the commune's own under their heading.
    assert page.locator("#type optgroup").count() >= 1
    shoot(app, page, "intake-type-chosen")


def test_the_queue_highlights_overdue_rows(app, live_server, wide, commune):
    with in_commune(app, commune.id):
        make_request(commune.id, "2026-00001", commune.bacs, service=commune.voirie, due=now() - timedelta(days=2),
                     subject="Bac renversé rue des Écoles")
        make_request(commune.id, "2026-00002", commune.bacs, service=commune.voirie, state=("en_cours", "open"),
                     due=now() + timedelta(days=3), subject="Bac manquant")
        make_request(commune.id, "2026-00003", commune.bacs, service=commune.voirie,
                     state=("attente", "waiting"), subject="x" * 200)  # a long unbroken subject wraps
        db.session.commit()
    browser_login(wide, live_server, "voirie@a.fr")
    wide.goto(f"{live_server}/admin/requests/")
    overdue = wide.locator("tr.grc-overdue")
    assert overdue.count() == 1 and "en retard de 2" in overdue.inner_text()
    colour = overdue.locator("td").nth(2).evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)")
    assert "dans 3" in wide.locator("tr[data-reference='2026-00002']").inner_text()
    assert wide.locator("[data-kind=waiting]").inner_text() == "En attente"
    shoot(app, wide, "queue")


def test_the_request_page_shows_the_stepper_and_the_diagram(app, live_server, wide, commune):
    citizen = make_citizen(app, commune.id, "Marie-Claire", "Robert", "mc.robert@example.org")
    with in_commune(app, commune.id):
        req = make_request(commune.id, "2026-00004", commune.bacs, service=commune.voirie,
                           state=("en_cours", "open"), citizen=citizen, due=now() - timedelta(days=1))
        db.session.commit()
        request_id = req.id
    browser_login(wide, live_server, "voirie@a.fr")
    wide.goto(f"{live_server}/admin/requests/{request_id}/")
    current = wide.locator("#stepper li[aria-current=step]")
    assert current.inner_text() == "En cours"
    first_button = wide.locator("#action-buttons button").first
    assert first_button.get_attribute("data-role") == "primary"
    wide.locator("#workflow-diagram summary").click()
    assert wide.locator("#workflow-diagram svg [data-current=true]").is_visible()
    shoot(app, wide, "request-page")


def test_the_citizen_is_found_as_you_type_and_the_record_opens(app, live_server, wide, commune):
    citizen = make_citizen(app, commune.id, "Marie-Claire", "Robert", "mc.robert@example.org")
    with in_commune(app, commune.id):
        make_request(commune.id, "2026-00005", commune.bacs, service=commune.voirie, citizen=citizen,
                     state=("attente", "waiting"), subject="Pièce d'identité à fournir")
        db.session.commit()
    browser_login(wide, live_server, "accueil@a.fr")
    wide.goto(f"{live_server}/admin/citizens/")
    wide.keyboard.type("marie-claire rob")
    link = wide.locator("#citizen-suggestions a").first
    link.wait_for()
    assert link.inner_text() == "Marie-Claire Robert"
    link.click()
    wide.wait_for_load_state()
    opened = wide.locator("#open-requests")
    assert "2026-00005" in opened.inner_text() and opened.locator("[data-kind=waiting]").count() == 1
    shoot(app, wide, "citizen-360")
