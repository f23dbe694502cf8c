"""Citizens, contacts and indicators through the REST API
(grc_core.webapi.rest.citizens, .indicators): the back office's search,
form, duplicate detection and dashboards — and no key ever sees a
confidential (CCAS) file: not the request, not the person known only
through it, not its row in a figure per type.

Runs on the ``secret`` test plugin (one confidential type, permission
``secret.read``), as tests/security/test_citizen_access.py does.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from grc_core.extensions import db
from grc_core.models import Citizen, Contact, Request, RequestType, User, Workflow
from grc_core.plugin_api.testing import build_test_app, in_commune, make_agent, make_commune
from grc_core.requests.service import create_request
from tests.webapi.support import make_key

SECRET = {"secret": "tests.plugins.secret"}
PHONE = "06 12 34 56 78"


@pytest.fixture(scope="module")
def module_app(tmp_path_factory):
    application = build_test_app(tmp_path_factory, plugins=["secret"], extra_plugins=SECRET,
                                 name="rest_citizens", own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def secret_app(module_app):
    from grc_core.plugin_api.testing import empty_tables

    module_app.extensions.pop("grc_api_limiter", None)
    yield module_app
    empty_tables(module_app)


@pytest.fixture
def client(secret_app):
    client = secret_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _file(app, commune, citizen_id, code, data=None):
    with in_commune(app, commune):
        type_id = db.session.scalar(select(RequestType.id).where(RequestType.code == code))
        created, errors = create_request(
            request_type=type_id, citizen=db.session.get(Citizen, citizen_id), channel="guichet",
            formdata=MultiDict(data or {}), actor=db.session.scalar(select(User).where(User.email == "admin@a.fr")))
        assert not errors, errors
        return created.reference


@pytest.fixture
def town(secret_app):
    """Paule Secrète known only through a secret file; Jean Connu through an ordinary request."""
    app = secret_app
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    make_agent(app, commune, "admin@a.fr", "admin")
    with in_commune(app, commune):
        workflow = db.session.scalars(select(Workflow)).first()
        db.session.add(RequestType(code="ordinaire", label="Demande ordinaire", fields=[], workflow_id=workflow.id,
                                   channels=["guichet", "api"]))
        secret = Citizen(first_name="Paule", last_name="Secrète", email="paule@example.org", phone=PHONE)
        known = Citizen(first_name="Jean", last_name="Connu", email="jean@example.org", phone="01 02 03 04 05")
        db.session.add_all([secret, known])
        db.session.commit()
        ids = {"secret": secret.id, "known": known.id}
    ids["secret_reference"] = _file(app, commune, ids["secret"], "secret.dossier", data={"f_motif": "Aide"})
    ids["known_reference"] = _file(app, commune, ids["known"], "ordinaire")
    ids["commune"] = commune
    ids["read"] = {"X-API-Key": make_key(app, commune, scopes=("read",), role="admin")}
    ids["write"] = {"X-API-Key": make_key(app, commune, scopes=("read", "write"), role="admin")}
    return ids


def count(app, town, model) -> int:
    with in_commune(app, town["commune"]):
        return db.session.scalar(select(func.count()).select_from(model))


# --- citizens ----------------------------------------------------------------------------------

def test_search_by_name_phone_email_and_reference_with_pages(client, town):
    for query in ("Connu", "jean connu", "01 02 03 04 05", "jean@example.org", town["known_reference"]):
        answer = client.get("/api/v1/citizens", query_string={"q": query}, headers=town["read"]).get_json()
        assert answer["commune"]["slug"] == "villeneuve"
        assert [c["id"] for c in answer["items"]] == [town["known"]], query
    with in_commune(client.application, town["commune"]):
        db.session.add_all([Citizen(first_name=f"Anne{n}", last_name="Connu") for n in range(3)])
        db.session.commit()
    first = client.get("/api/v1/citizens?q=Connu&limit=2", headers=town["read"]).get_json()
    second = client.get("/api/v1/citizens?q=Connu&limit=2&page=2", headers=town["read"]).get_json()
    assert len(first["items"]) == 2 and first["next_page"] == 2
    assert len(second["items"]) == 2 and second["next_page"] is None
    assert not {c["id"] for c in first["items"]} & {c["id"] for c in second["items"]}


def test_read_a_citizen_and_bad_search_parameters(client, town):
    answer = client.get(f"/api/v1/citizens/{town['known']}", headers=town["read"]).get_json()
    assert answer["citizen"]["last_name"] == "Connu" and answer["citizen"]["email"] == "jean@example.org"
    for query, field in (("", "q"), ("q=a&limit=0", "limit"), ("q=a&page=11", "page"), ("q=a&limit=x", "limit"),
                         ("q=Con%00nu", "q")):
        response = client.get(f"/api/v1/citizens?{query}", headers=town["read"])
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field, query
    assert client.get("/api/v1/citizens/999999", headers=town["read"]).status_code == 404


def test_create_detects_duplicates_like_the_back_office(client, secret_app, town):
    body = {"first_name": "Jean", "last_name": "Connu", "phone": "06 99 88 77 66"}
    refused = client.post("/api/v1/citizens", json=body, headers=town["write"])
    assert refused.status_code == 409
    answer = refused.get_json()
    assert answer["error"]["code"] == "probable_duplicate"
    assert [c["id"] for c in answer["candidates"]] == [town["known"]]
    assert count(secret_app, town, Citizen) == 2
    created = client.post("/api/v1/citizens", json={**body, "confirm_duplicate": True}, headers=town["write"])
    assert created.status_code == 201
    assert created.get_json()["citizen"]["phone"] == "06 99 88 77 66"
    fresh = client.post("/api/v1/citizens", json={"first_name": "Lou", "last_name": "Neuve", "birth_date": "1990-04-02",
                                                   "postcode": "45000"}, headers=town["write"])
    assert fresh.status_code == 201 and fresh.get_json()["citizen"]["birth_date"] == "1990-04-02"
    assert count(secret_app, town, Citizen) == 4


@pytest.mark.parametrize("body, field", [
    ({"first_name": "Lou"}, "last_name"),
    ({"first_name": "Lou", "last_name": "Neuve", "email": "pas-une-adresse"}, "email"),
    ({"first_name": "Lou", "last_name": "Neuve", "postcode": "4500"}, "postcode"),
    ({"first_name": "Lou", "last_name": "Neuve", "birth_date": "1850-01-01"}, "birth_date"),
    ({"first_name": "Lou", "last_name": ["Neuve"]}, "last_name"),
    ({"first_name": "Lou", "last_name": "Neuve", "confirm_duplicate": "oui"}, "confirm_duplicate"),
    ({"first_name": "Lou", "last_name": "Ne\u0000uve"}, "last_name"),
])
def test_a_bad_citizen_is_400_naming_the_field_and_nothing_is_stored(client, secret_app, town, body, field):
    response = client.post("/api/v1/citizens", json=body, headers=town["write"])
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field
    assert count(secret_app, town, Citizen) == 2


def test_malformed_json_and_methods_not_taken_store_nothing(client, secret_app, town):
    for path in ("/api/v1/citizens", f"/api/v1/citizens/{town['known']}/contacts"):
        response = client.post(path, data='{"first_name": "Lou",', content_type="application/json",
                               headers=town["write"])
        assert response.status_code == 400 and response.get_json()["error"]["field"] == "body", path
    for method, path in (("delete", f"/api/v1/citizens/{town['known']}"), ("post", "/api/v1/indicators"),
                         ("put", f"/api/v1/citizens/{town['known']}/contacts")):
        response = getattr(client, method)(path, headers=town["write"])
        assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"
    assert count(secret_app, town, Citizen) == 2 and count(secret_app, town, Contact) == 0


def test_a_read_key_creates_nobody(client, secret_app, town):
    response = client.post("/api/v1/citizens", json={"first_name": "Lou", "last_name": "Neuve"},
                           headers=town["read"])
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert count(secret_app, town, Citizen) == 2


# --- contacts ----------------------------------------------------------------------------------

def test_contacts_are_logged_and_listed_per_citizen(client, secret_app, town):
    logged = client.post(f"/api/v1/citizens/{town['known']}/contacts", headers=town["write"],
                         json={"channel": "telephone", "subject": "Horaires de la mairie", "notes": "Renseigné"})
    assert logged.status_code == 201, logged.get_json()
    contact = logged.get_json()["contact"]
    assert (contact["channel"], contact["outcome"], contact["service"]) == ("telephone", "answered", None)
    listed = client.get(f"/api/v1/citizens/{town['known']}/contacts", headers=town["read"]).get_json()
    assert listed["items"] == [contact]
    for body, field in (({"subject": ""}, "subject"), ({"subject": "x", "channel": "pigeon"}, "channel"),
                        ({"subject": "x", "service": "inconnu"}, "service")):
        response = client.post(f"/api/v1/citizens/{town['known']}/contacts", json=body, headers=town["write"])
        assert response.status_code == 400 and response.get_json()["error"]["field"] == field, body
    assert client.post(f"/api/v1/citizens/{town['known']}/contacts", json={"subject": "x"},
                       headers=town["read"]).status_code == 403
    assert count(secret_app, town, Contact) == 1


# --- confidential files never show ------------------------------------------------------------

def test_a_key_never_sees_a_confidential_file_or_the_person_known_only_through_it(client, secret_app, town):
    secret = town["secret"]
    listed = client.get("/api/v1/requests", headers=town["read"]).get_json()["items"]
    assert [r["reference"] for r in listed] == [town["known_reference"]]
    assert client.get(f"/api/v1/requests/{town['secret_reference']}", headers=town["read"]).status_code == 404
    for path in ("messages", "attachments", "transitions"):
        assert client.get(f"/api/v1/requests/{town['secret_reference']}/{path}",
                          headers=town["read"]).status_code == 404
    for query in ("Secrète", "Paule", PHONE, "paule@example.org", town["secret_reference"]):
        answer = client.get("/api/v1/citizens", query_string={"q": query}, headers=town["read"]).get_json()
        assert answer["items"] == [], query
    assert client.get(f"/api/v1/citizens/{secret}", headers=town["read"]).status_code == 404
    assert client.get(f"/api/v1/citizens/{secret}/contacts", headers=town["read"]).status_code == 404
    assert client.post(f"/api/v1/citizens/{secret}/contacts", json={"subject": "x"},
                       headers=town["write"]).status_code == 404
    # Her phone makes no duplicate candidate: it would tell that the CCAS knows her.
    created = client.post("/api/v1/citizens", json={"first_name": "Pauline", "last_name": "Autre", "phone": PHONE},
                          headers=town["write"])
    assert created.status_code == 201
    with in_commune(secret_app, town["commune"]):
        assert db.session.scalar(select(func.count()).select_from(Request)) == 2


def test_indicators_of_a_role_with_their_method_and_drill_down_without_the_confidential_type(client, town):
    operational = client.get("/api/v1/indicators", headers=town["read"]).get_json()
    assert operational["dashboard"] == "operational" and "strategic" in operational["dashboards"]
    new = next(i for i in operational["items"] if i["indicator"] == "core.received_not_processed")
    assert new["period"] is None and new["method"] and new["value"] is not None
    strategic = client.get("/api/v1/indicators?dashboard=strategic&period=month", headers=town["read"]).get_json()
    assert strategic["period"]["start"] <= strategic["period"]["end"]
    by_type = next(i for i in strategic["items"] if i["widget"] == "core.st_by_type")
    assert [c["label"] for c in by_type["categories"]] == ["Demande ordinaire"]
    assert by_type["series"][0]["values"] == [1.0]
    [drill] = by_type["drilldown"]
    assert drill["category"] == by_type["categories"][0]["key"] and drill["filters"]["type"] == drill["category"]
    assert "secret" not in str(strategic) and "Dossier secret" not in str(operational)
    # The unit is the form that fits the value, in the reader's language.
    assert next(i for i in strategic["items"] if i["widget"] == "core.st_received")["unit"] == "requests"
    for language, singular in (("en", "request"), ("fr", "demande")):
        one = client.get("/api/v1/indicators?dashboard=strategic&period=month&type=ordinaire",
                         headers={**town["read"], "Accept-Language": language}).get_json()
        received = next(i for i in one["items"] if i["widget"] == "core.st_received")
        assert (received["value"], received["unit"]) == (1.0, singular)
    for query, field in (("dashboard=secret", "dashboard"), ("dashboard=inconnu", "dashboard"),
                         ("period=siecle", "period"), ("period=custom&start=2026-12-01&end=2026-11-01", "end"),
                         ("type=secret.dossier", "type"), ("channel=pigeon", "channel"),
                         (f"service={2**40}", "service"), (f"agent={2**63}", "agent"), ("service=-1", "service")):
        response = client.get(f"/api/v1/indicators?{query}", headers=town["read"])
        assert response.status_code in (400, 404) and response.get_json()["error"]["field"] == field, query
