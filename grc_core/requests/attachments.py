"""Files attached to requests: checked, stored outside the web root, served safely.

What a file *is* is decided from its content (magic numbers, read by the
``filetype`` package — pure Python, no libmagic to install, knows PDF,
JPEG, PNG and the ODF/OOXML containers) and never from the name the
browser sent. A file whose name says one type and whose content is
another (``facture.pdf`` that is really a PNG, ``photo.jpg`` that is a
program) is refused: an agent would otherwise open something other than
what the list shows.

Files live in the storage (:mod:`grc_core.storage`: the instance folder or
an S3 bucket) under ``attachments/<commune_id>/<random key>``; the database
keeps the original name, the type found, the size and a SHA-256.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from flask import Response, current_app
from flask_babel import gettext as _

from ..extensions import db
from ..models import Attachment, Request
from ..storage import storage

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ODT = "application/vnd.oasis.opendocument.text"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"

# Accepted content types and the extensions that may name each.
ALLOWED = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    ODT: (".odt",),
    DOCX: (".docx",),
    TEXT: (".txt",),
}
ALLOWED_LABEL = "PDF, JPEG, PNG, ODT, DOCX, TXT"


class AttachmentError(ValueError):
    """A file that cannot be accepted; the message is for the agent."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    data: bytes
    sha256: str


def max_bytes() -> int:
    return int(current_app.config["GRC"].get("MAX_ATTACHMENT_MB", 10)) * 1024 * 1024


def clean_filename(name: str) -> str:
    """The last path component, without control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 254 - len(extension)] + dot + extension) if dot and len(extension) < 20 else name[:255]
    return name


def _looks_like_text(data: bytes) -> bool:
    """UTF-8 (or Windows-1252, common in French offices) without binary control bytes."""
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text)
    return False


def sniff(data: bytes) -> str | None:
    """The content type of ``data`` when it is one we accept, else None."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED else None
    return TEXT if _looks_like_text(data) else None


def check_file(filename: str, stream) -> CheckedFile:
    """Read and check an upload (a file-like ``stream``); raise AttachmentError."""
    name = clean_filename(filename)
    if not name:
        raise AttachmentError(_("The file has no name."))
    limit = max_bytes()
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise AttachmentError(_("« %(name)s » is too large: at most %(mb)d MB.", name=name, mb=limit // (1024 * 1024)))
    if not data:
        raise AttachmentError(_("« %(name)s » is empty.", name=name))
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentError(_("« %(name)s »: this type of file is not accepted (accepted: %(types)s).",
                                name=name, types=ALLOWED_LABEL))
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED[content_type]:
        raise AttachmentError(_("« %(name)s »: the content of the file does not match its extension.", name=name))
    return CheckedFile(name, content_type, data, hashlib.sha256(data).hexdigest())


def key_of(attachment: Attachment) -> str:
    return storage_key_for(attachment.commune_id, attachment.storage_key)


def storage_key_for(commune_id: int, token: str) -> str:
    """Where a commune's attachment of random key ``token`` lives in the storage."""
    return f"attachments/{commune_id}/{token}"


def store(request: Request, checked: CheckedFile, *, actor) -> tuple[Attachment, str]:
    """Write the file and add its row (not committed). Returns the row and the
    file's storage key, so that a caller whose transaction fails can remove it."""
    attachment = Attachment(
        request=request, commune_id=request.commune_id, filename=checked.filename,
        content_type=checked.content_type, size=len(checked.data), sha256=checked.sha256,
        storage_key=secrets.token_urlsafe(24), uploaded_by_id=getattr(actor, "id", None),
    )
    key = key_of(attachment)
    storage().put(key, checked.data, checked.content_type)
    db.session.add(attachment)
    return attachment, key


def remove_files(keys) -> None:
    """Undo :func:`store` for files whose rows were rolled back."""
    for key in keys:
        storage().delete(key)


def download_response(attachment: Attachment) -> Response:
    """The file, streamed, as a download that no browser will render or run."""
    chunks = storage().chunks(key_of(attachment))
    ascii_name = attachment.filename.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    response = Response(chunks, content_type=attachment.content_type, direct_passthrough=True)
    response.content_length = attachment.size
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename, safe='')}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
