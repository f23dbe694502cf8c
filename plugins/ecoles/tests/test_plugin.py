"""The ecoles plugin's contract with the core: manifest, declarations, activation."""
from types import SimpleNamespace

from sqlalchemy import select

from grc_core.plugin_api import RequestType, db
from grc_core.plugin_api.testing import PluginContract, in_commune, make_agent, make_commune

from .conftest import child_fields, client_for, file_form, last_request, make_parent


class TestContract(PluginContract):
    plugin = "ecoles"
    services = {"ecoles.affaires_scolaires"}
    permissions = {"ecoles.assign", "ecoles.derogation.decide", "ecoles.manage"}
    label_fr = "Écoles"


def test_a_commune_without_the_plugin_has_no_school_page_type_nor_panel(app):
    a = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["ecoles"])
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_agent(app, a, "accueil@a.fr", "accueil")
    make_agent(app, a, "agent@a.fr", "agent", services=["ecoles.affaires_scolaires"])
    make_agent(app, b, "admin@b.fr", "admin")
    with in_commune(app, a):
        types = {t.code: t.id for t in db.session.scalars(select(RequestType))}
    town = SimpleNamespace(id=a, types=types, parent=make_parent(app, a))
    file_form(client_for(app, "accueil@a.fr"), town, "ecoles.inscription", **child_fields(adresse_voie="Rue X"))
    request_id = last_request(app, a)
    parent_b = make_parent(app, b, "Paul", "Durand")
    admin_b = client_for(app, "admin@b.fr")
    for url in ("/admin/ecoles_schools/", "/admin/ecoles_enrolments/", "/admin/ecoles_sectors/new/",
                f"/admin/ecoles/certificats/{request_id}/inscription"):
        assert admin_b.get(url).status_code == 404, url
    assert "Inscription scolaire" not in admin_b.get("/admin/intake/").get_data(as_text=True)
    assert "Scolarité" not in admin_b.get(f"/admin/citizens/{parent_b}/").get_data(as_text=True)
    assert "Écoles" not in admin_b.get("/admin/").get_data(as_text=True)
