"""Every ``next`` (and Flask-Admin's ``url``) taken from a request stays on this site."""
import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Service
from grc_core.plugin_api.testing import DEMO_PASSWORD, csrf_token, in_commune, login, make_agent, make_commune
from grc_core.security.redirects import is_safe_path, safe_next

HOSTILE = [
    "//evil.example/",
    "///evil.example/",
    "/\t/evil.example/",          # browsers drop the tab: //evil.example/
    "/%09/evil.example/",         # the same, still encoded
    "/\n/evil.example/",
    "/\r\nSet-Cookie: grc=stolen",  # was a 500 (header injection refused by Werkzeug)
    "/%0d%0aSet-Cookie:%20grc=stolen",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/%5Cevil.example/",
    "/%2F/evil.example/",
    "https://evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example/",
    "evil.example",
    "/\x00/admin/",
    "/\x7f/evil.example/",
    "",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_the_helper_refuses_hostile_targets(app, target):
    assert not is_safe_path(target)
    with app.test_request_context():
        assert safe_next(target) == "/admin/"
        assert safe_next(target, "/ailleurs/") == "/ailleurs/"


@pytest.mark.parametrize("target", ["/admin/", "/admin/core_agents/?page=2&sort=1", "/c/villeneuve/", "/admin/#x"])
def test_the_helper_keeps_paths_of_this_site(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


def test_the_helper_refuses_what_is_not_text(app):
    with app.test_request_context():
        assert safe_next(None) == safe_next(42) == safe_next(["/admin/"]) == "/admin/"


@pytest.fixture
def agent(app):
    commune = make_commune(app)
    make_agent(app, commune, "chef@a.fr", "manager")
    return commune


@pytest.mark.parametrize("target", HOSTILE)
def test_login_sends_hostile_next_home(app, client, agent, target):
    response = client.post("/login", data={
        "email": "chef@a.fr", "password": DEMO_PASSWORD, "csrf_token": csrf_token(client), "next": target,
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200  # signed in all the same


def test_login_page_reached_with_a_hostile_next_still_sends_home(app, client, agent):
    page = client.get("/login?next=/%09/evil.example/").get_data(as_text=True)
    token = csrf_token(client)
    response = client.post("/login", data={
        "email": "chef@a.fr", "password": DEMO_PASSWORD, "csrf_token": token, "next": "/\t/evil.example/",
    })
    assert response.headers["Location"] == "/admin/"
    assert "evil.example" in page  # shown back escaped in the hidden field, never followed


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_sends_hostile_next_home(app, client, agent, target):
    response = client.post("/language", data={"locale": "en", "next": target, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_language_switch_follows_a_path(app, client, agent):
    response = client.post("/language", data={"locale": "en", "next": "/login?x=1",
                                              "csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/login?x=1"


@pytest.mark.parametrize("target", HOSTILE)
def test_dashboard_subscription_sends_hostile_next_to_the_dashboards(app, client, agent, target):
    login(client, "chef@a.fr")
    token = csrf_token(client, "/admin/dashboards/operational/")
    response = client.post("/admin/dashboards/subscription",
                           data={"csrf_token": token, "subscribe": "1", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/dashboards/"


def test_dashboard_subscription_follows_a_path(app, client, agent):
    login(client, "chef@a.fr")
    token = csrf_token(client, "/admin/dashboards/operational/")
    response = client.post("/admin/dashboards/subscription",
                           data={"csrf_token": token, "subscribe": "1", "next": "/admin/dashboards/operational/"})
    assert response.headers["Location"] == "/admin/dashboards/operational/"


@pytest.mark.parametrize("target", HOSTILE[:-1])
def test_flask_admin_return_url_is_dropped_when_hostile(app, client, agent, target):
    make_agent(app, agent, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    page = client.get("/admin/core_services/new/", query_string={"url": target})
    assert page.status_code == 302
    assert page.headers["Location"] == "/admin/core_services/new/"
    token = csrf_token(client, "/admin/core_services/new/")
    saved = client.post("/admin/core_services/new/", query_string={"url": target},
                        data={"csrf_token": token, "code": "hostile", "name": "Hostile"})
    assert saved.status_code == 400
    with in_commune(app, agent):
        assert db.session.scalar(select(Service).where(Service.code == "hostile")) is None


def test_flask_admin_return_url_is_followed_when_a_path(app, client, agent):
    make_agent(app, agent, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    assert client.get("/admin/core_services/new/?url=/admin/core_services/").status_code == 200


def test_flask_admin_delete_form_with_a_hostile_url_deletes_nothing(app, client, agent):
    make_agent(app, agent, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    with in_commune(app, agent):
        db.session.add(Service(code="gardee", name="Gardée"))
        db.session.commit()
        service_id = db.session.scalar(select(Service.id).where(Service.code == "gardee"))
    for target in ("/\r\nSet-Cookie: grc=stolen", "/\t/evil.example/", "https://evil.example/"):
        response = client.post("/admin/core_services/delete/", data={
            "id": service_id, "url": target, "csrf_token": csrf_token(client, "/admin/core_services/")})
        assert response.status_code == 400
    with in_commune(app, agent):
        assert db.session.get(Service, service_id) is not None
