"""Quick intake at the front desk: find or create the citizen and file the
request on one screen; bad input is shown next to its field and nothing is stored."""
import io
import re

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Attachment, Citizen, Contact, Request
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from test_requests import counts, make_citizen, setup_commune, signed_in

XSS = "<script>alert(1)</script>"


@pytest.fixture
def town(app):
    town = setup_commune(app)
    make_agent(app, town.id, "accueil@a.fr", "accueil")
    town.citizen = make_citizen(app, town.id, "Jeanne", "Martin")
    return town


def submit(client, **fields):
    data = {"csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet"}
    data.update(fields)
    return client.post("/admin/intake/", data=data)


def new_citizen(**fields):
    values = {"citizen-first_name": "Paul", "citizen-last_name": "Durand", "citizen-birth_date": "1980-02-03",
              "citizen-phone": "06 12 34 56 78", "citizen-email": "paul@example.org",
              "citizen-address_street": "rue des Lilas", "citizen-quartier": "Gare"}
    values.update(fields)
    return values


def test_the_page_opens_on_the_search_and_finds_citizens_without_javascript(app, town):
    client = signed_in(app, "accueil@a.fr")
    html = client.get("/admin/intake/").get_data(as_text=True)
    assert re.search(r'<input id="citizen-search"[^>]*autofocus', html)
    assert 'data-search-url="/admin/citizens/search.json"' in html  # search as you type
    html = client.get("/admin/intake/?q=martin").get_data(as_text=True)
    assert f"citizen={town.citizen}" in html and "Jeanne Martin" in html
    html = client.get(f"/admin/intake/?citizen={town.citizen}&type={town.bacs}").get_data(as_text=True)
    assert 'id="chosen-citizen"' in html and "Nombre de poubelles" in html  # the type's own fields


def test_filing_for_a_known_citizen_shows_the_reference_to_give(app, town):
    client = signed_in(app, "accueil@a.fr")
    response = submit(client, citizen=town.citizen, type=town.bacs, subject=f"Bacs {XSS}", f_motif="Cassée",
                      f_nombre="2")
    assert response.status_code == 302
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    with in_commune(app, town.id):
        req = db.session.scalar(select(Request))
        assert (req.citizen_id, req.channel, req.subject, req.data["nombre"]) == (town.citizen, "guichet",
                                                                                  f"Bacs {XSS}", 2)
    assert "Reference to give:" in done and f'id="reference">{req.reference}<' in done
    assert 'href="/admin/intake/"' in done  # file another one


