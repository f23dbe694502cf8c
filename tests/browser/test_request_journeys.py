"""Headless Chromium: the front-desk journey and the service agent's journey."""
import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Citizen, Request, RequestEvent
from grc_core.plugin_api.testing import browser_login, in_commune, make_agent
from tests.test_requests import file_request, make_citizen, setup_commune

pytestmark = pytest.mark.browser


@pytest.fixture
def commune(app):
    setup = setup_commune(app)
    make_agent(app, setup.id, "accueil@a.fr", "accueil", full_name="Nadia Benali")
    make_agent(app, setup.id, "voirie@a.fr", "agent", services=["voirie"], full_name="Julien Mercier")
    return setup


def test_front_desk_finds_a_citizen_and_files_a_request(app, live_server, page, commune):
    make_citizen(app, commune.id, "Jean-Pierre", "Dupont", "jp.dupont@example.org")
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/")
    search = page.locator("#citizen-search")
    assert search.evaluate("element => element === document.activeElement")
    search.type("dupond jean")  # a typo and no hyphen: still found
    page.locator("#citizen-results a").first.wait_for()
    search.press("ArrowDown")
    search.press("Enter")
    page.wait_for_load_state()
    assert "Jean-Pierre Dupont" in page.locator("#chosen-citizen").inner_text()
    page.select_option("#type", label="Demande de bacs")
    page.wait_for_load_state()
    page.fill("[name=f_motif]", "Bac jaune fendu")
    page.fill("[name=f_nombre]", "1")
    page.click("#intake-form button[type=submit]")
    page.wait_for_load_state()
    reference = page.locator("#reference").inner_text().strip()
    with in_commune(app, commune.id):
        filed = db.session.scalar(select(Request).where(Request.reference == reference))
        assert filed.citizen.last_name == "Dupont"
        assert filed.data["motif"] == "Bac jaune fendu"


def test_front_desk_creates_the_citizen_on_the_same_screen(app, live_server, page, commune):
    browser_login(page, live_server, "accueil@a.fr")
    page.goto(f"{live_server}/admin/intake/")
    page.select_option("#type", label="Demande de bacs")
    page.wait_for_load_state()
    page.fill("[name=citizen-first_name]", "Hélène")
    page.fill("[name=citizen-last_name]", "Lefèvre")
    page.fill("[name=citizen-phone]", "06 12 34 56 78")
    page.fill("[name=f_motif]", "Nouveau logement")
    page.click("#intake-form button[type=submit]")
    page.wait_for_load_state()
    reference = page.locator("#reference").inner_text().strip()
    assert reference.startswith("20")
    with in_commune(app, commune.id):
        citizen = db.session.scalar(select(Citizen).where(Citizen.last_name == "Lefèvre"))
        assert citizen is not None
        assert db.session.scalar(select(Request.citizen_id).where(Request.reference == reference)) == citizen.id


def test_service_agent_works_the_queue(app, live_server, page, commune):
    citizen = make_citizen(app, commune.id)
    request_id, errors = file_request(app, commune.id, actor_email="accueil@a.fr", type_id=commune.bacs,
                                      citizen_id=citizen)
    assert not errors
    with in_commune(app, commune.id):
        reference = db.session.get(Request, request_id).reference
    browser_login(page, live_server, "voirie@a.fr")
    page.goto(f"{live_server}/admin/requests/")
    page.click(f"text={reference}")
    page.wait_for_load_state()
    page.click("#transitions button[value=prendre]")
    page.wait_for_load_state()
    assert page.locator("#transitions button[value=prendre]").count() == 0
    with in_commune(app, commune.id):
        request = db.session.get(Request, request_id)
        assert request.state == "en_cours"
        events = [e.kind for e in db.session.scalars(select(RequestEvent).where(
            RequestEvent.request_id == request_id).order_by(RequestEvent.id))]
    assert events[-1] == "transition"
    assert "En cours" in page.locator("#history").inner_text()
