"""Contacts: logged in seconds, listed with filters, converted into requests,
and first-contact resolution measured."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from grc_core.citizens import first_contact_resolution, intake_url
from grc_core.extensions import db
from grc_core.models import Contact, Service, User
from grc_core.models.contact import CONTACT_CHANNELS, OUTCOMES
from grc_core.citizens.contacts import CHANNEL_LABELS, OUTCOME_LABELS
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from tests.test_citizen_helpers import add_contact, at, english, make_citizen, make_request


@pytest.fixture
def commune(app):
    commune = make_commune(app, plugins=[])
    with in_commune(app, commune):
        db.session.add(Service(code="voirie", name="Voirie"))
        db.session.commit()
    return commune


@pytest.fixture
def agent(app, client, commune):
    make_agent(app, commune, "accueil@a.fr", "accueil", full_name="Sophie Accueil")
    login(client, "accueil@a.fr")
    return english(client)


def stored(app, commune):
    with in_commune(app, commune):
        return db.session.scalars(select(Contact).order_by(Contact.id)).all()


def test_every_channel_and_outcome_has_a_label():
    assert set(CHANNEL_LABELS) == set(CONTACT_CHANNELS) and set(OUTCOME_LABELS) == set(OUTCOMES)


def test_logging_a_contact_from_the_citizen_page(app, agent, commune):
    citizen = make_citizen(app, commune, "Anne", "Lefevre")
    form = agent.get(f"/admin/contacts/new?citizen={citizen}").get_data(as_text=True)
    assert "Log a contact with Anne Lefevre" in form and "autofocus" in form
    with in_commune(app, commune):
        service = db.session.scalar(select(Service.id))
    response = post_form(agent, f"/admin/contacts/new?citizen={citizen}", {
        "channel": "telephone", "subject": "Horaires de la mairie", "outcome": "answered",
        "notes": "Ouvert le samedi matin", "service_id": service})
    assert response.headers["Location"].endswith(f"/admin/citizens/{citizen}/")
    [contact] = stored(app, commune)
    with in_commune(app, commune):
        agent_id = db.session.scalar(select(User.id).where(User.email == "accueil@a.fr"))
    assert (contact.citizen_id, contact.channel, contact.subject, contact.outcome, contact.notes, contact.service_id,
            contact.agent_id) == (citizen, "telephone", "Horaires de la mairie", "answered",
                                  "Ouvert le samedi matin", service, agent_id)
    assert "Phone: Horaires de la mairie" in agent.get(f"/admin/citizens/{citizen}/").get_data(as_text=True)


def test_logging_an_anonymous_contact_with_the_defaults(app, agent, commune):
    response = post_form(agent, "/admin/contacts/new", {"channel": "guichet", "subject": "Plan de la ville",
                                                         "outcome": "redirected"})
    assert response.headers["Location"].endswith("/admin/contacts/")
    [contact] = stored(app, commune)
    assert (contact.citizen_id, contact.channel, contact.outcome, contact.service_id) == (
        None, "guichet", "redirected", None)
    page = agent.get("/admin/contacts/").get_data(as_text=True)
    assert "Plan de la ville" in page and "anonymous" in page and "Sophie Accueil" in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"subject": ""}, "This field is required."),
    ({"channel": "pigeon"}, "Not a valid choice."),
    ({"outcome": "perhaps"}, "Not a valid choice."),
    ({"service_id": "999999"}, "Not a valid choice."),
])
def test_bad_contact_input_is_shown_and_nothing_is_stored(app, agent, commune, fields, message):
    data = {"channel": "guichet", "subject": "Question", "outcome": "answered", **fields}
    response = post_form(agent, "/admin/contacts/new", data)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert stored(app, commune) == []


def test_contact_of_another_communes_citizen_is_not_found(app, agent, commune):
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    stranger = make_citizen(app, other, "Anne", "Lefevre")
    assert agent.get(f"/admin/contacts/new?citizen={stranger}").status_code == 404
    response = post_form(agent, f"/admin/contacts/new?citizen={stranger}",
                         {"channel": "guichet", "subject": "Question", "outcome": "answered"})
    assert response.status_code == 404
    assert stored(app, commune) == []


def test_contact_list_filters_and_converts_into_requests(app, agent, commune):
    citizen = make_citizen(app, commune, "Anne", "Lefevre")
    make_agent(app, commune, "agent@a.fr", "agent", full_name="Marc Voirie")
    with in_commune(app, commune):
        marc = db.session.scalar(select(User.id).where(User.email == "agent@a.fr"))
    open_call = add_contact(app, commune, citizen, "Lampadaire éteint", at(2), channel="telephone",
                            outcome="redirected", agent_id=marc)
    add_contact(app, commune, None, "Horaires", at(5), channel="guichet", outcome="answered")
    request_id = make_request(app, commune, citizen, "2026-00003")
    add_contact(app, commune, citizen, "Trottoir abîmé", at(9), channel="courrier", outcome="request_created",
                request_id=request_id)

    def subjects(query=""):
        page = agent.get(f"/admin/contacts/{query}").get_data(as_text=True)
        return [s for s in ("Lampadaire éteint", "Horaires", "Trottoir abîmé") if s in page]

    assert subjects() == ["Lampadaire éteint", "Horaires", "Trottoir abîmé"]
    page = agent.get("/admin/contacts/").get_data(as_text=True)
    assert page.index("Trottoir abîmé") < page.index("Horaires") < page.index("Lampadaire éteint")  # newest first
    assert f'href="/admin/intake/?contact={open_call}&amp;citizen={citizen}"' in page
    assert "2026-00003" in page
    assert subjects("?channel=telephone") == ["Lampadaire éteint"]
    assert subjects("?outcome=answered") == ["Horaires"]
    assert subjects(f"?agent={marc}") == ["Lampadaire éteint"]
    assert subjects("?start=04/03/2026&end=05/03/2026") == ["Horaires"]
    assert subjects("?start=06/03/2026") == ["Trottoir abîmé"]
    assert subjects("?channel=nonsense&start=not-a-date") == ["Lampadaire éteint", "Horaires", "Trottoir abîmé"]


def test_intake_url():
    contact = Contact(id=12, citizen_id=7)
    assert intake_url(contact) == "/admin/intake/?contact=12&citizen=7"
    assert intake_url(Contact(id=3)) == "/admin/intake/?contact=3"


def test_first_contact_resolution(app, commune):
    for day, outcome in ((1, "answered"), (2, "answered"), (3, "redirected"), (4, "request_created"),
                         (10, "answered")):
        add_contact(app, commune, None, "Question", at(day), outcome=outcome)
    other = make_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", plugins=[])
    add_contact(app, other, None, "Question", at(2), outcome="answered")
    with in_commune(app, commune):
        start, end = datetime(2026, 3, 1, tzinfo=timezone.utc), datetime(2026, 3, 10, tzinfo=timezone.utc)
        assert first_contact_resolution(start, end) == (2, 4)
        assert first_contact_resolution(end, datetime(2026, 4, 1, tzinfo=timezone.utc)) == (1, 1)
        assert first_contact_resolution(datetime(2025, 1, 1, tzinfo=timezone.utc), start) == (0, 0)
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 5
