"""Contacts: every call, visit, letter or e-mail, whether or not it became a
request — so that first-contact resolution can be measured."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Contact
from ..requests.labels import CHANNEL_LABELS as REQUEST_CHANNEL_LABELS

# The channels of a logged contact, labelled as everywhere else.
CHANNEL_LABELS = {code: REQUEST_CHANNEL_LABELS[code] for code in ("guichet", "telephone", "courrier", "email")}
OUTCOME_LABELS = {
    "answered": _l("Answered on the spot"),
    "request_created": _l("Request created"),
    "redirected": _l("Redirected"),
}

# The front desk's quick-intake page turns a contact into a request; it sets
# Contact.request_id and the outcome "request_created" itself.
INTAKE_PATH = "/admin/intake/"


def intake_url(contact: Contact | None = None, citizen=None) -> str:
    """The quick-intake page for a contact to convert into a request, or
    for a new request of a citizen."""
    values = {}
    if contact is not None:
        values["contact"] = contact.id
    citizen_id = contact.citizen_id if contact is not None else getattr(citizen, "id", None)
    if citizen_id is not None:
        values["citizen"] = citizen_id
    return f"{INTAKE_PATH}?{urlencode(values)}" if values else INTAKE_PATH


def first_contact_resolution(start: datetime, end: datetime) -> tuple[int, int]:
    """(contacts answered on the spot, all contacts) in the current commune,
    ``start`` included, ``end`` excluded. One query on (commune_id, at)."""
    answered = func.coalesce(func.sum(case((Contact.outcome == "answered", 1), else_=0)), 0)
    row = db.session.execute(
        select(answered, func.count(Contact.id)).where(Contact.at >= start, Contact.at < end)
    ).one()
    return int(row[0]), int(row[1])
