"""The audit log: confidential objects stay secret in it, and it is
tamper-evident (grc_core.audit, grc_core.audit_chain, ``grc audit verify``)."""
from __future__ import annotations

import csv
import io
import os
import threading

import pytest
from sqlalchemy import select, text, update
from werkzeug.datastructures import MultiDict

from grc_core.audit import record
from grc_core.audit_chain import GENESIS, verify_chain
from grc_core.cli import cli
from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, RequestType, User
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from grc_core.requests.service import create_request
from grc_core.tenancy import unscoped

REFERENCE_MARK = "2026-"


def file_secret(app, commune, actor_email="reader@a.fr"):
    with in_commune(app, commune):
        actor = db.session.scalar(select(User).where(User.email == actor_email))
        citizen = Citizen(first_name="Paule", last_name="Secret")
        db.session.add(citizen)
        db.session.flush()
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "secret.dossier"))
        created, errors = create_request(request_type=type_id, citizen=citizen, channel="guichet",
                                         formdata=MultiDict({"f_motif": "Aide"}), actor=actor, subject="Aide")
        assert created is not None, errors
        db.session.commit()
        return created.id, created.reference, citizen.id


@pytest.fixture
def secret_commune(privacy_app):
    app = privacy_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    make_agent(app, commune, "reader@a.fr", "agent", services=["secret.bureau"], permissions=["secret.read"])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "admin-social@a.fr", "admin", permissions=["secret.read"])
    request_id, reference, citizen_id = file_secret(app, commune)
    reader = app.test_client()
    login(reader, "reader@a.fr")
    assert reader.get(f"/admin/requests/{request_id}/").status_code == 200  # an audited read
    return {"commune": commune, "request_id": request_id, "reference": reference}


def audit_pages(app, email, reference):
    client = app.test_client()
    login(client, email)
    listing = client.get("/admin/core_audit/").get_data(as_text=True)
    with in_commune(app, secret_commune_id(app)):
        event_id = db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "confidential.read"))
    details = client.get(f"/admin/core_audit/details/?id={event_id}").get_data(as_text=True)
    export = client.get("/admin/core_audit/export/csv/").get_data(as_text=True)
    search = client.get(f"/admin/core_audit/?search={reference}").get_data(as_text=True)
    return listing, details, export, search


def secret_commune_id(app):
    from grc_core.models import Commune

    with app.app_context(), unscoped():
        return db.session.scalar(select(Commune.id).where(Commune.slug == "villeneuve"))


def test_a_confidential_read_records_the_permission_guarding_it(privacy_app, secret_commune):
    with in_commune(privacy_app, secret_commune["commune"]):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "confidential.read"))
        assert event.read_permission == "secret.read"
        assert event.details["reference"] == secret_commune["reference"]
        login_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login.succeeded"))
        assert login_event.read_permission is None


def test_an_admin_without_the_permission_sees_the_event_without_its_object(privacy_app, secret_commune):
    reference = secret_commune["reference"]
    listing, details, export, search = audit_pages(privacy_app, "admin@a.fr", reference)
    for page in (listing, details, export):
        assert reference not in page and f"request:{secret_commune['request_id']}" not in page
        assert "secret.dossier" not in page
        assert "Demande confidentielle consultée" in page  # that it happened (in words), and who did it, stays
        assert "Reader" in page
    assert "masqué (confidentiel)" in listing
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    hidden = [row for row in rows if "Demande confidentielle consultée" in row]
    assert hidden and all("masqué (confidentiel)" in row for row in hidden)
    # Searching the reference does not reveal that an event holds it.
    assert "Demande confidentielle consultée" not in search


def test_a_holder_of_the_permission_sees_the_object(privacy_app, secret_commune):
    reference = secret_commune["reference"]
    listing, details, export, search = audit_pages(privacy_app, "admin-social@a.fr", reference)
    for page in (listing, details, export, search):
        assert reference in page
    assert "masqué (confidentiel)" not in listing


# --- the hash chain ---------------------------------------------------------------

def run_cli(app, *args):
    return app.test_cli_runner().invoke(cli, list(args))


