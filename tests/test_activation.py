"""Per-commune activation of plugins: enable, disable, keep data, 404."""
import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import AuditEvent, Commune, Service
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from grc_core.tenancy import active_plugins, disable_plugin, enable_plugin


@pytest.fixture
def plugin(app):
    names = app.extensions["grc"].names
    if not names:
        pytest.skip("no plugin loaded (core-only run)")
    return names[0]


def test_enabling_creates_the_declared_services_once(app, plugin):
    commune = make_commune(app, plugins=[])
    registry = app.extensions["grc"]
    declared = {s.code for s in registry.declared_by("grc_register_services", plugin)}
    with in_commune(app, commune):
        c = db.session.get(Commune, commune)
        assert enable_plugin(c, plugin) is True
        assert enable_plugin(c, plugin) is False
        db.session.commit()
        codes = {s.code for s in db.session.scalars(select(Service))}
        assert declared <= codes
        assert plugin in active_plugins(c)


def test_disabling_keeps_data_and_reenabling_brings_it_back(app, plugin):
    commune = make_commune(app, plugins=[plugin])
    with in_commune(app, commune):
        c = db.session.get(Commune, commune)
        # A module without a service of its own (campaigns, surveys): the administrator's own one.
        if db.session.scalar(select(Service.id)) is None:
            db.session.add(Service(code="communication", name="Communication"))
        services_before = sorted(s.code for s in db.session.scalars(select(Service)))
        db.session.scalars(select(Service)).first().name = "Renommé par l'administrateur"
        db.session.commit()
        assert disable_plugin(c, plugin) is True
        db.session.commit()
        assert plugin not in active_plugins(c)
        assert sorted(s.code for s in db.session.scalars(select(Service))) == services_before
        enable_plugin(c, plugin)
        db.session.commit()
        assert "Renommé par l'administrateur" in {s.name for s in db.session.scalars(select(Service))}


def test_admin_enables_and_disables_a_domain_from_the_back_office(app, client, plugin):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    page = client.get("/admin/core_plugins/").get_data(as_text=True)
    assert "Désactivé" in page
    response = post_form(client, f"/admin/core_plugins/{plugin}/enable", follow_redirects=True)
    assert "activé" in response.get_data(as_text=True)
    with in_commune(app, commune):
        assert plugin in active_plugins(commune)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plugin.enabled",
                                                          AuditEvent.target == plugin))
    post_form(client, f"/admin/core_plugins/{plugin}/disable", {"confirm": "yes"})
    with in_commune(app, commune):
        assert plugin not in active_plugins(commune)


def test_disabling_asks_first_and_says_what_stays(app, client, plugin):
    commune = make_commune(app, plugins=[plugin])
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    listing = client.get("/admin/core_plugins/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert f'href="/admin/core_plugins/{plugin}/disable"' in listing
    # A POST without the confirmation page's answer disables nothing: it leads to the question.
    response = post_form(client, f"/admin/core_plugins/{plugin}/disable")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/core_plugins/{plugin}/disable")
    with in_commune(app, commune):
        assert plugin in active_plugins(commune)
    page = client.get(f"/admin/core_plugins/{plugin}/disable", headers={"Accept-Language": "fr"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ce qui reste" in text and "0 demande de ce domaine" in text
    assert 'name="confirm" value="yes"' in text
    post_form(client, f"/admin/core_plugins/{plugin}/disable", {"confirm": "yes"})
    with in_commune(app, commune):
        assert plugin not in active_plugins(commune)
    # Already disabled: the question is not asked again.
    assert client.get(f"/admin/core_plugins/{plugin}/disable").status_code == 302


def test_the_disable_question_is_for_administrators_only(app, client, plugin):
    commune = make_commune(app, plugins=[plugin])
    make_agent(app, commune, "agent@a.fr", "agent")
    login(client, "agent@a.fr")
    assert client.get(f"/admin/core_plugins/{plugin}/disable").status_code == 403


def test_unknown_plugin_or_action_is_404(app, client):
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    assert post_form(client, "/admin/core_plugins/nope/enable").status_code == 404
    assert post_form(client, "/admin/core_plugins/core/explode").status_code == 404


def test_inactive_plugin_declarations_are_filtered_out(app, plugin):
    registry = app.extensions["grc"]
    everything = {p.code for p in registry.permissions(active=None)}
    core_only = {p.code for p in registry.permissions(active=[])}
    own = {p.code for p in registry.declared_by("grc_register_permissions", plugin)}
    assert own <= everything
    assert not own & core_only
    assert {"core.admin", "core.backoffice"} <= core_only


def test_inactive_plugin_permissions_cannot_be_granted(app, client, plugin):
    registry = app.extensions["grc"]
    own = [p.code for p in registry.declared_by("grc_register_permissions", plugin)]
    if not own:
        pytest.skip("plugin declares no permission")
    commune = make_commune(app, plugins=[])
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    page = client.get("/admin/core_agents/new/").get_data(as_text=True)
    assert own[0] not in page


def test_cli_refuses_an_unloaded_plugin(app):
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        with pytest.raises(ValueError, match="n'est pas chargé"):
            enable_plugin(db.session.get(Commune, commune), "inexistant")
