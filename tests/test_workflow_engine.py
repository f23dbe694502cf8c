"""The workflow engine: start, who may act, applying transitions atomically, concurrency.

The helpers at the top (a workflow, a request type, requests) are shared by
the other tests of workflows and notifications.
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import (
    Citizen, Membership, OutboxMessage, Request, RequestEvent, RequestType, User, Workflow,
)
from grc_core.plugin_api.testing import in_commune, make_agent, make_commune
from grc_core.workflows.deadlines import as_utc
from grc_core.workflows.engine import (
    TransitionError, apply_transition, available_transitions, start,
)


def transition(code, label, source, target, roles=("admin", "manager", "agent"), **extra):
    return {"code": code, "label": label, "source": list(source), "target": target, "roles": list(roles),
            "permission": None, "comment_required": False, "required_fields": [], "notify_citizen": False,
            "set_due_days": None, **extra}


SIMPLE = {
    "states": [
        {"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True},
        {"code": "en_cours", "label": "En cours d'instruction", "kind": "open", "visible": True},
        {"code": "attente", "label": "En attente de pièces", "kind": "waiting", "visible": True},
        {"code": "close", "label": "Traitée", "kind": "closed", "visible": True},
    ],
    "transitions": [
        transition("prendre", "Prendre en charge", ["nouvelle"], "en_cours", set_due_days=5),
        transition("demander", "Demander des pièces", ["en_cours"], "attente", comment_required=True,
                   notify_citizen=True, set_due_days=0),
        transition("recevoir", "Pièces reçues", ["attente"], "en_cours", required_fields=["pieces"]),
        transition("clore", "Clore", ["en_cours"], "close", roles=("admin", "manager"), notify_citizen=True),
        transition("classer", "Classer sans suite", ["attente"], "close", roles=()),
        transition("rouvrir", "Rouvrir", ["close"], "en_cours", roles=("admin", "manager")),
        transition("viser", "Viser", ["en_cours"], "en_cours", roles=(), permission="core.audit.read"),
    ],
    "timers": [
        {"code": "classement_tacite", "state": "attente", "transition": "classer", "delay_days": 0,
         "delay_months": 2, "anchor": "entered_state"},
    ],
}

RECEIVED = datetime(2026, 4, 30, 8, 0, tzinfo=timezone.utc)  # Thursday 10:00 in Paris, 1 May next day


def simple_definition() -> dict:
    return copy.deepcopy(SIMPLE)


def setup_commune(app, definition=None, sla_days=3, insee="45901", slug="villeneuve", name="Villeneuve-sur-Loire"):
    """A commune (no plugin) with a workflow, a request type and four agents. Returns the commune id."""
    commune_id = make_commune(app, name, insee, slug, plugins=[])
    for role in ("admin", "manager", "agent", "accueil"):
        make_agent(app, commune_id, f"{role}@{slug}.fr", role)
    with in_commune(app, commune_id):
        workflow = Workflow(code="simple", label="Traitement simple", definition=definition or simple_definition(),
                            template_version="")
        db.session.add(workflow)
        db.session.add(RequestType(code="signalement", label="Signalement", workflow=workflow, sla_days=sla_days,
                                   channels=["guichet"], fields=[]))
        db.session.commit()
    return commune_id


def new_request(app, commune_id, *, email="lea.martin@example.org", received_at=RECEIVED, data=None,
                number=1) -> int:
    """A request at the start of the commune's workflow, committed. Returns its id."""
    with in_commune(app, commune_id):
        request_type = db.session.scalar(select(RequestType).where(RequestType.code == "signalement"))
        citizen = Citizen(first_name="Léa", last_name="Martin", email=email or "")
        request = Request(reference=f"VSL-2026-{number:05d}", request_type=request_type, citizen=citizen,
                          channel="guichet", state="", state_kind="", received_at=received_at, data=data or {})
        start(request, request_type.workflow, now=received_at)
        db.session.add_all([citizen, request])
        db.session.commit()
        return request.id


def member(email):
    """The user and their membership in the current commune."""
    user = db.session.scalar(select(User).where(User.email == email))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
    return user, membership


def act(request, code, email, **kwargs):
    user, membership = member(email)
    return apply_transition(request, code, actor=user, membership=membership, **kwargs)


def history(request_id, kind="transition"):
    return db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                         RequestEvent.kind == kind).order_by(RequestEvent.id)).all()


def outbox_count():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


@pytest.fixture
def commune(app):
    return setup_commune(app)


