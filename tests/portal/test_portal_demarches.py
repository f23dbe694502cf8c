"""The catalogue, a démarche's page, filing online (the counter's form and
checks, channel ``web``), linking to the citizen record, "Mes démarches",
the conversation with the agents — and what a citizen never sees."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import (
    Attachment, Citizen, CitizenAccount, HouseholdLink, Message, OutboxMessage, Request, RequestEvent, User,
)
from grc_core.plugin_api.testing import apply_as, csrf_token, file_request_as, in_commune, login, make_agent
from grc_core.requests.service import add_message
from grc_core.tenancy import unscoped
from tests.portal.portal_support import (
    BIRTH, account, english_client, mails_to, setup_portal_commune, verified_citizen,
)

PDF = b"%PDF-1.4 photo du bac"


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def town(app):
    town = setup_portal_commune(app)
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    return town


def _counts(app) -> dict:
    with app.app_context(), unscoped():
        return {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Request, Citizen, Attachment, RequestEvent, OutboxMessage, Message)}


def _file(client, town, code="bacs", **fields):
    url = f"{town.base}/procedures/{code}/file"
    data = {"csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": "Mon bac est cassé", "f_nombre": "2",
            **fields}
    return client.post(url, data=data, content_type="multipart/form-data")


def _filed_request(app, town) -> Request:
    with in_commune(app, town.id):
        found = db.session.scalar(select(Request).order_by(Request.id.desc()))
        db.session.expunge(found)
        return found


def test_the_catalogue_lists_the_demarches_open_online_grouped_and_searchable(app, client, town):
    page = client.get(f"{town.base}/").get_data(as_text=True)
    assert "Demande de bacs" in page
    assert "Attestation de domicile" not in page  # counter only
    assert "Ancienne démarche" not in page  # inactive
    assert "<h2 class=\"h5\">Other procedures</h2>" in page  # the commune's own types
    assert "Demande de bacs" in client.get(f"{town.base}/?q=BACS").get_data(as_text=True)
    missed = client.get(f"{town.base}/?q=piscine").get_data(as_text=True)
    assert "Demande de bacs" not in missed and "No procedure matches « piscine »." in missed


def test_a_demarche_page_says_the_delay_and_offers_to_start(app, client, town):
    page = client.get(f"{town.base}/procedures/bacs").get_data(as_text=True)
    assert "<h1 class=\"h3\">Demande de bacs</h1>" in page
    assert "The commune answers within 5 working days." in page
    assert f'href="{town.base}/procedures/bacs/file"' in page
    # Without an account, starting asks to sign in first, and comes back.
    response = client.get(f"{town.base}/procedures/bacs/file")
    assert response.status_code == 302 and "/portal/account/sign-in?next=" in response.headers["Location"]


@pytest.mark.parametrize("code", ["attestation", "ancien", "inconnu"])
def test_a_type_not_open_online_is_404_even_posted(app, client, town, code):
    verified_citizen(app, client, town)
    before = _counts(app)
    assert client.get(f"{town.base}/procedures/{code}").status_code == 404
    assert client.get(f"{town.base}/procedures/{code}/file").status_code == 404
    assert _file(client, town, code).status_code == 404
    assert _counts(app) == before


def test_filing_online_with_an_attachment(app, client, town):
    verified_citizen(app, client, town)
    response = _file(client, town, attachments=(io.BytesIO(PDF), "bac.pdf"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    req = _filed_request(app, town)
    assert response.headers["Location"].endswith(f"/portal/my-requests/{req.id}/filed")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Its reference is {req.reference}." in page
    assert req.channel == "web" and req.data["motif"] == "Mon bac est cassé" and req.state == "nouvelle"
    with in_commune(app, town.id):
        citizen = db.session.get(Citizen, req.citizen_id)
        assert (citizen.first_name, citizen.last_name, citizen.email, citizen.birth_date) == (
            "Léa", "Roux", "lea@example.org", BIRTH)
        assert [a.filename for a in db.session.scalars(select(Attachment))] == ["bac.pdf"]
        assert {e.kind for e in db.session.scalars(select(RequestEvent))} >= {"created", "attachment"}
        assert db.session.scalar(select(CitizenAccount.citizen_id)) == citizen.id
    # The acknowledgement with the reference, through the outbox.
    assert any(req.reference in m.subject for m in mails_to(app, "lea@example.org"))


@pytest.mark.parametrize("fields, name, message", [
    ({"f_motif": ""}, "motif", "This field is required."),
    ({"f_nombre": "40"}, "nombre", "Number must be between 1 and 10."),
])
def test_bad_input_is_shown_next_to_the_field_with_the_input_kept_and_nothing_stored(app, client, town, fields,
                                                                                    name, message):
    verified_citizen(app, client, town)
    before = _counts(app)
    response = _file(client, town, **{"f_motif": "Mon <b>bac</b>", **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-grc-error-for="{name}">{message}</div>' in page
    if name != "motif":
        assert "Mon &lt;b&gt;bac&lt;/b&gt;" in page  # kept, and escaped
    assert _counts(app) == before
    with in_commune(app, town.id):
        assert db.session.scalar(select(CitizenAccount.citizen_id)) is None  # not even the citizen record


def test_a_lying_attachment_is_refused_next_to_its_field_and_nothing_is_stored(app, client, town):
    verified_citizen(app, client, town)
    before = _counts(app)
    response = _file(client, town, attachments=(io.BytesIO(b"MZ\x90\x00 not a pdf"), "facture.pdf"))
    assert response.status_code == 400
    assert re.search(r'data-grc-error-for="attachments">[^<]+</div>', response.get_data(as_text=True))
    assert _counts(app) == before


def test_a_filing_with_the_honeypot_filled_or_without_csrf_stores_nothing(app, client, town):
    verified_citizen(app, client, town)
    before = _counts(app)
    assert _file(client, town, website="http://spam.example").status_code == 400
    no_token = client.post(f"{town.base}/procedures/bacs/file", data={"f_motif": "x"})
    assert no_token.status_code == 400
    assert _counts(app) == before


def test_an_unambiguous_citizen_record_is_linked_and_its_counter_requests_appear(app, client, town):
    with in_commune(app, town.id):
        known = Citizen(first_name="Lea", last_name="ROUX", email="Lea@Example.org", birth_date=BIRTH)
        db.session.add(known)
        db.session.commit()
        known_id = known.id
    at_counter = file_request_as(app, town.id, "agent@villeneuve.fr", town.attestation, known_id, {})
    verified_citizen(app, client, town)
    assert account(app, town, "lea@example.org").citizen_id == known_id
    page = client.get(f"{town.base}/my-requests/").get_data(as_text=True)
    assert "Attestation de domicile" in page  # filed at the counter: one record, whatever the channel
    assert client.get(f"{town.base}/my-requests/{at_counter}").status_code == 200
    _file(client, town)
    assert _filed_request(app, town).citizen_id == known_id


def test_two_matching_records_are_ambiguous_nothing_is_linked_and_nothing_merged(app, client, town):
    with in_commune(app, town.id):
        db.session.add_all([Citizen(first_name="Léa", last_name="Roux", email="lea@example.org", birth_date=BIRTH)
                            for _twice in range(2)])
        db.session.commit()
    verified_citizen(app, client, town)
    assert account(app, town, "lea@example.org").citizen_id is None
    assert "You have no request yet." in client.get(f"{town.base}/my-requests/").get_data(as_text=True)
    _file(client, town)
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(Citizen)) == 3  # a new record, for the agents


def test_a_different_birth_date_is_not_the_same_person(app, client, town):
    with in_commune(app, town.id):
        db.session.add(Citizen(first_name="Léa", last_name="Roux", email="lea@example.org",
                               birth_date=BIRTH.replace(year=1960)))
        db.session.commit()
    verified_citizen(app, client, town)
    assert account(app, town, "lea@example.org").citizen_id is None


def test_following_a_request_state_words_public_messages_and_replies(app, client, town):
    verified_citizen(app, client, town)
    _file(client, town)
    req = _filed_request(app, town)
    apply_as(app, town.id, "agent@villeneuve.fr", req.id, "trier")  # a state hidden from the citizen
    url = f"{town.base}/my-requests/{req.id}"
    page = client.get(url).get_data(as_text=True)
    assert '<dd id="state">Being processed</dd>' in page and "Tri interne" not in page
    apply_as(app, town.id, "agent@villeneuve.fr", req.id, "prendre")
    apply_as(app, town.id, "agent@villeneuve.fr", req.id, "attendre")
    with in_commune(app, town.id):
        agent = db.session.scalar(select(User).where(User.email == "agent@villeneuve.fr"))
        request = db.session.get(Request, req.id)
        add_message(request, "Envoyez une photo du bac, s'il vous plaît.", public=True, actor=agent)
        add_message(request, "Usager déjà venu trois fois <script>", public=False, actor=agent)
    page = client.get(url).get_data(as_text=True)
    assert '<dd id="state">En attente de pièces</dd>' in page
    assert "The town hall is waiting for your answer" in page
    assert "Envoyez une photo du bac, s&#39;il vous plaît." in page
    assert "trois fois" not in page  # an internal note
    assert [line for line in re.findall(r"</span> — ([^<]+)</li>", page)] == [
        "Request received", "En cours", "En attente de pièces"]
    listing = client.get(f"{town.base}/my-requests/").get_data(as_text=True)
    assert "En attente de pièces" in listing and "The town hall is waiting for your answer." in listing
    # The citizen answers, with a file: a public message of the citizen, in the agents' history.
    response = client.post(f"{url}/reply", data={
        "csrf_token": csrf_token(client, url), "body": "Voici la photo <img src=x onerror=alert(1)>",
        "attachments": (io.BytesIO(PDF), "photo.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Voici la photo &lt;img src=x onerror=alert(1)&gt;" in page
    with in_commune(app, town.id):
        answer = db.session.scalar(select(Message).order_by(Message.id.desc()))
        assert answer.public and answer.author_id is None and answer.citizen_account_id is not None
        events = list(db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id)
                                          .order_by(RequestEvent.id.desc()).limit(2)))
        assert [(e.kind, e.details.get("from_citizen")) for e in events] == [("attachment", True), ("message", True)]
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
    # The agents' page shows it as the citizen's.
    agent_client = english_client(app)
    login(agent_client, "agent@villeneuve.fr")
    agent_page = agent_client.get(f"/admin/requests/{req.id}/").get_data(as_text=True)
    assert "Voici la photo &lt;img" in agent_page and "The citizen (portal)" in agent_page
    apply_as(app, town.id, "agent@villeneuve.fr", req.id, "clore")
    page = client.get(url).get_data(as_text=True)
    assert '<dd id="state">Close</dd>' in page and "Write to the town hall" not in page


def test_an_empty_or_oversized_reply_is_refused_and_nothing_stored(app, client, town):
    verified_citizen(app, client, town)
    _file(client, town)
    req = _filed_request(app, town)
    url = f"{town.base}/my-requests/{req.id}"
    before = _counts(app)
    empty = client.post(f"{url}/reply", data={"csrf_token": csrf_token(client, url), "body": "   "})
    assert empty.status_code == 400 and 'data-grc-error-for="body">This field is required.</div>' in \
        empty.get_data(as_text=True)
    lying = client.post(f"{url}/reply", data={"csrf_token": csrf_token(client, url), "body": "La pièce",
                                              "attachments": (io.BytesIO(b"MZ\x90"), "piece.pdf")},
                        content_type="multipart/form-data")
    assert lying.status_code == 400 and 'id="reply-error"' in lying.get_data(as_text=True)
    assert _counts(app) == before


def test_a_citizen_never_reads_another_citizens_request_nor_another_communes(app, client, town):
    verified_citizen(app, client, town)
    _file(client, town)
    mine = _filed_request(app, town)
    other = english_client(app)
    verified_citizen(app, other, town, email="max@example.org", first="Max", last="Durand")
    before = _counts(app)
    for path in (f"/my-requests/{mine.id}", f"/my-requests/{mine.id}/filed"):
        assert other.get(f"{town.base}{path}").status_code == 404
    url = f"{town.base}/my-requests/{mine.id}/reply"
    assert other.post(url, data={"csrf_token": csrf_token(other, f"{town.base}/"), "body": "intrus"}).status_code \
        == 404
    assert "Demande de bacs" not in other.get(f"{town.base}/my-requests/").get_data(as_text=True)
    assert _counts(app) == before


def test_a_flood_of_filings_or_messages_from_one_account_is_limited_and_stores_nothing(app, client, town,
                                                                                    auth_clock):
    verified_citizen(app, client, town)
    statuses = [_file(client, town).status_code for _n in range(5)]
    assert statuses == [302] * 5
    before = _counts(app)
    refused = _file(client, town)
    assert refused.status_code == 429 and "Too many attempts. Try again in" in refused.get_data(as_text=True)
    assert _counts(app) == before
    req = _filed_request(app, town)
    url = f"{town.base}/my-requests/{req.id}"
    for n in range(5):
        assert client.post(f"{url}/reply", data={"csrf_token": csrf_token(client, url), "body": f"Message {n}"}) \
            .status_code == 302
    before = _counts(app)
    flooded = client.post(f"{url}/reply", data={"csrf_token": csrf_token(client, url), "body": "Encore"})
    assert flooded.status_code == 429 and "Too many attempts" in flooded.get_data(as_text=True)
    assert _counts(app) == before
    auth_clock.advance(minutes=16)
    assert _file(client, town).status_code == 302


def test_a_parent_follows_the_requests_of_the_children_the_agents_linked(app, client, town):
    verified_citizen(app, client, town)
    _file(client, town)
    parent_id = _filed_request(app, town).citizen_id
    with in_commune(app, town.id):
        child = Citizen(first_name="Tom", last_name="Roux")
        stranger = Citizen(first_name="Zoé", last_name="Blanc")
        db.session.add_all([child, stranger])
        db.session.flush()
        # The child's link to the parent says nothing; the parent's "child" link does.
        db.session.add_all([HouseholdLink(citizen_id=parent_id, relative_id=child.id, relation="child"),
                            HouseholdLink(citizen_id=child.id, relative_id=parent_id, relation="parent"),
                            HouseholdLink(citizen_id=stranger.id, relative_id=parent_id, relation="child")])
        db.session.commit()
        child_id, stranger_id = child.id, stranger.id
    for_child = file_request_as(app, town.id, "agent@villeneuve.fr", town.attestation, child_id, {})
    for_stranger = file_request_as(app, town.id, "agent@villeneuve.fr", town.attestation, stranger_id, {})
    assert client.get(f"{town.base}/my-requests/{for_child}").status_code == 200
    assert client.get(f"{town.base}/my-requests/{for_stranger}").status_code == 404
    listing = client.get(f"{town.base}/my-requests/").get_data(as_text=True)
    assert listing.count("Attestation de domicile") == 1 and "For Tom Roux" in listing
