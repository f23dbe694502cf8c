"""PostgreSQL restarted while agents work (a server of the test's own): the
pages in between answer a clear 503 with Retry-After, what was sent then is
not stored, and GRC works again once the database is back, without restarting."""
import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import SavedView
from grc_core.plugin_api.testing import in_commune, make_agent
from pg_clusters import missing_tools, own_folder, start_primary
from test_requests import setup_commune, signed_in


@pytest.fixture(scope="module")
def server():
    reason = missing_tools()
    if reason:
        pytest.fail(reason)
    root = own_folder()
    primary = start_primary(root)
    primary.sql("CREATE DATABASE grc")
    yield primary
    primary.stop()
    import shutil
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def own_app(server, tmp_path_factory):
    import flask_migrate

    from grc_core import create_app

    application = create_app({
        "TESTING": True, "DATABASE_URL": server.url("grc"), "SECRET_KEY": "test-secret-key",
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("restart")), "PLUGINS": "", "SESSION_COOKIE_SECURE": False,
    })
    with application.app_context():
        flask_migrate.upgrade(revision="heads")
    yield application
    with application.app_context():
        db.engine.dispose()


def save_view(client, name):
    token = client.get("/admin/requests/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/admin/requests/views", data={"csrf_token": token, "name": name, "filters": "kind=todo"})


def test_a_restart_gives_a_clear_503_loses_nothing_and_recovers(own_app, server):
    app = own_app
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "admin")
    client = signed_in(app, "agent@a.fr")
    assert save_view(client, "Avant").status_code == 302
    token = client.get("/admin/requests/").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]

    server.stop()
    try:
        response = client.get("/admin/requests/")
        assert response.status_code == 503 and response.headers["Retry-After"] == "30"
        page = response.get_data(as_text=True)
        assert "GRC cannot reach its database at the moment. Nothing you just sent was saved" in page
        response = client.post("/admin/requests/views", data={"csrf_token": token, "name": "Pendant",
                                                              "filters": "kind=todo"})
        assert response.status_code == 503
    finally:
        server.start()

    # Back: the same app serves again (its pool dropped the dead connections).
    assert client.get("/admin/requests/").status_code == 200
    assert save_view(client, "Après").status_code == 302
    with in_commune(app, town.id):
        assert sorted(db.session.scalars(select(SavedView.name))) == ["Après", "Avant"]
