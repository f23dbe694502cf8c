"""Filing a démarche without an account, where the commune allows it.

The form (the type's FieldSpec form, the same checks as at the counter) is
checked when posted, then *held* in ``pending_filing`` — the posted fields
as JSON, the files in the storage under ``pending/<commune>/`` — and a
verification link is mailed to the address given. No request exists until
the citizen opens that link: nothing of a pending filing can reach an
agents' queue, count, dashboard, export or API, since none of them reads
this table. At verification the request is created by
:func:`grc_core.requests.service.create_request` with channel ``web``, like
any online filing (validation again, routing, history, acknowledgement,
plugin events), and a private tracking link is issued and mailed.

A link works once (the row is deleted by the first use, atomically) and
for 48 hours; ``grc tick`` deletes expired filings and their files.
"""
from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from ..extensions import db
# The prefix of a FieldSpec form's inputs: what a held filing keeps of a POST.
from ..forms.builder import PREFIX as FIELD_PREFIX
from ..models import PendingFiling, Request, RequestType
from ..requests import attachments
from ..requests.service import create_request, validate_submission
from ..security import clock
from ..storage import storage
from ..tenancy import unscoped
from . import mails, tracking_links
from .catalogue import CHANNEL
from .linking import citizen_for_identity
from .tokens import digest, new_token, plausible

# Commune.settings key: true lets citizens file without an account (off by default).
SETTING = "portal_anonymous_filing"
LIFETIME = timedelta(hours=48)
# The input of the optional documents (templates/portal/file.html).
DOCUMENTS = "attachments"
log = logging.getLogger("grc.portal")


def allowed(commune) -> bool:
    return (commune.settings or {}).get(SETTING) is True


@dataclass(frozen=True)
class Identity:
    email: str
    first_name: str
    last_name: str
    phone: str = ""


def _uploads(files: MultiDict) -> list[tuple[str, FileStorage]]:
    return [(name, upload) for name, upload in files.items(multi=True)
            if upload is not None and getattr(upload, "filename", "")]


def check_only(request_type: RequestType, form: MultiDict, files: MultiDict) -> dict:
    """The démarche's errors, storing nothing (to show them with the identity's)."""
    return validate_submission(request_type=request_type.id, channel=CHANNEL,
                               formdata=CombinedMultiDict((files, form)), files=files.getlist(DOCUMENTS))[3]


def _pending_key(commune_id: int) -> str:
    return f"pending/{commune_id}/{secrets.token_urlsafe(24)}"


def hold(commune, request_type: RequestType, identity: Identity, form: MultiDict, files: MultiDict):
    """Check the démarche and hold it until its address is verified.

    ``(True, {})`` once held (committed) and the link mailed, or
    ``(False, errors)`` with nothing stored — the same errors as the counter's.
    """
    formdata = CombinedMultiDict((files, form))
    _resolved, _data, _checked, errors = validate_submission(
        request_type=request_type.id, channel=CHANNEL, formdata=formdata, files=files.getlist(DOCUMENTS))
    if errors:
        return False, errors
    written, held = [], []
    now = clock.now()
    token = new_token()
    try:
        for name, upload in _uploads(files):
            upload.stream.seek(0)
            checked = attachments.check_file(upload.filename, upload.stream)
            key = _pending_key(commune.id)
            storage().put(key, checked.data, checked.content_type)
            written.append(key)
            held.append({"field": name, "filename": checked.filename, "key": key})
        db.session.add(PendingFiling(
            request_type_id=request_type.id, email=identity.email, first_name=identity.first_name,
            last_name=identity.last_name, phone=identity.phone, token_hash=digest(token), created_at=now,
            expires_at=now + LIFETIME, files=held,
            form={name: form.getlist(name) for name in form if name.startswith(FIELD_PREFIX)}))
        mails.send_filing_verification(identity, commune, request_type, token)
        db.session.commit()
    except Exception:
        db.session.rollback()
        attachments.remove_files(written)
        raise
    return True, {}


@dataclass
class Confirmed:
    request: Request | None = None
    tracking_token: str = ""
    # The démarche no longer passes the checks (the type was closed meanwhile…): nothing was filed.
    errors: dict | None = None


def _claim(token: str) -> PendingFiling | None:
    """The live held filing of this token, deleted by this call (the first
    use wins: a concurrent second one deletes no row and gets None)."""
    if not plausible(token):
        return None
    row = db.session.scalar(select(PendingFiling).where(PendingFiling.token_hash == digest(token)))
    if row is None or clock.aware(row.expires_at) <= clock.now():
        return None
    claimed = db.session.execute(delete(PendingFiling).where(PendingFiling.id == row.id)
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.expunge(row)
    return row if claimed == 1 else None


def _replayed(row: PendingFiling):
    form = MultiDict([(name, value) for name, values in (row.form or {}).items() for value in values])
    files = MultiDict([(item["field"], FileStorage(io.BytesIO(storage().read(item["key"])),
                                                   filename=item["filename"], name=item["field"]))
                       for item in row.files or ()])
    return CombinedMultiDict((files, form)), files.getlist(DOCUMENTS)


def confirm(commune, token: str) -> Confirmed | None:
    """File the held démarche of this verification link, once; None when the
    link is unknown, used, expired or another commune's."""
    row = _claim(token)
    if row is None:
        db.session.rollback()
        return None
    formdata, files = _replayed(row)
    citizen = citizen_for_identity(row.email, row.first_name, row.last_name, row.phone)
    created, errors = create_request(request_type=row.request_type_id, citizen=citizen, channel=CHANNEL,
                                     formdata=formdata, actor=None, files=files)
    if created is None:
        # Refused now: the held filing is dropped all the same, and the page says why.
        db.session.rollback()
        _claim(token)
        db.session.commit()
        attachments.remove_files(item["key"] for item in row.files or ())
        return Confirmed(errors=errors)
    tracking = tracking_links.issue(created)
    mails.send_tracking_link(created, commune, tracking)
    db.session.commit()
    attachments.remove_files(item["key"] for item in row.files or ())
    return Confirmed(request=created, tracking_token=tracking)


def purge_expired(now: datetime | None = None) -> int:
    """Delete the held filings whose link expired, and their files, in every commune."""
    now = now or clock.now()
    with unscoped():
        expired = db.session.scalars(select(PendingFiling).where(PendingFiling.expires_at <= now)).all()
        for row in expired:
            attachments.remove_files(item["key"] for item in row.files or ())
            db.session.delete(row)
        db.session.commit()
    return len(expired)
