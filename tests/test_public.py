"""Public pages: /c/<slug>/ on the platform host, / on a commune's hostname."""
from grc_core.plugin_api.testing import make_commune


def test_public_home_by_slug(app, client):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve")
    page = client.get("/c/villeneuve/", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Commune de Villeneuve-sur-Loire" in page.get_data(as_text=True)


def test_unknown_slug_is_404(app, client):
    assert client.get("/c/nulle-part/").status_code == 404


def test_public_home_lists_only_enabled_domains(app, client):
    registry = app.extensions["grc"]
    enabled = registry.names[:1]
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=enabled)
    page = client.get("/c/villeneuve/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    for name in registry.names:
        label = str(registry.manifests[name].label)
        assert (label in page) == (name in enabled), name


def test_commune_hostname_serves_its_home_at_the_root(app, client):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", hostnames="demarches.villeneuve.fr")
    page = client.get("/", base_url="http://demarches.villeneuve.fr")
    assert "Commune de Villeneuve-sur-Loire" in page.get_data(as_text=True)


def test_a_communes_hostname_never_serves_another_commune(app, client):
    make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", hostnames="demarches.villeneuve.fr")
    make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    assert client.get("/c/saint-aubin/", base_url="http://demarches.villeneuve.fr").status_code == 404
    assert client.get("/c/villeneuve/", base_url="http://demarches.villeneuve.fr").status_code == 200


def test_platform_host_root_goes_to_the_back_office(app, client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_security_headers(app, client):
    response = client.get("/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
