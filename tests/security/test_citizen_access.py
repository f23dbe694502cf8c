"""Issue 13, finding 4: a person known only through a confidential (CCAS)
file is absent for the members who may read none of their requests — the
record, its actions, the searches, the search-as-you-type JSON, the
duplicate and merge suggestions, the intake's citizen lookup — and present
for those who may (grc_core.security.access.readable_citizens_condition).

Runs on the ``secret`` test plugin (one confidential type, permission
``secret.read``), as tests/test_confidentiality.py does.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.models import Citizen, Consent, HouseholdLink, Request, RequestType, User, Workflow
from grc_core.plugin_api.testing import build_test_app, csrf_token, in_commune, login, make_agent, make_commune
from grc_core.requests.service import create_request

SECRET = {"secret": "tests.plugins.secret"}
PHONE = "06 12 34 56 78"


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    application = build_test_app(tmp_path_factory, plugins=["secret"], extra_plugins=SECRET,
                                 name="secret_access", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def secret_app(module_app):
    from grc_core.plugin_api.testing import empty_tables

    yield module_app
    empty_tables(module_app)


def _file(app, commune, citizen_id, code, actor="reader@a.fr", data=None):
    with in_commune(app, commune):
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == code))
        created, errors = create_request(
            request_type=type_id, citizen=db.session.get(Citizen, citizen_id), channel="guichet",
            formdata=MultiDict(data or {}), actor=db.session.scalar(select(User).where(User.email == actor)))
        assert not errors, errors
        return created.id


@pytest.fixture
def ccas_only(secret_app):
    """Commune A: Paule Secrète known only through a secret file; Jean Connu, through an ordinary request."""
    commune = make_commune(secret_app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    make_agent(secret_app, commune, "reader@a.fr", "agent", permissions=["secret.read"])
    make_agent(secret_app, commune, "accueil@a.fr", "accueil")
    make_agent(secret_app, commune, "admin@a.fr", "admin")
    with in_commune(secret_app, commune):
        workflow = db.session.scalars(select(Workflow)).first()
        db.session.add(RequestType(code="ordinaire", label="Demande ordinaire", fields=[], workflow_id=workflow.id,
                                   channels=["guichet"]))
        secret = Citizen(first_name="Paule", last_name="Secrète", email="paule@example.org", phone=PHONE)
        known = Citizen(first_name="Jean", last_name="Connu", email="jean@example.org")
        db.session.add_all([secret, known])
        db.session.commit()
        ids = {"secret": secret.id, "known": known.id}
    _file(secret_app, commune, ids["secret"], "secret.dossier", data={"f_motif": "Aide"})
    _file(secret_app, commune, ids["known"], "ordinaire", actor="admin@a.fr")
    return commune, ids


def _snapshot(app, commune):
    with in_commune(app, commune):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Citizen, Consent, HouseholdLink, Request)} | {
            "names": sorted(db.session.scalars(select(Citizen.last_name)))}


def test_the_record_and_its_actions_are_absent_for_who_reads_none_of_its_requests(secret_app, ccas_only):
    commune, ids = ccas_only
    before = _snapshot(secret_app, commune)
    for email in ("accueil@a.fr", "admin@a.fr"):
        client = secret_app.test_client()
        login(client, email)
        token = csrf_token(client, "/admin/")
        secret = ids["secret"]
        for url in (f"/admin/citizens/{secret}/", f"/admin/citizens/{secret}/edit",
                    f"/admin/citizens/{secret}/merge", f"/admin/citizens/{ids['known']}/merge?duplicate={secret}",
                    f"/admin/intake/?citizen={secret}", f"/admin/contacts/new?citizen={secret}"):
            assert client.get(url).status_code == 404, (email, url)
        for url, data in ((f"/admin/citizens/{secret}/edit", {"first_name": "X", "last_name": "Y"}),
                          (f"/admin/citizens/{secret}/consents", {"channel": "email", "purpose": "suivi_demandes"}),
                          (f"/admin/citizens/{ids['known']}/links", {"relative_id": secret, "relation": "spouse"}),
                          ("/admin/intake/", {"citizen": secret, "channel": "guichet"})):
            assert client.post(url, data={"csrf_token": token, **data}).status_code == 404, (email, url)
    assert _snapshot(secret_app, commune) == before
    # Who may read the file reads the record.
    reader = secret_app.test_client()
    login(reader, "reader@a.fr")
    page = reader.get(f"/admin/citizens/{ids['secret']}/")
    assert page.status_code == 200 and "Paule" in page.get_data(as_text=True)


def test_searches_and_suggestions_leave_the_person_out(secret_app, ccas_only):
    commune, ids = ccas_only
    client = secret_app.test_client()
    login(client, "accueil@a.fr")
    for query in ("Secrète", "paule@example.org", PHONE):
        assert "Paule" not in client.get(f"/admin/citizens/?q={query}").get_data(as_text=True), query
        assert client.get(f"/admin/citizens/search.json?q={query}").get_json()["results"] == [], query
        assert "Paule" not in client.get(f"/admin/intake/?q={query}").get_data(as_text=True), query
    # The ordinary citizen is found as before.
    found = client.get("/admin/citizens/search.json?q=Connu").get_json()["results"]
    assert [row["id"] for row in found] == [ids["known"]]
    # Duplicate suggestions when creating a record with the same phone: none, and the record is created.
    token = csrf_token(client, "/admin/citizens/new")
    response = client.post("/admin/citizens/new", data={
        "csrf_token": token, "first_name": "Odile", "last_name": "Autre", "phone": PHONE})
    assert response.status_code == 302
    assert "Paule" not in client.get(response.headers["Location"]).get_data(as_text=True)
    # Merge suggestions on another record with the same phone.
    with in_commune(secret_app, commune):
        other = db.session.scalar(select(Citizen.id).where(Citizen.last_name == "Autre"))
    merge = client.get(f"/admin/citizens/{other}/merge").get_data(as_text=True)
    assert "Paule" not in merge and "paule@example.org" not in merge
    # Who may read the file finds the person everywhere.
    reader = secret_app.test_client()
    login(reader, "reader@a.fr")
    assert [row["id"] for row in reader.get("/admin/citizens/search.json?q=Secrète").get_json()["results"]] \
        == [ids["secret"]]
    assert "Paule" in reader.get(f"/admin/citizens/{other}/merge").get_data(as_text=True)


def test_a_relative_known_only_through_the_file_is_not_named_on_the_household(secret_app, ccas_only):
    commune, ids = ccas_only
    with in_commune(secret_app, commune):
        db.session.add_all([HouseholdLink(citizen_id=ids["known"], relative_id=ids["secret"], relation="spouse"),
                            HouseholdLink(citizen_id=ids["secret"], relative_id=ids["known"], relation="spouse")])
        db.session.commit()
    client = secret_app.test_client()
    login(client, "accueil@a.fr")
    page = client.get(f"/admin/citizens/{ids['known']}/").get_data(as_text=True)
    assert "Jean" in page and "Paule" not in page
    reader = secret_app.test_client()
    login(reader, "reader@a.fr")
    assert "Paule" in reader.get(f"/admin/citizens/{ids['known']}/").get_data(as_text=True)


def test_known_otherwise_the_record_shows_with_a_neutral_line(secret_app, ccas_only):
    commune, ids = ccas_only
    _file(secret_app, commune, ids["secret"], "ordinaire", actor="admin@a.fr")
    client = secret_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "accueil@a.fr")
    page = client.get(f"/admin/citizens/{ids['secret']}/").get_data(as_text=True)
    assert "Paule" in page and "Confidential file in progress" in page
    assert [row["id"] for row in client.get("/admin/citizens/search.json?q=Secrète").get_json()["results"]] \
        == [ids["secret"]]


def test_a_citizen_with_no_request_is_readable_by_every_agent(secret_app, ccas_only):
    commune, _ids = ccas_only
    with in_commune(secret_app, commune):
        fresh = Citizen(first_name="Nina", last_name="Nouvelle")
        db.session.add(fresh)
        db.session.commit()
        fresh_id = fresh.id
    client = secret_app.test_client()
    login(client, "accueil@a.fr")
    assert client.get(f"/admin/citizens/{fresh_id}/").status_code == 200
