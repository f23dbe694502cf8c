"""Retention (grc_core.retention): anonymising requests, the policies' engine,
the back-office page, ``grc retention`` and ``grc tick``."""
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from grc_core.extensions import db
from grc_core.models import (
    Attachment, AuditEvent, Membership, Message, OutboxMessage, Request, RequestEvent, User,
)
from grc_core.models.request import AppendOnlyError
from grc_core.plugins.testing import in_commune, make_agent
from grc_core.requests.service import add_attachments, add_message
from grc_core.retention import anonymise_request, anonymise_requests, closed_requests_due
from grc_core.workflows.engine import apply_transition
from test_requests import file_request, make_citizen, setup_commune

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLOSED_AT = datetime(2025, 3, 10, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.citizen = make_citizen(app, town.id, email="jeanne@example.org")
    town.request = worked_request(app, town)
    return town


def worked_request(app, town, closed_at=CLOSED_AT):
    """A request with a subject, a location, a citizen, two messages, a file,
    a commented transition and a notification, closed at ``closed_at``."""
    request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                                      citizen_id=town.citizen, subject="Bac de Jeanne Martin",
                                      location="12 rue des Lilas", data={"motif": "Ma poubelle", "nombre": "2"},
                                      now=closed_at - timedelta(days=20))
    assert not errors
    with in_commune(app, town.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == agent.id))
        request = db.session.get(Request, request_id)
        request.latitude, request.longitude = 47.9, 1.9
        db.session.commit()
        add_message(request, "Bonjour Madame Martin, votre bac arrive.", public=True, actor=agent,
                    now=closed_at - timedelta(days=10))
        add_message(request, "Appelée au 06 12 34 56 78", public=False, actor=agent,
                    now=closed_at - timedelta(days=9))
        add_attachments(request, [FileStorage(io.BytesIO(PDF), "facture-martin.pdf")], actor=agent,
                        now=closed_at - timedelta(days=8))
        apply_transition(request, "prendre", actor=agent, membership=membership, now=closed_at - timedelta(days=5))
        apply_transition(request, "clore", actor=agent, membership=membership, comment="Livré chez Mme Martin",
                         now=closed_at)
    return request_id


def files_of(app, commune_id, request_id) -> list[Path]:
    """The files on disk of the request's attachments (the instance folder is shared by tests)."""
    from grc_core.requests.attachments import path_of

    with in_commune(app, commune_id):
        return [path_of(a) for a in db.session.scalars(select(Attachment).where(Attachment.request_id == request_id))]


def snapshot(app, commune_id, request_id):
    with in_commune(app, commune_id):
        request = db.session.get(Request, request_id)
        return {
            "request": {name: getattr(request, name) for name in (
                "reference", "request_type_id", "service_id", "channel", "priority", "quartier", "state",
                "state_kind", "received_at", "closed_at", "due_at", "first_response_at", "assignee_id")},
            "events": [(e.kind, e.at, e.from_state, e.to_state, e.actor_id) for e in db.session.scalars(
                select(RequestEvent).where(RequestEvent.request_id == request_id).order_by(RequestEvent.id))],
            "messages": [(m.public, m.at) for m in db.session.scalars(
                select(Message).where(Message.request_id == request_id).order_by(Message.id))],
        }


# --- anonymise_request --------------------------------------------------------------

def test_anonymising_a_request_removes_personal_data_and_keeps_statistics(app, town):
    before = snapshot(app, town.id, town.request)
    [path] = files_of(app, town.id, town.request)
    assert path.read_bytes() == PDF
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) >= 1
        request = db.session.get(Request, town.request)
        assert anonymise_request(request, policy="test.bacs") is True
        db.session.commit()
    assert not path.exists()
    after = snapshot(app, town.id, town.request)
    assert after["request"] == before["request"]
    assert after["messages"] == before["messages"]
    assert after["events"][:-1] == before["events"] and after["events"][-1][0] == "anonymised"
    with in_commune(app, town.id):
        request = db.session.get(Request, town.request)
        assert (request.data, request.subject, request.location, request.latitude, request.longitude,
                request.citizen_id) == ({}, "", "", None, None, None)
        assert [m.body for m in request.messages] == ["", ""]
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        details = [e.details for e in db.session.scalars(select(RequestEvent).order_by(RequestEvent.id))]
        text = repr(details)
        for personal in ("Martin", "facture", "jeanne@example.org", "Livré"):
            assert personal not in text
        assert details[-1] == {"policy": "test.bacs"}
        assert any(d.get("transition") == "clore" for d in details)  # what statistics read stays
        # Idempotent: nothing more to change, no second history event.
        assert anonymise_request(request) is False
        db.session.commit()
    assert snapshot(app, town.id, town.request) == after


def test_form_fields_a_plugin_names_are_kept(app, town):
    with in_commune(app, town.id):
        assert anonymise_requests([str(town.request)], keep_fields=("nombre",)) == 1
        db.session.commit()
        assert db.session.get(Request, town.request).data == {"nombre": 2}


def test_history_stays_append_only_outside_retention(app, town):
    with in_commune(app, town.id):
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "transition"))
        event.details = {}
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_retention_may_blank_details_but_no_other_history_column(app, town):
    from grc_core.models.request import anonymising_history

    with in_commune(app, town.id), anonymising_history():
        event = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "transition"))
        event.kind = "created"
        with pytest.raises(AppendOnlyError):
            db.session.flush()
        db.session.rollback()


def test_a_rolled_back_anonymisation_keeps_the_files(app, town):
    [path] = files_of(app, town.id, town.request)
    with in_commune(app, town.id):
        anonymise_request(db.session.get(Request, town.request))
        db.session.rollback()
    assert path.read_bytes() == PDF and files_of(app, town.id, town.request) == [path]
    with in_commune(app, town.id):
        assert db.session.get(Request, town.request).citizen_id == town.citizen


def test_closed_requests_are_due_after_the_delay_and_not_once_anonymised(app, town):
    with in_commune(app, town.id):
        reference = db.session.get(Request, town.request).reference
        # Closed on 10 March 2025 (Paris): due one year later, on 10 March 2026.
        assert closed_requests_due(["bacs"], date(2026, 3, 9), months=12) == []
        [candidate] = closed_requests_due(["bacs"], date(2026, 3, 10), months=12)
        assert (candidate.key, candidate.label, candidate.due_on) == (
            str(town.request), f"{reference} — Demande de bacs", date(2026, 3, 10))
        assert closed_requests_due(["attestation"], date(2027, 1, 1), months=12) == []
        assert [c.due_on for c in closed_requests_due(["bacs"], date(2025, 3, 20), days=10)] == [date(2025, 3, 20)]
        anonymise_requests([candidate.key])
        db.session.commit()
        assert closed_requests_due(["bacs"], date(2027, 1, 1), months=12) == []