def test_events_are_chained_per_commune_and_for_the_platform(privacy_app):
    app = privacy_app
    a = make_commune(app, "Ville A", "45001", "ville-a", plugins=[])
    b = make_commune(app, "Ville B", "45002", "ville-b", plugins=[])
    for commune in (a, b, a):
        with in_commune(app, commune):
            record("test.done", target="x", details={"n": 1, "accents": "éà"})
            record("test.done", target="y", commit=False)
            db.session.commit()
    with app.app_context():
        record("platform.done", details={"when": "now"})
        with unscoped():
            events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        chains = {}
        for event in events:
            chains.setdefault(event.chain, []).append(event)
        assert sorted(chains) == [0, a, b]
        for chain, rows in chains.items():
            assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
            assert rows[0].prev_hash == GENESIS
            assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, len(rows)))
            assert verify_chain(chain).ok
        assert len(chains[a]) == 4 and len(chains[b]) == 2 and len(chains[0]) == 1
    result = run_cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert "commune ville-a : 4 événement(s), chaîne intacte." in result.output
    assert "plateforme : 1 événement(s), chaîne intacte." in result.output


def _three_events(app):
    commune = make_commune(app, "Ville A", "45001", "ville-a", plugins=[])
    with in_commune(app, commune):
        ids = [record("test.done", target=f"t{n}", details={"n": n}).id for n in range(3)]
    return commune, ids


def test_an_event_of_a_rolled_back_transaction_is_not_written_and_the_chain_holds(privacy_app):
    app = privacy_app
    commune, ids = _three_events(app)
    with in_commune(app, commune):
        record("test.cancelled", commit=False)
        db.session.rollback()
        record("test.kept", commit=False)
        db.session.commit()
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
        assert actions == ["test.done", "test.done", "test.done", "test.kept"]
        assert verify_chain(commune).ok and verify_chain(commune).length == 4


def test_an_altered_row_is_reported_as_the_first_broken_link(privacy_app):
    app = privacy_app
    commune, ids = _three_events(app)
    with app.app_context():
        # What someone with database access would do: rewrite who read what.
        db.session.execute(text("UPDATE audit_event SET target = 'autre' WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
        report = verify_chain(commune)
        assert not report.ok and report.broken_at == 2 and report.event_id == ids[1]
        assert report.reason_code == "altered" and report.length == 1
    result = run_cli(app, "audit", "verify", "--commune", "ville-a")
    assert result.exit_code == 1
    assert (f"commune ville-a : chaîne rompue à l'événement n° 2 (id {ids[1]}) — il a été modifié depuis son "
            f"écriture ; 1 événement(s) vérifié(s) avant.") in result.output


def test_an_altered_row_with_its_hash_recomputed_breaks_the_next_link(privacy_app):
    from grc_core.audit_chain import event_hash

    app = privacy_app
    commune, ids = _three_events(app)
    with app.app_context(), unscoped():
        row = db.session.get(AuditEvent, ids[0])
        forged = event_hash(prev_hash=row.prev_hash, chain=row.chain, seq=row.seq, commune_id=row.commune_id,
                            at=row.at, user_id=row.user_id, action=row.action, target="autre", ip=row.ip,
                            details=row.details, read_permission=row.read_permission)
        db.session.execute(update(AuditEvent).where(AuditEvent.id == ids[0]).values(target="autre", hash=forged))
        db.session.commit()
        report = verify_chain(commune)
        assert report.broken_at == 2 and report.reason_code == "unlinked"


def test_a_deleted_row_is_reported(privacy_app):
    app = privacy_app
    commune, ids = _three_events(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
        report = verify_chain(commune)
        assert report.broken_at == 2 and report.reason_code == "missing" and report.event_id == ids[2]


@pytest.mark.skipif(not os.environ.get("GRC_TEST_DATABASE_URL", "").startswith("postgresql"),
                    reason="concurrent writers are serialised by PostgreSQL's advisory lock")
def test_two_threads_writing_at_once_do_not_fork_the_chain(privacy_app):
    app = privacy_app
    commune = make_commune(app, "Ville A", "45001", "ville-a", plugins=[])
    per_thread = 40
    start = threading.Barrier(2)
    errors = []

    def write(name):
        try:
            with in_commune(app, commune):
                start.wait()
                for n in range(per_thread):
                    # Held open between the event and the commit, as a real action does.
                    record("test.concurrent", target=f"{name}{n}", commit=False)
                    db.session.execute(text("SELECT 1"))
                    db.session.commit()
        except Exception as error:  # reported below, with the thread's name
            errors.append((name, error))

    threads = [threading.Thread(target=write, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with in_commune(app, commune):
        seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        assert seqs == list(range(1, 2 * per_thread + 1))
        assert verify_chain(commune).ok
        targets = set(db.session.scalars(select(AuditEvent.target)))
        assert {f"a{n}" for n in range(per_thread)} | {f"b{n}" for n in range(per_thread)} == targets
