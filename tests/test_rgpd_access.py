"""RGPD rights from the citizen's record: the access export (JSON and a
readable PDF, read back with pypdf) for agents who may read everything about
the person, and rectification through the normal edit, with its history."""
from __future__ import annotations

import io
import json
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict

from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Consent, Contact, HouseholdLink, RequestType, User
from tests.test_confidentiality import file_ordinary_request
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from grc_core.requests.service import add_attachments, add_message, create_request

from tests.test_citizen_helpers import english

EDIT = {"civility": "Mme", "last_name": "Lefèvre-Cœur", "first_name": "Élodie", "birth_date": "02/05/1944",
        "email": "elodie@example.fr", "phone": "", "address_number": "3",
        "address_street": "rue de l'Église", "postcode": "45000", "city": "Villeneuve", "quartier": "Centre"}


@pytest.fixture
def person(privacy_app):
    app = privacy_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    make_agent(app, commune, "accueil@a.fr", "accueil")
    make_agent(app, commune, "reader@a.fr", "agent", services=["secret.bureau"], permissions=["secret.read"])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "elu@a.fr", "elu")
    with in_commune(app, commune):
        reader = db.session.scalar(select(User).where(User.email == "reader@a.fr"))
        citizen = Citizen(civility="Mme", first_name="Élodie", last_name="Lefèvre-Cœur", birth_date=date(1944, 5, 2),
                          email="elodie@example.fr", address_number="3", address_street="rue de l'Église",
                          postcode="45000", city="Villeneuve", quartier="Centre")
        son = Citizen(first_name="Jérôme", last_name="Lefèvre")
        db.session.add_all([citizen, son])
        db.session.flush()
        db.session.add_all([
            HouseholdLink(citizen_id=citizen.id, relative_id=son.id, relation="child"),
            Consent(citizen_id=citizen.id, channel="email", purpose="suivi_demandes", source="formulaire signé"),
            Contact(citizen_id=citizen.id, channel="telephone", subject="Question sur l'aide à domicile",
                    outcome="answered", agent_id=reader.id),
        ])
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == "secret.dossier"))
        created, errors = create_request(request_type=type_id, citizen=citizen, channel="guichet",
                                         formdata=MultiDict({"f_motif": "Aide ménagère après une chute"}),
                                         actor=reader, subject="Aide à domicile")
        assert created is not None, errors
        db.session.commit()
        add_message(created, "Dossier reçu, visite prévue jeudi.", public=True, actor=reader)
        add_message(created, "Voisine très présente.", public=False, actor=reader)
        add_attachments(created, [FileStorage(io.BytesIO(b"%PDF-1.4 certificat"), filename="certificat-médical.pdf",
                                              content_type="application/pdf")], actor=reader)
        db.session.commit()
        return {"commune": commune, "citizen": citizen.id, "reference": created.reference}


@pytest.fixture
def known_person(privacy_app, person):
    """The same person, known to the front desk through an ordinary request too: someone known
    only through a confidential file is absent for them (tests/security/test_citizen_access.py)."""
    file_ordinary_request(privacy_app, person["commune"], person["citizen"])
    return person


def client_of(app, email):
    client = app.test_client()
    login(client, email)
    return client


def events(app, commune, action):
    with in_commune(app, commune):
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                  .order_by(AuditEvent.id)).all()