def test_a_new_citizen_is_created_with_the_request(app, town):
    client = signed_in(app, "accueil@a.fr")
    response = submit(client, type=town.attestation, **new_citizen())
    assert response.status_code == 302
    with in_commune(app, town.id):
        req = db.session.scalar(select(Request))
        citizen = req.citizen
        assert (citizen.first_name, citizen.last_name, citizen.email, citizen.quartier) == (
            "Paul", "Durand", "paul@example.org", "Gare")
        assert citizen.birth_date.isoformat() == "1980-02-03" and req.quartier == "Gare"
        assert req.priority == "haute"  # the type's


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"f_nombre": "2"}, "motif", "This field is required."),
    ({"f_motif": "x", "f_nombre": "beaucoup"}, "nombre", None),
    ({"f_motif": "x", "f_nombre": "42"}, "nombre", None),
    ({"f_motif": "x", "f_categorie": "egouts"}, "categorie", None),
])
def test_bad_field_input_is_shown_next_to_the_field_and_nothing_is_stored(app, town, fields, field, message):
    client = signed_in(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = submit(client, type=town.bacs, **new_citizen(), **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    errors = re.findall(rf'data-grc-error-for="{field}">([^<]+)<', html)
    assert errors and (message is None or errors == [message])
    assert counts(app, town.id) == before  # no request, event, outbox row, nor the new citizen
    assert 'value="Durand"' in html  # what the agent typed is still there


def test_an_incomplete_new_citizen_is_refused(app, town):
    client = signed_in(app, "accueil@a.fr")
    before = counts(app, town.id)
    response = submit(client, type=town.attestation, **new_citizen(**{"citizen-last_name": "",
                                                                      "citizen-email": "pas-une-adresse"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Choose a citizen, or fill in the new citizen" in html
    assert "Invalid email address." in html and counts(app, town.id) == before


def test_a_probable_duplicate_must_be_confirmed(app, town):
    client = signed_in(app, "accueil@a.fr")
    fields = new_citizen(**{"citizen-first_name": "Jeanne", "citizen-last_name": "MARTIN", "citizen-email": ""})
    response = submit(client, type=town.attestation, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "This citizen may already exist" in html
    assert f"citizen={town.citizen}" in html.split('id="duplicates"')[1]
    assert counts(app, town.id)["Citizen"] == 1
    assert submit(client, type=town.attestation, **{"citizen-create_anyway": "y"}, **fields).status_code == 302
    assert counts(app, town.id)["Citizen"] == 2


def test_forged_types_and_closed_channels_are_refused(app, town):
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    client = signed_in(app, "accueil@a.fr")
    before = counts(app, town.id)
    for type_id in (other.attestation, 424242, "x"):
        response = submit(client, citizen=town.citizen, type=type_id)
        assert response.status_code == 400
        assert "This type of request does not exist or cannot be filed." in response.get_data(as_text=True)
    response = submit(client, citizen=town.citizen, type=town.attestation, channel="telephone")
    assert "This type of request cannot be filed through this channel." in response.get_data(as_text=True)
    assert counts(app, town.id) == before


def test_the_channel_filters_the_types_offered(app, town):
    client = signed_in(app, "accueil@a.fr")
    html = client.get("/admin/intake/?channel=telephone").get_data(as_text=True)
    assert "Demande de bacs" in html and "Attestation" not in html


def test_a_contact_is_converted_into_a_request(app, town):
    with in_commune(app, town.id):
        contact = Contact(channel="telephone", subject=f"Bacs volés {XSS}", outcome="answered",
                          citizen_id=town.citizen)
        db.session.add(contact)
        db.session.commit()
        contact_id = contact.id
    client = signed_in(app, "accueil@a.fr")
    html = client.get(f"/admin/intake/?contact={contact_id}&citizen={town.citizen}").get_data(as_text=True)
    assert 'id="chosen-citizen"' in html and 'value="Bacs volés &lt;script&gt;' in html
    assert '<option value="telephone" selected>' in html and XSS not in html
    response = submit(client, contact=contact_id, citizen=town.citizen, channel="telephone", type=town.bacs,
                      f_motif="Volés", subject="Bacs volés")
    assert response.status_code == 302
    with in_commune(app, town.id):
        contact = db.session.get(Contact, contact_id)
        assert contact.outcome == "request_created" and contact.request.channel == "telephone"


def test_another_communes_citizen_or_contact_is_404(app, town):
    other = setup_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    stranger = make_citizen(app, other.id, "Luc", "Petit")
    client = signed_in(app, "accueil@a.fr")
    assert client.get(f"/admin/intake/?citizen={stranger}").status_code == 404
    assert submit(client, citizen=stranger, type=town.attestation).status_code == 404
    with in_commune(app, town.id):
        assert db.session.scalar(select(Citizen).where(Citizen.id == stranger)) is None


def test_files_of_the_form_and_of_the_page_become_attachments_after_the_same_checks(app, town):
    client = signed_in(app, "accueil@a.fr")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    before = counts(app, town.id)
    response = client.post("/admin/intake/", data={
        "csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet", "citizen": town.citizen,
        "type": town.bacs, "f_motif": "Photo jointe", "f_photo": (io.BytesIO(png), "photo.pdf"),
        "files": [(io.BytesIO(b"%PDF-1.4\n"), "lettre.pdf")]}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'data-grc-error-for="photo">[^<]*does not match its extension', html)
    assert counts(app, town.id) == before
    response = client.post("/admin/intake/", data={
        "csrf_token": csrf_token(client, "/admin/intake/"), "channel": "guichet", "citizen": town.citizen,
        "type": town.bacs, "f_motif": "Photo jointe", "f_photo": (io.BytesIO(png), "photo.png"),
        "files": [(io.BytesIO(b"%PDF-1.4\n"), "lettre.pdf")]}, content_type="multipart/form-data")
    assert response.status_code == 302
    with in_commune(app, town.id):
        assert sorted(a.filename for a in db.session.scalars(select(Attachment))) == ["lettre.pdf", "photo.png"]
        assert db.session.scalar(select(Request)).data["photo"] == "photo.png"
