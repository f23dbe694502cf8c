"""Files of requests: checked by content, stored outside the web root, served safely."""
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Attachment, RequestEvent
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from grc_core.requests import attachments
from grc_core.storage import LocalStorage
from storage_backends import s3_endpoint, storage_backend  # noqa: F401 (fixtures)
from test_requests import file_request, make_citizen, setup_commune, signed_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def odf(mimetype="application/vnd.oasis.opendocument.text"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("acte.pdf", PDF, attachments.PDF),
    ("photo.JPG", JPEG, attachments.JPEG),
    ("plan.png", PNG, attachments.PNG),
    ("courrier.odt", odf(), attachments.ODT),
    ("courrier.docx", docx(), attachments.DOCX),
    ("note.txt", "Écrit à la mairie, 3 € — merci".encode("utf-8"), attachments.TEXT),
    ("ancien.txt", "Écrit à la mairie".encode("cp1252"), attachments.TEXT),
])
def test_accepted_types_are_recognized_by_their_content(app, name, data, expected):
    with app.app_context():
        checked = attachments.check_file(name, io.BytesIO(data))
    assert checked.content_type == expected and checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("facture.pdf", PNG, "le contenu du fichier ne correspond pas à son extension"),
    ("photo.jpg", ELF, "ce type de fichier n'est pas accepté"),
    ("programme.exe", ELF, "ce type de fichier n'est pas accepté"),
    ("page.html", b"<html><script>alert(1)</script></html>", "ne correspond pas à son extension"),
    ("tableur.ods", odf("application/vnd.oasis.opendocument.spreadsheet"), "n'est pas accepté"),
    ("vide.pdf", b"", "est vide"),
    ("../../etc/passwd", b"root:x:0:0", "ne correspond pas à son extension"),
])
def test_forbidden_or_lying_files_are_refused_with_a_message(app, name, data, message):
    with app.app_context(), pytest.raises(attachments.AttachmentError) as refused:
        attachments.check_file(name, io.BytesIO(data))
    assert message in str(refused.value)


def test_file_names_lose_their_path_and_control_characters():
    assert attachments.clean_filename("C:\\Users\\x\\..\\rapport\x00\n.pdf") == "rapport.pdf"
    assert attachments.clean_filename("../../.bashrc") == "bashrc"


@pytest.fixture
def town(app, storage_backend):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.request, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                                   citizen_id=make_citizen(app, town.id))
    return town


def upload(client, request_id, *files):
    return client.post(f"/admin/requests/{request_id}/attachments", data={
        "csrf_token": csrf_token(client, f"/admin/requests/{request_id}/"),
        "files": [(io.BytesIO(data), name) for name, data in files],
    }, content_type="multipart/form-data")


def stored_files(backend, commune_id) -> list[str]:
    prefix = f"attachments/{commune_id}/"
    if isinstance(backend, LocalStorage):
        folder = backend.root / prefix
        return sorted(prefix + path.name for path in folder.iterdir()) if folder.exists() else []
    listing = backend.client.list_objects_v2(Bucket=backend.bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def attachment_count(app, commune_id):
    with in_commune(app, commune_id):
        return db.session.scalar(select(func.count()).select_from(Attachment))


def test_an_upload_is_stored_outside_the_web_root_and_downloaded_with_safe_headers(app, town, storage_backend):
    client = signed_in(app, "agent@a.fr")
    name = "Reçu <b>n°1.pdf"
    # Emptied tables keep no files, but SQLite may give this commune an id an earlier test used.
    before = set(stored_files(storage_backend, town.id))
    assert upload(client, town.request, (name, PDF)).status_code == 302
    with in_commune(app, town.id):
        attachment = db.session.scalar(select(Attachment))
        assert attachment.sha256 == hashlib.sha256(PDF).hexdigest() and attachment.size == len(PDF)
        assert db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "attachment")).details == {
            "filename": name}
    key = f"attachments/{town.id}/{attachment.storage_key}"
    assert set(stored_files(storage_backend, town.id)) - before == {key} and storage_backend.read(key) == PDF
    if isinstance(storage_backend, LocalStorage):
        # The same layout as before the storage interface: older files keep working.
        path = Path(app.instance_path) / key
        assert path.read_bytes() == PDF and "static" not in str(path)
    html = client.get(f"/admin/requests/{town.request}/").get_data(as_text=True)
    assert "Reçu &lt;b&gt;n°1.pdf" in html
    response = client.get(f"/admin/requests/attachments/{attachment.id}")
    assert response.is_streamed and response.data == PDF and response.content_length == len(PDF)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Re%C3%A7u%20%3Cb%3En%C2%B01.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_a_refused_upload_stores_nothing_and_says_why(app, town, storage_backend, monkeypatch):
    client = signed_in(app, "agent@a.fr")
    files_before = stored_files(storage_backend, town.id)  # the instance folder outlives each test's database
    monkeypatch.setitem(app.config["GRC"], "MAX_ATTACHMENT_MB", 1)
    for files, message in (
            ((("gros.pdf", PDF + b"0" * (1024 * 1024)),), "« gros.pdf » is too large: at most 1 MB."),
            ((("ok.pdf", PDF), ("facture.pdf", PNG)), "« facture.pdf »: the content of the file does not match"),
            ((("script.js", b"alert(1)"),), "does not match its extension"),
    ):
        response = upload(client, town.request, *files)
        assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert attachment_count(app, town.id) == 0 and stored_files(storage_backend, town.id) == files_before


def test_another_commune_cannot_download(app, town):
    client = signed_in(app, "agent@a.fr")
    upload(client, town.request, ("acte.pdf", PDF))
    with in_commune(app, town.id):
        attachment_id = db.session.scalar(select(Attachment.id))
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    make_agent(app, other.id, "agent@b.fr", "admin")
    stranger = signed_in(app, "agent@b.fr")
    assert stranger.get(f"/admin/requests/attachments/{attachment_id}").status_code == 404


def test_each_storage_keeps_files_once_and_forgets_them_on_delete(app, storage_backend):
    files = storage_backend
    key = "attachments/0/essai"
    assert not files.exists(key)
    files.put(key, PDF, attachments.PDF)
    assert files.exists(key) and files.read(key) == PDF and b"".join(files.chunks(key)) == PDF
    with pytest.raises(Exception):
        files.put(key, PNG, attachments.PNG)  # keys are written once
    assert files.read(key) == PDF
    files.delete(key)
    files.delete(key)  # twice is harmless: retention and a rollback may both remove a file
    assert not files.exists(key)
    with pytest.raises(FileNotFoundError):
        files.open(key)
    files.check()