def test_the_json_export_holds_everything_about_the_person_and_is_audited(privacy_app, person):
    app = privacy_app
    response = client_of(app, "reader@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["commune"] == "Villeneuve-sur-Loire"
    assert data["identity"]["first_name"] == "Élodie" and data["identity"]["birth_date"] == "1944-05-02"
    assert data["household"] == [{"relation": "child", "relative": "Jérôme Lefèvre"}]
    assert data["consents"][0]["purpose"] == "suivi_demandes" and data["consents"][0]["revoked_at"] is None
    assert data["contacts"][0]["subject"] == "Question sur l'aide à domicile"
    [request] = data["requests"]
    assert request["reference"] == person["reference"] and request["type"] == "Dossier secret"
    assert request["data"]["motif"] == "Aide ménagère après une chute"
    assert [m["body"] for m in request["messages"]] == ["Dossier reçu, visite prévue jeudi.",
                                                        "Voisine très présente."]
    assert [m["to_the_citizen"] for m in request["messages"]] == [True, False]
    assert request["attachments"][0]["filename"] == "certificat-médical.pdf"
    assert request["history"] and request["history"][0]["at"]
    [event] = events(app, person["commune"], "citizen.rgpd_export")
    assert event.details == {"format": "json", "requests": 1} and event.read_permission == "secret.read"


def test_the_pdf_is_readable_french_with_its_accents(privacy_app, person):
    app = privacy_app
    response = client_of(app, "reader@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Données personnelles détenues sur Élodie Lefèvre-Cœur", "Identité et coordonnées",
                     "rue de l'Église", "02/05/1944", "Jérôme Lefèvre", person["reference"], "Dossier secret",
                     "Aide ménagère après une chute", "Dossier reçu, visite prévue jeudi.", "Note interne",
                     "certificat-médical.pdf", "Question sur l'aide à domicile", "Consentements",
                     "Rectifications de la fiche"):
        assert expected in text, expected
    assert [e.details["format"] for e in events(app, person["commune"], "citizen.rgpd_export")] == ["pdf"]


def test_an_agent_who_may_not_read_everything_is_refused_with_the_reason(privacy_app, known_person):
    person = known_person
    app = privacy_app
    for email in ("accueil@a.fr", "admin@a.fr"):
        client = english(client_of(app, email))
        for fmt in ("json", "pdf"):
            response = client.get(f"/admin/citizens/{person['citizen']}/rgpd.{fmt}", follow_redirects=True)
            text = response.get_data(as_text=True)
            assert response.mimetype == "text/html"
            assert ("1 request of this person is confidential and you may not read it: only an agent allowed to "
                    "read everything about the person may export their data.") in text
            assert "Aide ménagère" not in text and person["reference"] not in text
    refused = events(app, person["commune"], "citizen.rgpd_export_refused")
    assert len(refused) == 4 and all(e.read_permission == "secret.read" for e in refused)
    assert events(app, person["commune"], "citizen.rgpd_export") == []
    assert client_of(app, "elu@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.json").status_code == 403


def test_an_unknown_format_is_not_found(privacy_app, person):
    response = client_of(privacy_app, "reader@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.xml")
    assert response.status_code == 404
    assert events(privacy_app, person["commune"], "citizen.rgpd_export") == []


def test_a_rectification_keeps_old_and_new_values_and_shows_in_the_export(privacy_app, known_person):
    person = known_person
    app = privacy_app
    agent = client_of(app, "accueil@a.fr")
    response = post_form(agent, f"/admin/citizens/{person['citizen']}/edit",
                         {**EDIT, "first_name": "Élodie Marie", "phone": "06 99 88 77 66"})
    assert response.status_code == 302
    [event] = events(app, person["commune"], "citizen.rectified")
    assert event.target == f"citizen:{person['citizen']}"
    assert event.details["changes"] == {"first_name": ["Élodie", "Élodie Marie"], "phone": ["", "06 99 88 77 66"]}
    assert event.read_permission is None
    with in_commune(app, person["commune"]):
        assert db.session.get(User, event.user_id).email == "accueil@a.fr"
    # Saving without a change writes nothing.
    post_form(agent, f"/admin/citizens/{person['citizen']}/edit", {**EDIT, "first_name": "Élodie Marie",
                                                                   "phone": "06 99 88 77 66"})
    assert len(events(app, person["commune"], "citizen.rectified")) == 1
    data = json.loads(client_of(app, "reader@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.json")
                      .get_data(as_text=True))
    assert data["rectifications"][0]["changes"]["first_name"] == ["Élodie", "Élodie Marie"]
    pdf = client_of(app, "reader@a.fr").get(f"/admin/citizens/{person['citizen']}/rgpd.pdf").get_data()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Prénom : « Élodie » remplacé par « Élodie Marie »" in text


def test_an_invalid_edit_stores_nothing_and_records_no_rectification(privacy_app, known_person):
    person = known_person
    app = privacy_app
    agent = client_of(app, "accueil@a.fr")
    response = post_form(agent, f"/admin/citizens/{person['citizen']}/edit", {**EDIT, "email": "pas-une-adresse"})
    assert response.status_code == 200
    with in_commune(app, person["commune"]):
        assert db.session.get(Citizen, person["citizen"]).email == "elodie@example.fr"
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "citizen.rectified")) == 0