def test_start_puts_the_request_in_the_new_state_with_its_sla(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.state_kind) == ("nouvelle", "new")
        assert as_utc(request.state_entered_at) == RECEIVED
        # 3 working days after Thursday 30 April 2026: 1 May is a public holiday,
        # so Monday 4, Tuesday 5, Wednesday 6 May, end of day in Paris (UTC+2).
        assert as_utc(request.due_at) == datetime(2026, 5, 6, 21, 59, 59, tzinfo=timezone.utc)
        assert request.workflow.code == "simple"


def test_available_transitions_follow_the_state_and_the_role(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert [t["code"] for t in available_transitions(request, *member("agent@villeneuve.fr"))] == ["prendre"]
        assert available_transitions(request, *member("accueil@villeneuve.fr")) == []
        act(request, "prendre", "agent@villeneuve.fr")
        assert [t["code"] for t in available_transitions(request, *member("agent@villeneuve.fr"))] == ["demander"]
        manager = [t["code"] for t in available_transitions(request, *member("manager@villeneuve.fr"))]
        assert manager == ["demander", "clore"]
        # "viser" goes by permission only: the admin holds core.audit.read by role.
        assert "viser" in [t["code"] for t in available_transitions(request, *member("admin@villeneuve.fr"))]


def test_a_permission_granted_to_an_agent_lets_them_act(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        with pytest.raises(TransitionError, match="n'êtes pas autorisé"):
            act(request, "viser", "agent@villeneuve.fr")
        _user, membership = member("agent@villeneuve.fr")
        membership.permissions = ["core.audit.read"]
        db.session.commit()
        event = act(request, "viser", "agent@villeneuve.fr")
        assert (event.from_state, event.to_state) == ("en_cours", "en_cours")


def test_a_platform_admin_without_membership_acts_as_admin(app, commune):
    request_id = new_request(app, commune)
    other = make_commune(app, "Autre", "45999", "autre", plugins=[])
    make_agent(app, other, "operateur@plateforme.fr", "admin", platform_admin=True)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        operator = db.session.scalar(select(User).where(User.email == "operateur@plateforme.fr"))
        act(request, "prendre", "agent@villeneuve.fr")
        assert "clore" in [t["code"] for t in available_transitions(request, operator, None)]
        apply_transition(request, "clore", actor=operator, membership=None)
        assert request.state == "close"


def test_apply_changes_state_dates_history_and_version_together(app, commune):
    request_id = new_request(app, commune)
    now = datetime(2026, 7, 10, 9, 0, tzinfo=timezone.utc)  # Friday; 14 July is a Tuesday holiday
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        version = request.version
        event_id = act(request, "prendre", "agent@villeneuve.fr", comment="Je m'en occupe", now=now).id
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.state_kind) == ("en_cours", "open")
        assert as_utc(request.state_entered_at) == now
        assert as_utc(request.first_response_at) == now
        # 5 working days after Friday 10 July: 13, 15, 16, 17, 20 July.
        assert as_utc(request.due_at) == datetime(2026, 7, 20, 21, 59, 59, tzinfo=timezone.utc)
        assert request.version == version + 1
        [stored] = history(request_id)
        assert stored.id == event_id
        assert (stored.from_state, stored.to_state) == ("nouvelle", "en_cours")
        assert stored.details == {"transition": "prendre", "comment": "Je m'en occupe"}
        assert stored.actor.email == "agent@villeneuve.fr"


def test_a_transition_not_allowed_from_the_current_state_changes_nothing(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        with pytest.raises(TransitionError) as refused:
            act(request, "clore", "manager@villeneuve.fr")
        assert str(refused.value) == "« Clore » est impossible tant que la demande est « Nouvelle »."
        with pytest.raises(TransitionError, match="inconnue pour cette demande"):
            act(request, "inexistante", "manager@villeneuve.fr")
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.version) == ("nouvelle", 1)
        assert history(request_id) == []


def test_a_transition_not_allowed_for_this_user_changes_nothing(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        with pytest.raises(TransitionError) as refused:
            act(request, "prendre", "accueil@villeneuve.fr")
        assert str(refused.value) == "Vous n'êtes pas autorisé à effectuer l'action « Prendre en charge » sur cette demande."
        act(request, "prendre", "agent@villeneuve.fr")
        with pytest.raises(TransitionError, match="n'êtes pas autorisé"):
            act(request, "clore", "agent@villeneuve.fr")
        # Only a timer applies "classer" (no role): nobody may apply it by hand.
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif de domicile")
        with pytest.raises(TransitionError, match="n'êtes pas autorisé"):
            act(request, "classer", "admin@villeneuve.fr")
    with in_commune(app, commune):
        assert db.session.get(Request, request_id).state == "attente"
        assert [e.details["transition"] for e in history(request_id)] == ["prendre", "demander"]


def test_comment_and_required_fields(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        with pytest.raises(TransitionError) as refused:
            act(request, "demander", "agent@villeneuve.fr", comment="   ")
        assert str(refused.value) == "« Demander des pièces » nécessite un commentaire."
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif de domicile")
        with pytest.raises(TransitionError) as refused:
            act(request, "recevoir", "agent@villeneuve.fr", fields={"pieces": ""})
        assert str(refused.value) == "« Pièces reçues » nécessite de renseigner ces champs : pieces."
        assert db.session.get(Request, request_id).state == "attente"
        event = act(request, "recevoir", "agent@villeneuve.fr",
                    fields={"pieces": "justificatif.pdf", "montant": "1000000"})
        assert event.details["fields"] == {"pieces": "justificatif.pdf"}
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert request.state == "en_cours" and request.data == {"pieces": "justificatif.pdf"}


def test_notify_citizen_writes_the_outbox_in_the_same_transaction(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        assert outbox_count() == 0
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif de domicile")
    with in_commune(app, commune):
        [message] = db.session.scalars(select(OutboxMessage)).all()
        assert message.recipient == "lea.martin@example.org"
        assert message.request_id == request_id and message.status == "pending"
        assert "VSL-2026-00001" in message.subject and "En attente de pièces" in message.body
        [notification] = history(request_id, "notification")
        assert notification.details["recipient"] == "lea.martin@example.org"


def test_no_email_no_outbox(app, commune):
    request_id = new_request(app, commune, email="")
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        act(request, "demander", "agent@villeneuve.fr", comment="Justificatif")
        assert outbox_count() == 0 and history(request_id, "notification") == []


def test_closing_reopening_and_clearing_the_deadline(app, commune):
    request_id = new_request(app, commune)
    closed_on = datetime(2026, 5, 20, 12, 0, tzinfo=timezone.utc)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
        act(request, "clore", "manager@villeneuve.fr", now=closed_on)
        assert as_utc(request.closed_at) == closed_on and request.state_kind == "closed"
        act(request, "rouvrir", "manager@villeneuve.fr")
        assert request.closed_at is None and request.reopened_count == 1 and request.state_kind == "open"
        assert request.due_at is not None
        act(request, "demander", "agent@villeneuve.fr", comment="Pièce manquante")
        assert request.due_at is None


def test_expected_version_tells_the_agent_someone_acted_first(app, commune):
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        shown = request.version
        act(request, "prendre", "agent@villeneuve.fr")
        with pytest.raises(TransitionError) as refused:
            act(request, "demander", "manager@villeneuve.fr", comment="Pièce", expected_version=shown)
        assert str(refused.value) == "Cette demande a été modifiée entre-temps par quelqu'un d'autre ; rechargez-la."
        assert request.state == "en_cours"


def test_two_agents_at_once_one_wins_the_other_is_told(app, commune):
    """Two sessions load the same version; both try; the database decides."""
    request_id = new_request(app, commune)
    with in_commune(app, commune):
        first = db.session.get(Request, request_id)
        first.state  # loaded at version 1 in this session
        with in_commune(app, commune):
            second = db.session.get(Request, request_id)
            assert second is not first
            act(second, "prendre", "agent@villeneuve.fr", comment="Moi")
        with pytest.raises(TransitionError) as refused:
            act(first, "prendre", "manager@villeneuve.fr", comment="Non, moi")
        assert "modifiée entre-temps par quelqu'un d'autre" in str(refused.value)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert (request.state, request.version) == ("en_cours", 2)
        [event] = history(request_id)
        assert event.details["comment"] == "Moi" and event.actor.email == "agent@villeneuve.fr"


def test_the_plugins_hear_of_the_transition_and_a_failure_undoes_everything(app, commune, monkeypatch):
    request_id = new_request(app, commune)
    registry = app.extensions["grc"]
    heard = []
    monkeypatch.setattr(registry, "request_transitioned",
                        lambda active, request, transition, actor, commune, now=None, fields=None: heard.append(
                            (request.reference, transition.code, transition.target, actor.email, commune.name)))
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        act(request, "prendre", "agent@villeneuve.fr")
    assert heard == [("VSL-2026-00001", "prendre", "en_cours", "agent@villeneuve.fr", "Villeneuve-sur-Loire")]

    def broken(*args, **kwargs):
        raise RuntimeError("plugin en panne")

    monkeypatch.setattr(registry, "request_transitioned", broken)
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        with pytest.raises(RuntimeError):
            act(request, "demander", "agent@villeneuve.fr", comment="Pièce")
    with in_commune(app, commune):
        request = db.session.get(Request, request_id)
        assert request.state == "en_cours"
        assert len(history(request_id)) == 1 and history(request_id, "notification") == []
        assert outbox_count() == 0
