"""The ecoles plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugins.testing import check_commune_without_plugin_sees_none_of_it, login, make_agent, make_commune


def test_plugin_is_loaded_with_its_manifest(app):
    registry = app.extensions["grc"]
    assert "ecoles" in registry.names
    manifest = registry.manifests["ecoles"]
    assert manifest.version and all(dep in registry.names for dep in manifest.depends)


def test_declares_its_service_and_permissions(app):
    registry = app.extensions["grc"]
    assert {s.code for s in registry.declared_by("grc_register_services", "ecoles")} == {"ecoles.affaires_scolaires"}
    assert {p.code for p in registry.declared_by("grc_register_permissions", "ecoles")} == {"ecoles.assign", "ecoles.derogation.decide"}


def test_enabled_commune_shows_the_domain_in_french(app, client):
    commune = make_commune(app, plugins=["ecoles"])
    make_agent(app, commune, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    assert "Écoles" in client.get("/admin/", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_a_commune_without_the_plugin_sees_none_of_it(app, client):
    check_commune_without_plugin_sees_none_of_it(app, client, "ecoles")
