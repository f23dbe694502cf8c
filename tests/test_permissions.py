"""Server-side permission checks on every back-office view and action."""
import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import AuditEvent, CommunePlugin, Service
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form


def admin_views(app):
    return [v for v in app.extensions["admin"][0]._views if v.endpoint != "admin"]


@pytest.fixture
def commune(app):
    return make_commune(app)


@pytest.mark.parametrize("role", ["agent", "accueil", "elu", "manager"])
def test_non_admin_roles_are_refused_every_admin_view_and_it_is_logged(app, client, commune, role):
    make_agent(app, commune, f"{role}@a.fr", role)
    login(client, f"{role}@a.fr")
    refused = 0
    for view in admin_views(app):
        response = client.get(view.url.rstrip("/") + "/")
        needs_admin = view.platform_only or view.permission in ("core.admin", "core.audit.read")
        if needs_admin:
            assert response.status_code == 403, (view.endpoint, response.status_code)
            refused += 1
    assert refused >= 5
    with in_commune(app, commune):
        logged = list(db.session.scalars(select(AuditEvent.target).where(AuditEvent.action == "permission.refused")))
    assert "/admin/core_agents/" in logged and "/admin/core_services/" in logged


def test_admin_menus_are_hidden_from_agents(app, client, commune):
    make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "agent@a.fr")
    page = client.get("/admin/").get_data(as_text=True)
    assert "/admin/core_agents/" not in page
    assert "/admin/core_plugins/" not in page
    assert "/admin/core_communes/" not in page


def test_the_navbar_follows_the_member_s_rights_the_domains_and_the_language(app, client, commune):
    """The navbar is built once per access profile and language (grc_core.admin.menu):
    each change of what decides it shows on the next page."""
    from grc_core.models import Membership, User

    agent_id = make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "agent@a.fr")

    def membership_set(**values):
        with in_commune(app, commune):
            membership = db.session.scalar(select(Membership).where(Membership.user_id == agent_id))
            for name, value in values.items():
                setattr(membership, name, value)
            db.session.commit()

    assert 'href="/admin/core_audit/"' not in client.get("/admin/").get_data(as_text=True)
    membership_set(permissions=["core.audit.read"])
    assert 'href="/admin/core_audit/"' in client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/core_agents/"' not in client.get("/admin/").get_data(as_text=True)
    membership_set(role="admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/core_agents/">Agents</a>' in page and ">Journal d'audit</a>" in page
    with in_commune(app, commune):
        db.session.get(User, agent_id).locale = "en"
        db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert ">Audit log</a>" in page

    domains = app.extensions["grc"].names
    if domains:
        links = [f'href="{v.url.rstrip("/")}/"' for v in admin_views(app) if v.plugin == domains[0]]
        shown = [link for link in links if link in page]
        with in_commune(app, commune):
            row = db.session.scalar(select(CommunePlugin).where(CommunePlugin.plugin == domains[0]))
            row.enabled = False
            db.session.commit()
        page = client.get("/admin/").get_data(as_text=True)
        assert shown and not any(link in page for link in shown)


def test_an_agent_posting_directly_to_an_action_url_is_refused_and_nothing_changes(app, client, commune):
    make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "agent@a.fr")
    plugin = app.extensions["grc"].names[0] if app.extensions["grc"].names else None
    if plugin:
        response = post_form(client, f"/admin/core_plugins/{plugin}/disable")
        assert response.status_code == 403
        with in_commune(app, commune):
            row = db.session.scalar(select(CommunePlugin).where(CommunePlugin.plugin == plugin))
            assert row.enabled is True
    response = post_form(client, "/admin/core_services/new/", {"code": "pirate", "name": "Pirate"})
    assert response.status_code == 403
    with in_commune(app, commune):
        assert db.session.scalar(select(Service).where(Service.code == "pirate")) is None
        assert db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "permission.refused", AuditEvent.target == "/admin/core_services/new/"))


def test_only_platform_admins_see_the_communes(app, client, commune):
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    assert client.get("/admin/core_communes/").status_code == 403
    response = post_form(client, "/admin/core_communes/new/", {"name": "Pirate", "insee_code": "45999",
                                                               "slug": "pirate"})
    assert response.status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(app, client, commune):
    for view in admin_views(app):
        response = client.get(view.url.rstrip("/") + "/")
        assert response.status_code == 302, view.endpoint
        assert response.headers["Location"].startswith("/login")
    assert client.get("/admin/").headers["Location"].startswith("/login")


def test_every_model_view_requires_a_permission_beyond_signing_in(app):
    for view in admin_views(app):
        if isinstance(view, ModelView):
            assert view.platform_only or view.permission != "core.backoffice", view.endpoint


def test_extra_permissions_are_granted_only_if_declared(app, commune):
    from grc_core.models import Commune, Membership, User
    from grc_core.security.permissions import permissions_of

    make_agent(app, commune, "agent@a.fr", "agent", permissions=["core.audit.read"])
    with in_commune(app, commune):
        membership = db.session.scalar(select(Membership))
        membership.permissions = ["core.audit.read", "invented.permission"]
        user = db.session.scalar(select(User))
        held = permissions_of(user, membership, db.session.get(Commune, commune))
    assert "core.audit.read" in held
    assert "invented.permission" not in held
    assert "core.admin" not in held
