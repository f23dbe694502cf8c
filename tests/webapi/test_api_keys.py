"""API keys (grc_core.webapi.keys): made by ``grc api-keys`` or the back
office, shown once, stored hashed, revocable."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import ApiKey, AuditEvent
from grc_core.plugin_api.testing import in_commune
from grc_core.webapi.keys import find_key, hash_key
from tests.webapi.support import api_commune

KEY = re.compile(r"^(grc_[A-Za-z0-9_-]{43})$", re.M)


def run(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


def test_the_cli_prints_the_key_once_and_stores_only_its_hash(app, client):
    town = api_commune(app)
    result = run(app, "api-keys", "create", "--commune", "villeneuve", "--name", "Appli voirie",
                 "--scope", "open311", "--scope", "read")
    assert result.exit_code == 0, result.output
    secret = KEY.search(result.output).group(1)
    with in_commune(app, town.id):
        key = db.session.scalar(select(ApiKey))
        assert key.key_hash == hash_key(secret) and secret not in repr(db.session.execute(
            select(ApiKey.__table__)).all())
        assert key.scopes == ["open311", "read"] and key.role == "accueil" and secret.startswith(key.prefix)
        assert db.session.scalar(select(AuditEvent.action)) == "api_key.created"
    assert client.get("/c/villeneuve/open311/v2/requests.json", query_string={"api_key": secret}).status_code == 200
    listed = run(app, "api-keys", "list", "--commune", "villeneuve")
    assert f"{key.prefix}…\tAppli voirie\topen311,read\taccueil" in listed.output and "active" in listed.output
    assert secret not in listed.output
    revoked = run(app, "api-keys", "revoke", "--commune", "villeneuve", str(key.id))
    assert revoked.exit_code == 0 and "révoquée" in revoked.output
    assert client.get("/c/villeneuve/open311/v2/requests.json", query_string={"api_key": secret}).status_code == 403
    with app.app_context():
        assert find_key(secret) is None


def test_the_cli_refuses_bad_settings_and_stores_nothing(app):
    town = api_commune(app)
    assert run(app, "api-keys", "create", "--commune", "nulle-part", "--name", "X").exit_code == 2
    assert run(app, "api-keys", "create", "--commune", "villeneuve", "--name", "X", "--scope", "tout").exit_code == 2
    assert run(app, "api-keys", "create", "--commune", "villeneuve", "--name", "X", "--role", "elu").exit_code == 2
    blank = run(app, "api-keys", "create", "--commune", "villeneuve", "--name", "  ")
    assert blank.exit_code == 2 and "nom" in blank.output
    assert run(app, "api-keys", "revoke", "--commune", "villeneuve", "99").exit_code == 2
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0


def test_a_malformed_or_overlong_secret_finds_no_key(app):
    with app.app_context():
        assert find_key(None) is None and find_key("") is None
        assert find_key("sans-prefixe") is None and find_key("grc_" + "x" * 200) is None


# --- the back office ----------------------------------------------------------------------

def test_the_administrator_creates_a_key_sees_it_once_and_revokes_it(app, client):
    from grc_core.plugin_api.testing import csrf_token, login, make_agent

    town = api_commune(app)
    make_agent(app, town.id, "admin@a.fr", "admin")
    login(client, "admin@a.fr")
    url = "/admin/core_api_keys/"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "Appli voirie",
                                  "scopes": ["open311", "read"], "role": "manager"})
    assert page.status_code == 200
    secret = re.search(r'id="new-api-key"[^>]*value="(grc_[^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.get("/c/villeneuve/open311/v2/requests.json", query_string={"api_key": secret}).status_code == 200
    listing = client.get(url).get_data(as_text=True)
    assert "Appli voirie" in listing and secret not in listing and secret[:12] in listing
    with in_commune(app, town.id):
        key = db.session.scalar(select(ApiKey))
        assert (key.scopes, key.role, key.last_used_at is not None) == (["open311", "read"], "manager", True)
    assert client.post(f"{url}{key.id}/revoke", data={"csrf_token": csrf_token(client, url)}).status_code == 302
    assert client.get("/c/villeneuve/open311/v2/requests.json", query_string={"api_key": secret}).status_code == 403
    with in_commune(app, town.id):
        assert [e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("api_key.%"))
                                                     .order_by(AuditEvent.id))] == ["api_key.created", "api_key.revoked"]


def test_bad_input_and_outsiders_leave_no_key(app, client):
    from grc_core.plugin_api.testing import csrf_token, login, make_agent

    town = api_commune(app)
    other = api_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    make_agent(app, town.id, "admin@a.fr", "admin")
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    make_agent(app, other.id, "admin@b.fr", "admin")
    login(client, "admin@a.fr")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = "/admin/core_api_keys/"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "", "role": "accueil"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Give the key a name." in text and "Choose at least one scope." in text
    forged = client.post(url, data={"csrf_token": csrf_token(client, url), "name": "X", "scopes": ["open311"],
                                    "role": "elu"})
    assert forged.status_code == 200 and "new-api-key" not in forged.get_data(as_text=True)
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0
    make_key_id = run(app, "api-keys", "create", "--commune", "villeneuve", "--name", "Clé de A")
    assert make_key_id.exit_code == 0
    with in_commune(app, town.id):
        key_id = db.session.scalar(select(ApiKey.id))
    agent = app.test_client()
    login(agent, "agent@a.fr")
    assert agent.get(url).status_code == 403
    outsider = app.test_client()
    login(outsider, "admin@b.fr")
    assert outsider.post(f"{url}{key_id}/revoke", data={"csrf_token": csrf_token(outsider, url)}).status_code == 404
    with in_commune(app, town.id):
        assert db.session.scalar(select(ApiKey.revoked_at)) is None
