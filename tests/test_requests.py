"""Filing requests and working on them (grc_core.requests.service), and the
data every request test builds on (imported by the other test_request*,
test_queue*, test_intake* and test_attachments* modules)."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import (
    Citizen, Contact, Membership, Message, OutboxMessage, Request, RequestEvent, RequestType, Service, User,
    Workflow,
)
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from grc_core.requests.service import (
    CHANNEL_ERROR, TYPE_ERROR, RequestActionError, StaleRequest, add_message, assign, create_request,
)

ENGLISH = {"Accept-Language": "en"}
WORKFLOW = {
    "states": [
        {"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True},
        {"code": "en_cours", "label": "En cours", "kind": "open", "visible": True},
        {"code": "attente", "label": "En attente", "kind": "waiting", "visible": True},
        {"code": "close", "label": "Close", "kind": "closed", "visible": True},
    ],
    "transitions": [
        {"code": "prendre", "label": "Prendre en charge", "source": ["nouvelle"], "target": "en_cours",
         "roles": ["admin", "manager", "agent", "accueil"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": False, "set_due_days": None},
        {"code": "attendre", "label": "Demander une pièce", "source": ["en_cours"], "target": "attente",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": True,
         "required_fields": [], "notify_citizen": False, "set_due_days": None},
        {"code": "clore", "label": "Clore", "source": ["en_cours", "attente"], "target": "close",
         "roles": ["admin", "manager", "agent"], "permission": None, "comment_required": False,
         "required_fields": [], "notify_citizen": True, "set_due_days": None},
    ],
    "timers": [],
}
FIELDS = [
    {"name": "motif", "label": "Motif", "type": "textarea", "required": True},
    {"name": "nombre", "label": "Nombre de poubelles", "type": "integer", "min": 1, "max": 10},
    {"name": "categorie", "label": "Catégorie", "type": "choice", "choices": [["bruit", "Bruit"], ["voirie", "Voirie"]]},
    {"name": "photo", "label": "Photo", "type": "file"},
]


def setup_commune(app, name="Villeneuve-sur-Loire", insee="45901", slug="villeneuve"):
    """A commune (no plugin) with two services, a workflow and two request types."""
    commune_id = make_commune(app, name, insee, slug, plugins=[])
    with in_commune(app, commune_id):
        voirie = Service(code="voirie", name="Voirie")
        accueil = Service(code="accueil", name="Accueil")
        workflow = Workflow(code="simple", label="Traitement simple", definition=WORKFLOW)
        db.session.add_all([voirie, accueil, workflow])
        db.session.flush()
        bacs = RequestType(code="bacs", label="Demande de bacs", fields=FIELDS, service_id=voirie.id,
                           workflow_id=workflow.id, sla_days=5, priority="normale",
                           channels=["guichet", "telephone", "courrier", "email"])
        attestation = RequestType(code="attestation", label="Attestation", fields=[], service_id=accueil.id,
                                  workflow_id=workflow.id, priority="haute", channels=["guichet"])
        db.session.add_all([bacs, attestation])
        db.session.commit()
        return SimpleNamespace(id=commune_id, voirie=voirie.id, accueil=accueil.id, workflow=workflow.id,
                               bacs=bacs.id, attestation=attestation.id)


def make_citizen(app, commune_id, first="Jeanne", last="Martin", email="jeanne@example.org", quartier="Centre"):
    with in_commune(app, commune_id):
        citizen = Citizen(first_name=first, last_name=last, email=email, quartier=quartier)
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


def user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def file_request(app, commune_id, *, actor_email, type_id, citizen_id=None, channel="guichet", data=None, **kwargs):
    """create_request as a service call; returns (request id or None, errors)."""
    with in_commune(app, commune_id):
        actor = db.session.scalar(select(User).where(User.email == actor_email))
        citizen = db.session.get(Citizen, citizen_id) if citizen_id else None
        formdata = data if data is not None else {"motif": "Poubelle cassée", "nombre": "2"}
        created, errors = create_request(request_type=type_id, citizen=citizen, channel=channel, formdata=formdata,
                                         actor=actor, **kwargs)
        return (created.id if created else None), errors


def counts(app, commune_id) -> dict:
    with in_commune(app, commune_id):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, RequestEvent, OutboxMessage, Citizen, Message)}


def signed_in(app, email):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email)
    return client


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "agent@a.fr", "agent", services=["voirie"])
    town.citizen = make_citizen(app, town.id)
    return town


# --- creation ----------------------------------------------------------------------

def test_a_request_is_filed_with_reference_workflow_routing_history_and_acknowledgement(app, town):
    received = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)  # a Monday
    request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                                      citizen_id=town.citizen, subject="Bacs", now=received,
                                      data={"motif": "Cassée", "nombre": "3", "categorie": "voirie"})
    assert errors == {}
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        assert req.reference == "2026-00001"
        assert (req.state, req.state_kind) == ("nouvelle", "new")
        assert req.data == {"motif": "Cassée", "nombre": 3, "categorie": "voirie", "photo": None}
        assert req.service_id == town.voirie and req.priority == "normale"
        assert req.quartier == "Centre"  # from the citizen's address
        assert req.due_at is not None and req.due_at.day == 9  # 5 working days later
        kinds = [e.kind for e in db.session.scalars(select(RequestEvent).order_by(RequestEvent.id))]
        assert kinds[:2] == ["created", "routed"]
        created = db.session.scalar(select(RequestEvent).where(RequestEvent.kind == "created"))
        assert created.details == {"channel": "guichet"} and created.actor.email == "agent@a.fr"
        mail = db.session.scalar(select(OutboxMessage))
        assert mail.recipient == "jeanne@example.org" and "2026-00001" in mail.subject
        assert mail.request_id == request_id and "2026-00001" in mail.body


def test_the_agents_priority_wins_and_a_citizen_without_email_gets_no_mail(app, town):
    citizen = make_citizen(app, town.id, "Paul", "Durand", email="")
    request_id, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, citizen_id=citizen,
                                 priority="urgente", quartier="Gare")
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        assert (req.priority, req.quartier) == ("urgente", "Gare")
    assert counts(app, town.id)["OutboxMessage"] == 0


@pytest.mark.parametrize(("data", "field"), [
    ({"nombre": "2"}, "motif"),                                   # required field missing
    ({"motif": "x", "nombre": "deux"}, "nombre"),                  # wrong type
    ({"motif": "x", "nombre": "11"}, "nombre"),                    # out of range
    ({"motif": "x", "categorie": "egouts"}, "categorie"),          # not in the list
])
def test_invalid_form_data_is_refused_field_by_field_and_nothing_is_stored(app, town, data, field):
    before = counts(app, town.id)
    request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs,
                                      citizen_id=town.citizen, data=data)
    assert request_id is None and list(errors) == [field] and errors[field]
    assert counts(app, town.id) == before
    # The sequence did not move either.
    request_id, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, citizen_id=town.citizen)
    with in_commune(app, town.id):
        assert db.session.get(Request, request_id).reference.endswith("-00001")


def test_unknown_inactive_or_foreign_types_and_closed_channels_are_refused(app, town):
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    with in_commune(app, town.id):
        db.session.get(RequestType, town.attestation).active = False
        db.session.commit()
    before = counts(app, town.id)
    for type_id in (999999, town.attestation, other.bacs, "abc"):
        request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=type_id, data={})
        assert request_id is None and TYPE_ERROR in errors
    request_id, errors = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, channel="web")
    assert request_id is None
    assert errors[CHANNEL_ERROR] == ["Ce type de demande ne peut pas être saisi par ce canal."]
    assert counts(app, town.id) == before


def test_converting_a_contact_links_it_to_the_request(app, town):
    with in_commune(app, town.id):
        contact = Contact(channel="telephone", subject="Bacs volés", outcome="answered", citizen_id=town.citizen)
        db.session.add(contact)
        db.session.commit()
        contact_id = contact.id
    with in_commune(app, town.id):
        contact = db.session.get(Contact, contact_id)
        actor = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        created, _ = create_request(request_type=town.bacs, citizen=contact.citizen, channel="telephone",
                                    formdata={"motif": "Volés"}, actor=actor, contact=contact)
        contact = db.session.get(Contact, contact_id)
        assert (contact.request_id, contact.outcome) == (created.id, "request_created")


def test_concurrent_filings_get_distinct_consecutive_references(app, town):
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs),
                                range(20)))
    assert all(errors == {} for _, errors in results)
    with in_commune(app, town.id):
        references = sorted(db.session.scalars(select(Request.reference)))
    year = references[0][:4]
    assert references == [f"{year}-{n:05d}" for n in range(1, 21)]


# --- messages and assignment --------------------------------------------------------

def test_a_public_message_is_mailed_and_counts_as_first_response_an_internal_note_is_not(app, town):
    request_id, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, citizen_id=town.citizen)
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        actor = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        add_message(req, "Note interne", public=False, actor=actor)
        assert req.first_response_at is None
        add_message(req, "Vos bacs arrivent jeudi.", public=True, actor=actor)
        assert req.first_response_at is not None
        mails = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert [m.body for m in mails[1:]] == ["Vos bacs arrivent jeudi."]
        events = [(e.kind, e.details.get("public")) for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.kind == "message").order_by(RequestEvent.id))]
        assert events == [("message", False), ("message", True)]
        with pytest.raises(RequestActionError):
            add_message(req, "   ", public=True, actor=actor)


def test_assignment_needs_an_agent_of_the_commune_and_a_fresh_version(app, town):
    make_agent(app, town.id, "elu@a.fr", "elu")
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    make_agent(app, other, "agent@b.fr", "agent")
    request_id, _ = file_request(app, town.id, actor_email="agent@a.fr", type_id=town.bacs, citizen_id=town.citizen)
    with in_commune(app, town.id):
        req = db.session.get(Request, request_id)
        actor = db.session.scalar(select(User).where(User.email == "agent@a.fr"))
        version = req.version
        for outsider in ("elu@a.fr", "agent@b.fr"):
            with pytest.raises(RequestActionError):
                assign(req, user_id(app, outsider), actor=actor)
        assign(req, actor, actor=actor, expected_version=version)
        assert req.assignee_id == actor.id
        with pytest.raises(StaleRequest):
            assign(req, None, actor=actor, expected_version=version)
        assert req.assignee_id == actor.id
        assigned = list(db.session.scalars(select(RequestEvent).where(RequestEvent.kind == "assigned")))
        assert [e.details["assignee_id"] for e in assigned] == [actor.id]
        assert db.session.scalar(select(Membership).where(Membership.user_id == actor.id)) is not None
