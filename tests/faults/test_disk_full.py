"""The attachments' disk full: the upload is refused with a clear message,
no file is left half-written, the request is kept as it was.

A real full disk: a 64 KiB tmpfs mounted over the instance's attachments
folder (needs the right to mount, as root in CI). Where mounting is not
allowed the test is skipped with that reason; by hand: ``mount -t tmpfs -o
size=64k tmpfs <instance>/attachments`` and attach a larger file.
"""
import io
import subprocess

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Attachment, Request, RequestEvent
from grc_core.plugin_api.testing import in_commune, make_agent
from grc_core.storage import storage
from test_requests import file_request, make_citizen, setup_commune, signed_in

PDF_HEAD = b"%PDF-1.4\n"


@pytest.fixture
def small_disk(app):
    with app.app_context():
        folder = storage().root / "attachments"
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); see this module's docstring")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_refuses_the_upload_cleanly(app, small_disk):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                                      citizen_id=make_citizen(app, town.id))
    assert not errors
    with in_commune(app, town.id):
        version = db.session.get(Request, request_id).version
        events = db.session.scalar(select(func.count()).select_from(RequestEvent))
    client = signed_in(app, "agent@a.fr")
    page = client.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    big = PDF_HEAD + b"0" * (200 * 1024)  # larger than the whole disk
    response = client.post(f"/admin/requests/{request_id}/attachments", data={
        "csrf_token": token, "version": str(version), "files": (io.BytesIO(big), "plan.pdf")},
        content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "The file could not be stored (the storage is full or unavailable): nothing was attached." in page
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert db.session.get(Request, request_id).version == version
        assert db.session.scalar(select(func.count()).select_from(RequestEvent)) == events
    assert [path for path in small_disk.rglob("*") if path.is_file()] == []  # nothing half-written
