"""PostgreSQL at scale: the app behind PgBouncer in transaction pooling mode
(psycopg prepares nothing), its queue and dashboards read from a streaming
replica — a request written on the primary is read from the replica after
replay, never by the agent who just wrote, never from a replica too far behind.

Servers of the test's own (tests/pg_clusters.py): a primary (initdb), its
replica (pg_basebackup), PgBouncer. PostgreSQL runs only (the replica is
PostgreSQL's); on SQLite the test is skipped with the reason.
"""
import os

import pytest
from sqlalchemy import create_engine, select, text

from grc_core.extensions import db
from grc_core.models import Request
from grc_core.replica import WROTE_AT
from grc_core.plugin_api.testing import make_agent
from pg_clusters import Bouncer, missing_tools, own_folder, start_primary, start_replica, wait_until
from test_queue import make_request
from test_requests import in_commune, setup_commune, signed_in

pytestmark = pytest.mark.skipif(
    not os.environ.get("GRC_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only: streaming replication and PgBouncer are PostgreSQL's (GRC_TEST_DATABASE_URL)")
DATABASE = "grc"


@pytest.fixture(scope="module")
def servers():
    reason = missing_tools()
    if reason:
        pytest.fail(reason)  # CI installs them: missing is a failure, not a skip
    root = own_folder()
    primary = start_primary(root)
    replica = bouncer = None
    try:
        primary.sql(f"CREATE DATABASE {DATABASE}")
        replica = start_replica(primary, root)
        bouncer = Bouncer(primary, root, DATABASE)
        yield primary, replica, bouncer
    finally:
        if bouncer:
            bouncer.stop()
        if replica:
            replica.stop()
        primary.stop()
        import shutil
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def scaled_app(servers, tmp_path_factory):
    """GRC through PgBouncer, reading its queue from the replica (no plugin: the core's pages)."""
    import flask_migrate

    from grc_core import create_app

    primary, replica, bouncer = servers
    application = create_app({
        "TESTING": True, "DATABASE_URL": bouncer.url(DATABASE), "DATABASE_REPLICA_URL": replica.url(DATABASE),
        "DATABASE_PREPARED_STATEMENTS": False, "DATABASE_REPLICA_MAX_LAG_SECONDS": 3600,
        "SECRET_KEY": "test-secret-key", "INSTANCE_PATH": str(tmp_path_factory.mktemp("replica")),
        "PLUGINS": "", "SESSION_COOKIE_SECURE": False,
    })
    with application.app_context():
        flask_migrate.upgrade(revision="heads")
    yield application
    with application.app_context():
        for engine in db.engines.values():
            engine.dispose()


def replayed(primary, replica) -> bool:
    position = primary.sql("SELECT pg_current_wal_lsn()")
    return replica.sql(f"SELECT pg_last_wal_replay_lsn() >= '{position}'::pg_lsn") == "t"


def references_on(server, app_commune) -> set[str]:
    engine = create_engine(server.url(DATABASE))
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT reference FROM request WHERE commune_id = :c"),
                                          {"c": app_commune}).scalars())
    finally:
        engine.dispose()


def queue_page(client) -> str:
    # A fresh page: the agent's last write is older than the bound (what signing in wrote, here).
    with client.session_transaction() as cookie:
        cookie.pop(WROTE_AT, None)
    response = client.get("/admin/requests/?kind=active")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_behind_pgbouncer_reads_go_to_the_replica_after_replay_and_never_after_a_write(scaled_app, servers):
    app = scaled_app
    primary, replica, _bouncer = servers
    # Written through PgBouncer in transaction mode: dozens of statements on
    # changing server connections, none of them prepared.
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "admin")
    with in_commune(app, town.id):
        make_request(town.id, "2026-00001", town.bacs, service=town.voirie)
        db.session.commit()
    assert primary.sql("SELECT count(*) FROM pg_prepared_statements") == "0"
    wait_until(lambda: replayed(primary, replica), "the replica to replay the first request")
    client = signed_in(app, "agent@a.fr")

    page = queue_page(client)
    assert "2026-00001" in page
    assert "These figures come from a copy of the database, at most 3600 seconds behind." in page

    # The replica stops replaying: a request written now is on the primary only.
    replica.sql("SELECT pg_wal_replay_pause()")
    try:
        with in_commune(app, town.id):
            make_request(town.id, "2026-00002", town.bacs, service=town.voirie)
            db.session.commit()
        assert references_on(primary, town.id) == {"2026-00001", "2026-00002"}
        assert references_on(replica, town.id) == {"2026-00001"}
        page = queue_page(client)
        assert "2026-00001" in page and "2026-00002" not in page  # read from the replica, as it stands

        # The agent writes (a saved view): his next pages read the primary.
        token = client.get("/admin/requests/").get_data(as_text=True).split('name="csrf_token" value="')[1]
        response = client.post("/admin/requests/views", data={"csrf_token": token.split('"')[0], "name": "Tout",
                                                               "filters": "kind=active"})
        assert response.status_code == 302
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "2026-00002" in page and "copy of the database" not in page

        # A replica further behind than the bound is not read.
        app.config["GRC"]["DATABASE_REPLICA_MAX_LAG_SECONDS"] = 0
        page = queue_page(client)
        assert "2026-00002" in page and "copy of the database" not in page
    finally:
        app.config["GRC"]["DATABASE_REPLICA_MAX_LAG_SECONDS"] = 3600
        replica.sql("SELECT pg_wal_replay_resume()")

    wait_until(lambda: replayed(primary, replica), "the replica to catch up")
    page = queue_page(client)
    assert "2026-00002" in page and "copy of the database" in page
    with in_commune(app, town.id):  # outside a page, the primary
        assert {r.reference for r in db.session.scalars(select(Request))} == {"2026-00001", "2026-00002"}
