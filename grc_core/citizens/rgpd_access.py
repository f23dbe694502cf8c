"""The RGPD right of access (article 15): everything GRC holds about a person.

:func:`collect` gathers it as plain data (the JSON export; grc_core.citizens.
rgpd_pdf lays the same out as a readable PDF): identity, contacts,
consents, household, every request with its history, messages and list of
attachments, logged contacts, plugin rows about the person (found through
their foreign keys, grc_core.citizens.holdings) and the rectifications of
the record (audit events ``citizen.rectified``).

Only an agent who may read everything about the person may run it
(:func:`refusal`): a front-desk agent cannot export a CCAS file they may not
read, nor learn through the export that one exists beyond the reason given.
Each export is audited, guarded like the confidential files it holds.
"""
from __future__ import annotations

import base64
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..audit import record
from ..extensions import db
from ..models import AuditEvent, Citizen, Commune, Consent, Contact, HouseholdLink, Request, RequestType, utcnow
from ..requests.labels import CHANNEL_LABELS, EVENT_LABELS
from ..workflows.definition import state_label
from .holdings import foreign_rows, permissions_involved, unreadable

IDENTITY = ("civility", "first_name", "last_name", "birth_name", "birth_date", "birth_place", "email", "phone",
            "address_number", "address_street", "postcode", "city", "quartier", "created_at", "updated_at")
# Columns of plugin rows that are technical, not about the person.
TECHNICAL = {"id", "commune_id"}
RECTIFIED = "citizen.rectified"


def _requests(citizen: Citizen) -> list[Request]:
    return db.session.scalars(
        select(Request).options(selectinload(Request.events), selectinload(Request.messages),
                                selectinload(Request.attachments), selectinload(Request.request_type),
                                selectinload(Request.workflow))
        .where(Request.citizen_id == citizen.id).order_by(Request.received_at, Request.id)).all()


def refusal(citizen: Citizen, actor) -> str | None:
    """Why ``actor`` may not export this person's data, or None."""
    request_ids = db.session.scalars(select(Request.id).where(Request.citizen_id == citizen.id)).all()
    hidden = unreadable(actor, citizen.commune_id, request_ids, foreign_rows(citizen.id))
    if hidden.requests:
        return ngettext(
            "%(num)d request of this person is confidential and you may not read it: only an agent allowed to "
            "read everything about the person may export their data.",
            "%(num)d requests of this person are confidential and you may not read them: only an agent allowed "
            "to read everything about the person may export their data.", hidden.requests)
    if hidden.plugins:
        return _("This person's record holds confidential data (%(domains)s) you may not read: only an agent "
                 "allowed to read everything about the person may export their data.",
                 domains=hidden.plugin_labels())
    return None


def plain(value):
    """A JSON-ready value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def collect(citizen: Citizen) -> dict:
    commune = db.session.get(Commune, citizen.commune_id)
    links = db.session.scalars(select(HouseholdLink).where(HouseholdLink.citizen_id == citizen.id)
                               .order_by(HouseholdLink.id)).all()
    consents = db.session.scalars(select(Consent).where(Consent.citizen_id == citizen.id)
                                  .order_by(Consent.given_at, Consent.id)).all()
    contacts = db.session.scalars(select(Contact).where(Contact.citizen_id == citizen.id)
                                  .order_by(Contact.at, Contact.id)).all()
    rectifications = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == RECTIFIED, AuditEvent.target == f"citizen:{citizen.id}").order_by(AuditEvent.id)).all()
    return plain({
        "generated_at": utcnow(),
        "commune": commune.name,
        "identity": {name: getattr(citizen, name) for name in IDENTITY},
        "consents": [{"channel": c.channel, "purpose": c.purpose, "given_at": c.given_at,
                      "revoked_at": c.revoked_at, "source": c.source} for c in consents],
        "household": [{"relation": link.relation, "relative": link.relative.full_name} for link in links],
        "contacts": [{"at": c.at, "channel": c.channel, "subject": c.subject, "outcome": c.outcome,
                      "notes": c.notes} for c in contacts],
        "requests": [_request(r) for r in _requests(citizen)],
        "plugin_data": _plugin_data(citizen),
        "rectifications": [{"at": e.at, "changes": (e.details or {}).get("changes", {})} for e in rectifications],
    })


def _request(request: Request) -> dict:
    definition = request.workflow.definition if request.workflow is not None else None
    return {
        "reference": request.reference,
        "type": request.request_type.shown_label,
        "channel": str(CHANNEL_LABELS.get(request.channel, request.channel)),
        "received_at": request.received_at,
        "state": state_label(definition, request.state),
        "closed_at": request.closed_at,
        "subject": request.subject,
        "location": request.location,
        "data": request.data,
        "history": [{"at": e.at, "event": str(EVENT_LABELS.get(e.kind, e.kind)),
                     "from_state": state_label(definition, e.from_state) if e.from_state else None,
                     "to_state": state_label(definition, e.to_state) if e.to_state else None,
                     "comment": (e.details or {}).get("comment", "")} for e in request.events],
        "messages": [{"at": m.at, "to_the_citizen": m.public, "body": m.body} for m in request.messages],
        "attachments": [{"filename": a.filename, "content_type": a.content_type, "size": a.size, "at": a.at}
                        for a in request.attachments],
    }


def _plugin_data(citizen: Citizen) -> dict:
    out = {}
    for rows in foreign_rows(citizen.id):
        table = db.metadata.tables[rows.table]
        found = db.session.execute(select(table).where(table.c[rows.column] == citizen.id)
                                   .order_by(*table.primary_key.columns)).mappings().all()
        out.setdefault(rows.table, []).extend(
            {key: value for key, value in row.items() if key not in TECHNICAL and key != rows.column}
            for row in found)
    return out


def audit_export(citizen: Citizen, fmt: str, actor, *, refused: bool = False) -> None:
    """One event per export (or refusal), guarded by the permission of the
    confidential files the person has: the event itself says they have some."""
    codes = db.session.scalars(select(RequestType.code).join(Request, Request.request_type_id == RequestType.id)
                               .where(Request.citizen_id == citizen.id)).all()
    permissions = permissions_involved(citizen.commune_id, codes, foreign_rows(citizen.id))
    record("citizen.rgpd_export_refused" if refused else "citizen.rgpd_export", target=f"citizen:{citizen.id}",
           user=actor, permission=permissions[0] if permissions else None,
           details={"format": fmt, "requests": len(codes)})
