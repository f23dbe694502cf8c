"""Migration c0a1e0000009 on a database that already has audit events: the
guarding permission is read from their details, and every chain verifies."""
from __future__ import annotations

import flask_migrate
from sqlalchemy import text

from grc_core.audit_chain import verify_chain
from grc_core.extensions import db
from grc_core.plugin_api.testing import database_url_for_tests, reset_database
from tests.conftest import SECRET


def test_existing_events_get_their_permission_and_are_chained(tmp_path_factory):
    from grc_core import create_app

    url = database_url_for_tests(tmp_path_factory, "audit_migration", own=True)
    reset_database(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "PLUGINS": ["secret"],
                      "EXTRA_PLUGINS": SECRET, "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
    with app.app_context():
        flask_migrate.upgrade(revision="c0a1e0000007")
        db.session.execute(text(
            "INSERT INTO commune (id, name, insee_code, slug, hostnames, settings, active, created_at) "
            "VALUES (7, 'Ville', '45001', 'ville', '', '{}', :yes, '2026-01-01 00:00:00')"), {"yes": True})
        rows = [
            (7, "2026-01-02 10:00:00", "confidential.read", "request:1",
             '{"reference": "2026-00001", "type": "secret.dossier"}'),
            (7, "2026-01-02 09:00:00", "login.succeeded", "a@b.fr", "{}"),
            (None, "2026-01-01 08:00:00", "login.failed", "x@y.fr", "{}"),
            (7, "2026-01-03 11:00:00", "citizen.merged", "citizen:4", '{"requests": ["2026-00002"]}'),
        ]
        for commune_id, at, action, target, details in rows:
            db.session.execute(text(
                "INSERT INTO audit_event (commune_id, at, action, target, ip, details) "
                "VALUES (:c, :at, :a, :t, '', :d)"), {"c": commune_id, "at": at, "a": action, "t": target,
                                                      "d": details})
        db.session.commit()
        flask_migrate.upgrade(revision="heads")
        found = db.session.execute(text(
            "SELECT action, read_permission, chain, seq FROM audit_event ORDER BY chain, seq")).all()
        assert [tuple(row) for row in found] == [
            ("login.failed", None, 0, 1),
            ("login.succeeded", None, 7, 1),
            ("confidential.read", "secret.read", 7, 2),
            ("citizen.merged", None, 7, 3),  # no such request: nothing says it was confidential
        ]
        assert verify_chain(0).ok and verify_chain(7).ok and verify_chain(7).length == 3
        db.engine.dispose()
