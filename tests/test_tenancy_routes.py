"""Two communes: nothing of B is reachable from A through any back-office URL.

The checks walk every model view the app has (core and loaded plugins), so
a view added later is covered without touching this file.
"""
import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select

from grc_core.audit import record
from grc_core.extensions import db
from grc_core.models import AuditEvent, Membership, Service
from grc_core.plugin_api.testing import in_commune, login, make_agent, post_form

B_MARKER = "Zorglub"  # appears only in commune B's data
# What B's rows show; the search term itself ("Zorg") is echoed by the page.
B_TEXTS = (f"Service {B_MARKER}", "zorglub@b.fr", f"{B_MARKER} Agent", "zorglub.done", "Saint-Aubin")


@pytest.fixture
def b_data(app, two_communes):
    """Rows of commune B whose text carries a marker; their ids per model."""
    b = two_communes["b"]
    make_agent(app, b, "zorglub@b.fr", "agent", full_name=f"{B_MARKER} Agent")
    with in_commune(app, b):
        db.session.add(Service(code="zorglub", name=f"Service {B_MARKER}", email="zorglub@b.fr"))
        record("zorglub.done", target=B_MARKER, commit=False)
        db.session.commit()
        ids = {
            Service: db.session.scalar(select(Service.id).where(Service.code == "zorglub")),
            Membership: db.session.scalar(select(Membership.id).join(Membership.user).where(
                Membership.user.has(email="zorglub@b.fr"))),
            AuditEvent: db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "zorglub.done")),
        }
    return ids


def scoped_model_views(app):
    admin = app.extensions["admin"][0]
    return [view for view in admin._views if isinstance(view, ModelView) and not view.platform_only]


def test_every_list_search_and_export_of_a_shows_nothing_of_b(app, client, two_communes, b_data):
    login(client, two_communes["admin_a"])
    views = scoped_model_views(app)
    assert views, "no model view found"
    for view in views:
        base = view.url.rstrip("/") + "/"
        for url in (base, f"{base}?search=Zorg", f"{base}export/csv/"):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            text = response.get_data(as_text=True)
            for b_text in B_TEXTS:
                assert b_text not in text, (url, b_text)


def test_every_record_url_of_b_answers_404_in_a(app, client, two_communes, b_data):
    login(client, two_communes["admin_a"])
    for view in scoped_model_views(app):
        if view.model not in b_data:
            continue
        row_id = b_data[view.model]
        actions = [a for a, allowed in (("details", view.can_view_details), ("edit", view.can_edit)) if allowed]
        for action in actions:
            response = client.get(f"/admin/{view.endpoint}/{action}/?id={row_id}")
            assert response.status_code == 404, (view.endpoint, action, response.status_code)
        if view.can_delete:
            response = post_form(client, f"/admin/{view.endpoint}/delete/", {"id": row_id})
            assert response.status_code == 404, (view.endpoint, "delete", response.status_code)
        if view.can_edit:
            response = post_form(client, f"/admin/{view.endpoint}/edit/?id={row_id}", {"name": "pirate"})
            assert response.status_code == 404
    with in_commune(app, two_communes["b"]):
        assert db.session.get(Service, b_data[Service]).name == f"Service {B_MARKER}"
        assert db.session.get(Membership, b_data[Membership]) is not None


def test_home_and_menus_of_a_show_nothing_of_b(app, client, two_communes, b_data):
    login(client, two_communes["admin_a"])
    page = client.get("/admin/").get_data(as_text=True)
    assert "Villeneuve-sur-Loire" in page
    assert "Saint-Aubin" not in page
    assert B_MARKER not in page


def test_an_agent_cannot_switch_to_a_commune_he_does_not_belong_to(app, client, two_communes):
    login(client, two_communes["admin_a"])
    assert 'id="grc-commune"' not in client.get("/admin/").get_data(as_text=True)
    response = post_form(client, "/commune", {"commune_id": two_communes["b"]})
    assert response.status_code == 404
    assert "Villeneuve-sur-Loire" in client.get("/admin/").get_data(as_text=True)


def test_a_platform_admin_switches_commune_and_sees_only_that_one(app, client, two_communes, b_data):
    make_agent(app, two_communes["a"], "ops@grc.fr", "admin", platform_admin=True)
    login(client, "ops@grc.fr")
    assert B_MARKER not in client.get("/admin/core_services/").get_data(as_text=True)
    response = post_form(client, "/commune", {"commune_id": two_communes["b"]})
    assert response.status_code == 302
    page = client.get("/admin/core_services/").get_data(as_text=True)
    assert f"Service {B_MARKER}" in page
    assert "Villeneuve" not in client.get("/admin/").get_data(as_text=True).split("<h1")[1]


def test_agent_of_two_communes_works_in_the_chosen_one(app, client, two_communes, b_data):
    make_agent(app, two_communes["a"], "inter@grc.fr", "admin")
    make_agent(app, two_communes["b"], "inter@grc.fr", "admin")
    login(client, "inter@grc.fr")
    # The menu offers both communes, by name; an agent of one commune gets no such menu.
    menu = client.get("/admin/").get_data(as_text=True).split('id="grc-commune"')[1].split("</select>")[0]
    assert f'value="{two_communes["a"]}"' in menu and f'value="{two_communes["b"]}"' in menu
    assert "Villeneuve-sur-Loire" in menu and "Saint-Aubin" in menu
    post_form(client, "/commune", {"commune_id": two_communes["a"]})
    assert B_MARKER not in client.get("/admin/core_services/").get_data(as_text=True)
    post_form(client, "/commune", {"commune_id": two_communes["b"]})
    assert f"Service {B_MARKER}" in client.get("/admin/core_services/").get_data(as_text=True)
