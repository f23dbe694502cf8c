"""Large queue exports: written by a job (RQ on the real Redis, or at once
without it), stored through grc_core.storage, listed on "My exports",
downloaded by their author alone, deleted when they expire."""
import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import ExportFile, utcnow
from grc_core.plugin_api.testing import in_commune, make_agent
from grc_core.requests import export
from grc_core.requests.export_jobs import purge_expired
from grc_core.storage import storage
from grc_core.tenancy import unscoped
from jobs_support import redis_queue, work  # noqa: F401 (fixtures)
from test_queue import FORMULA, town  # noqa: F401 (fixture)
from test_requests import setup_commune, signed_in

TODO = ["2026-00001", "2026-00002", "2026-00006"]  # the agent's "to do" in test_queue's town


@pytest.fixture
def low_threshold(app, monkeypatch):
    """Exports of more than 2 requests go through a job."""
    monkeypatch.setitem(app.config["GRC"], "EXPORT_JOB_ROWS", 2)


def exports_of(app, commune_id):
    with in_commune(app, commune_id):
        return db.session.scalars(select(ExportFile).order_by(ExportFile.id)).all()


def csv_references(response):
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="demandes-')
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Reference"
    return rows


def test_without_redis_a_large_export_is_written_at_once_and_downloaded_from_my_exports(app, town, low_threshold):
    client = signed_in(app, "agent@a.fr")
    response = client.get("/admin/requests/export.csv?kind=todo")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/requests/exports")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More than 2 requests match: the file is ready below." in page
    [exported] = exports_of(app, town.id)
    assert (exported.status, exported.row_count, exported.fmt, exported.query) == ("ready", 3, "csv", "kind=todo")
    assert f'href="/admin/requests/exports/{exported.id}"' in page
    with app.app_context():
        assert storage().exists(exported.storage_key)
        assert exported.storage_key.startswith(f"exports/{town.id}/")
    rows = csv_references(client.get(f"/admin/requests/exports/{exported.id}"))
    assert [row[0] for row in rows[1:]] == TODO
    assert rows[1][3] == "'" + FORMULA  # neutralised, as in every export


def test_a_small_export_is_still_downloaded_at_once(app, town, low_threshold):
    client = signed_in(app, "agent@a.fr")
    rows = csv_references(client.get("/admin/requests/export.csv?kind=waiting"))
    assert [row[0] for row in rows[1:]] == ["2026-00003"]
    assert exports_of(app, town.id) == []


def test_with_redis_the_export_waits_for_a_worker_then_is_ready(app, town, low_threshold, redis_queue):
    client = signed_in(app, "agent@a.fr")
    response = client.get("/admin/requests/export.xlsx?kind=todo")
    assert response.status_code == 302
    [exported] = exports_of(app, town.id)
    assert exported.status == "pending" and redis_queue.count == 1
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "More than 2 requests match: the file is being prepared." in page and "Being prepared…" in page
    assert client.get(f"/admin/requests/exports/{exported.id}").status_code == 404  # not ready yet
    work(app, redis_queue)
    [exported] = exports_of(app, town.id)
    assert exported.status == "ready" and exported.row_count == 3
    response = client.get(f"/admin/requests/exports/{exported.id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [row[0] for row in list(sheet.values)[1:]] == TODO


def stored_exports(app, commune_id) -> set[str]:
    with app.app_context():
        folder = storage().root / "exports" / str(commune_id)
        return {f"exports/{commune_id}/{path.name}" for path in folder.iterdir()} if folder.is_dir() else set()


def test_a_job_delivered_twice_writes_one_file(app, town, low_threshold, redis_queue):
    from grc_core.jobs import enqueue

    files_before = stored_exports(app, town.id)  # an earlier test's commune may have had this id
    client = signed_in(app, "agent@a.fr")
    client.get("/admin/requests/export.csv?kind=todo")
    [exported] = exports_of(app, town.id)
    with app.app_context():
        enqueue("exports.requests", commune_id=town.id, export_id=exported.id, locale="en")  # at-least-once
    assert redis_queue.count == 2
    work(app, redis_queue)
    [again] = exports_of(app, town.id)
    assert again.status == "ready"
    assert stored_exports(app, town.id) - files_before == {again.storage_key}


def test_an_export_that_became_too_large_fails_with_its_reason(app, town, low_threshold, redis_queue,
                                                               monkeypatch):
    client = signed_in(app, "agent@a.fr")
    client.get("/admin/requests/export.csv?kind=todo")
    monkeypatch.setattr(export, "MAX_ROWS", 2)  # more requests matched by the time the worker ran
    work(app, redis_queue)
    [exported] = exports_of(app, town.id)
    assert exported.status == "failed" and exported.storage_key is None
    page = client.get("/admin/requests/exports").get_data(as_text=True)
    assert "Failed: More than 2 requests match: narrow the filters to export them." in page
    assert client.get(f"/admin/requests/exports/{exported.id}").status_code == 404


def test_only_its_author_downloads_an_export_in_its_commune(app, town, low_threshold):
    make_agent(app, town.id, "admin@a.fr", "admin")
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    make_agent(app, other.id, "admin@b.fr", "admin")
    signed_in(app, "agent@a.fr").get("/admin/requests/export.csv?kind=todo")
    [exported] = exports_of(app, town.id)
    for email in ("admin@a.fr", "admin@b.fr"):
        client = signed_in(app, email)
        assert client.get(f"/admin/requests/exports/{exported.id}").status_code == 404, email
        assert f"/admin/requests/exports/{exported.id}" not in client.get("/admin/requests/exports").get_data(
            as_text=True)
    author = signed_in(app, "agent@a.fr")
    for bad in ("0", str(exported.id + 1), str(2**64)):
        assert author.get(f"/admin/requests/exports/{bad}").status_code == 404
    assert author.get("/admin/requests/exports/abc").status_code == 404


def test_an_elu_has_no_exports_page(app, town):
    make_agent(app, town.id, "elu@a.fr", "elu")
    assert signed_in(app, "elu@a.fr").get("/admin/requests/exports").status_code == 403


def test_expired_exports_are_deleted_with_their_file(app, town, low_threshold):
    client = signed_in(app, "agent@a.fr")
    client.get("/admin/requests/export.csv?kind=todo")
    client.get("/admin/requests/export.xlsx?kind=todo")
    old, recent = exports_of(app, town.id)
    with app.app_context(), unscoped():
        db.session.get(ExportFile, old.id).created_at = utcnow() - timedelta(days=8)
        db.session.commit()
        assert purge_expired() == 1
        assert not storage().exists(old.storage_key) and storage().exists(recent.storage_key)
    assert [e.id for e in exports_of(app, town.id)] == [recent.id]
    assert client.get(f"/admin/requests/exports/{old.id}").status_code == 404
