"""PostgreSQL keeps the statements psycopg prepared from one web request to
the next (grc_core.prepared_statements): a transaction that only read ends
with a COMMIT, which keeps them, instead of a ROLLBACK, which made psycopg
forget them all. Whatever wrote is still rolled back: nothing is stored
that the code did not commit.

PostgreSQL only (psycopg's prepared statements); skipped on SQLite with the reason.
"""
import os

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from grc_core.extensions import db
from grc_core.models import Citizen, Service
from grc_core.plugin_api.testing import make_agent
from test_queue import make_request
from test_requests import in_commune, setup_commune, signed_in

pytestmark = pytest.mark.skipif(
    not os.environ.get("GRC_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="PostgreSQL only: psycopg's prepared statements (GRC_TEST_DATABASE_URL)")


def prepared(app) -> dict[str, object]:
    """The statements prepared on the pool's connection, with when."""
    with app.app_context():
        return dict(db.session.execute(text("SELECT statement, prepare_time FROM pg_prepared_statements")).all())


def one_connection(app) -> None:
    """Empty the pool, so that every page and every look at pg_prepared_statements
    gets the same connection: the app lives for the whole session, and an earlier
    test that held several connections at once left them all in the pool, which
    hands them out in turn (prepared statements belong to one connection)."""
    with app.app_context():
        db.engine.dispose()


def test_a_page_s_statements_stay_prepared_from_one_request_to_the_next(app):
    one_connection(app)
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "admin")
    with in_commune(app, town.id):
        made = make_request(town.id, "2026-00001", town.bacs, service=town.voirie)
        db.session.commit()
        request_id = made.id
    client = signed_in(app, "agent@a.fr")
    for _ in range(7):  # psycopg prepares a statement the fifth time a connection sends it
        assert client.get(f"/admin/requests/{request_id}/").status_code == 200
    kept = prepared(app)
    main = [statement for statement in kept if statement.startswith("SELECT request.id")]
    assert main, list(kept)
    # The next page runs the statement prepared before, not a new one.
    assert client.get(f"/admin/requests/{request_id}/").status_code == 200
    after = prepared(app)
    assert [after.get(statement) for statement in main] == [kept[statement] for statement in main]


def test_a_transaction_that_wrote_is_still_rolled_back(app):
    town = setup_commune(app)
    with in_commune(app, town.id):
        db.session.add(Citizen(first_name="Jeanne", last_name="Jamais"))
        db.session.flush()  # an INSERT sent, never committed
        db.session.execute(text("UPDATE service SET name = 'Renommé' WHERE code = 'voirie'"))
    with in_commune(app, town.id):
        assert db.session.scalar(select(Citizen).where(Citizen.last_name == "Jamais")) is None
        assert db.session.scalar(select(Service.name).where(Service.code == "voirie")) == "Voirie"


def test_a_transaction_in_error_is_rolled_back_and_the_connection_serves_again(app):
    town = setup_commune(app)
    with in_commune(app, town.id):
        with pytest.raises(ProgrammingError):
            db.session.execute(text("SELECT * FROM no_such_table"))
    with in_commune(app, town.id):
        assert db.session.scalar(select(Service.name).where(Service.code == "voirie")) == "Voirie"
