"""Helpers (no tests here) building citizens, requests and contacts for the citizen and contact tests."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Citizen, Contact, Message, Request, RequestEvent, RequestType, Workflow
from grc_core.plugin_api.testing import in_commune

WORKFLOW = {
    "states": [
        {"code": "recue", "label": "Reçue", "kind": "new", "visible": True},
        {"code": "en_cours", "label": "En cours d'instruction", "kind": "open", "visible": True},
        {"code": "terminee", "label": "Terminée", "kind": "closed", "visible": True},
    ],
    "transitions": [], "timers": [],
}


def english(client):
    """Pages in English: the msgids, whatever the French catalog holds."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


def make_citizen(app, commune_id, first_name, last_name, **fields) -> int:
    with in_commune(app, commune_id):
        citizen = Citizen(first_name=first_name, last_name=last_name, **fields)
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


def request_type(code="voirie.signalement", label="Signalement voirie", plugin=None) -> RequestType:
    """In the current commune: the type, created once."""
    found = db.session.scalar(select(RequestType).where(RequestType.code == code))
    if found is None:
        found = RequestType(code=code, label=label, plugin=plugin, fields=[], channels=[])
        db.session.add(found)
        db.session.flush()
    return found


def make_request(app, commune_id, citizen_id, reference, received=None, type_code="voirie.signalement",
                 type_label="Signalement voirie", plugin=None, subject="", state="recue") -> int:
    with in_commune(app, commune_id):
        workflow = db.session.scalar(select(Workflow).where(Workflow.code == "test.simple"))
        if workflow is None:
            workflow = Workflow(code="test.simple", label="Simple", definition=WORKFLOW)
            db.session.add(workflow)
            db.session.flush()
        kind = next(s["kind"] for s in WORKFLOW["states"] if s["code"] == state)
        row = Request(reference=reference, request_type=request_type(type_code, type_label, plugin),
                      citizen_id=citizen_id, channel="guichet", state=state, state_kind=kind,
                      workflow_id=workflow.id, subject=subject, received_at=received or at(1), data={})
        db.session.add(row)
        db.session.flush()
        db.session.add(RequestEvent(request_id=row.id, kind="created", at=row.received_at, to_state=state))
        db.session.commit()
        return row.id


def add_transition(app, commune_id, request_id, source, target, when, comment=""):
    with in_commune(app, commune_id):
        row = db.session.get(Request, request_id)
        row.state = target
        db.session.add(RequestEvent(request_id=request_id, kind="transition", at=when, from_state=source,
                                    to_state=target, details={"comment": comment}))
        db.session.commit()


def add_message(app, commune_id, request_id, body, when, public=True):
    with in_commune(app, commune_id):
        db.session.add(Message(request_id=request_id, body=body, at=when, public=public))
        db.session.commit()


def add_contact(app, commune_id, citizen_id, subject, when, channel="telephone", outcome="answered", **fields) -> int:
    with in_commune(app, commune_id):
        contact = Contact(citizen_id=citizen_id, subject=subject, at=when, channel=channel, outcome=outcome, **fields)
        db.session.add(contact)
        db.session.commit()
        return contact.id
