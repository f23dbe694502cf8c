"""The equipements plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugin_api.testing import PluginContract, make_agent, make_commune

from .conftest import client_for


class TestContract(PluginContract):
    plugin = "equipements"
    services = {"equipements.equipements"}
    permissions = {"equipements.decide", "equipements.manage", "equipements.calendar"}
    label_fr = "Équipements"


def test_a_commune_without_the_plugin_has_no_facility_page(app):
    b = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_agent(app, b, "admin@b.fr", "admin")
    admin_b = client_for(app, "admin@b.fr")
    for url in ("/admin/equipements_facilities/", "/admin/equipements_bookings/", "/admin/equipements/calendrier/",
                "/admin/equipements/conventions/1.pdf"):
        assert admin_b.get(url).status_code == 404, url
    assert "Réservation d'une salle" not in admin_b.get("/admin/intake/").get_data(as_text=True)
