"""The REST API (grc_core.webapi.rest): request types, requests (list with
cursor pages, one, create, messages), its errors, and its OpenAPI 3.1
document — checked by a validator and by Schemathesis, a bounded run."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Message, Request
from grc_core.plugin_api.testing import in_commune
from tests.webapi.support import api_commune, make_key

GOOD = {"request_type": "voirie.signalement", "data": {"nature": "eclairage", "nombre": 2},
        "subject": "Lampadaire éteint", "location": "Place de la Mairie"}


@pytest.fixture
def town(app):
    town = api_commune(app)
    town.read = {"X-API-Key": make_key(app, town.id, scopes=("read",), name="Lecture")}
    town.write = {"X-API-Key": make_key(app, town.id, scopes=("read", "write"), name="Connecteur")}
    return town


def stored(app, town, model=Request) -> int:
    with in_commune(app, town.id):
        return db.session.scalar(select(func.count()).select_from(model))


def test_request_types_with_their_fields_and_the_commune(client, town):
    answer = client.get("/api/v1/request-types", headers=town.read).get_json()
    assert answer["commune"] == {"slug": "villeneuve", "name": "Villeneuve-sur-Loire", "insee_code": "45901"}
    [street] = answer["items"]
    assert street["code"] == "voirie.signalement"
    nature = street["fields"][0]
    assert nature["name"] == "nature" and nature["required"] is True
    assert nature["choices"][0] == {"value": "nid_de_poule", "label": "Nid-de-poule"}


def test_file_read_list_by_pages_and_write_a_message(app, client, town):
    references = []
    for _ in range(3):
        response = client.post("/api/v1/requests", json=GOOD, headers=town.write)
        assert response.status_code == 201, response.get_json()
        references.append(response.get_json()["request"]["reference"])
    one = client.get(f"/api/v1/requests/{references[0]}", headers=town.read).get_json()["request"]
    assert one["channel"] == "api" and one["service"] == "voirie" and one["data"]["nombre"] == 2
    first = client.get("/api/v1/requests?limit=2", headers=town.read).get_json()
    assert (first["count"], first["count_capped"]) == (3, False)
    assert [r["reference"] for r in first["items"]] == references[:0:-1] and first["next_cursor"]
    second = client.get(f"/api/v1/requests?limit=2&cursor={first['next_cursor']}", headers=town.read).get_json()
    assert [r["reference"] for r in second["items"]] == references[:1] and second["next_cursor"] is None
    assert client.get("/api/v1/requests?status=closed", headers=town.read).get_json()["items"] == []
    added = client.post(f"/api/v1/requests/{references[0]}/messages", json={"body": "Équipe prévenue"},
                        headers=town.write)
    assert added.status_code == 201 and added.get_json()["message"]["public"] is False
    assert stored(app, town, Message) == 1


@pytest.mark.parametrize("body, code, field", [
    ({**GOOD, "data": {"nombre": 2}}, "invalid_request", None),
    ({**GOOD, "data": {"nature": "inondation"}}, "invalid_request", None),
    ({**GOOD, "request_type": "attestation"}, "invalid_parameter", "request_type"),
    ({**GOOD, "subject": "x" * 201}, "invalid_parameter", "subject"),
    ({**GOOD, "data": ["nature"]}, "invalid_parameter", "data"),
    ("pas du JSON", "invalid_parameter", "body"),
])
def test_bad_bodies_are_400_with_a_stable_code_and_nothing_is_stored(app, client, town, body, code, field):
    response = client.post("/api/v1/requests", data=body if isinstance(body, str) else None,
                           json=None if isinstance(body, str) else body, headers=town.write,
                           content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["field"] == field
    if code == "invalid_request":
        assert "nature" in error["fields"]
    assert stored(app, town) == 0


def test_the_count_stops_at_the_queues_cap(client, town, monkeypatch):
    for _ in range(3):
        assert client.post("/api/v1/requests", json=GOOD, headers=town.write).status_code == 201
    monkeypatch.setattr("grc_core.requests.queue.COUNT_CAP", 2)
    monkeypatch.setattr("grc_core.webapi.rest.views.COUNT_CAP", 2)
    answer = client.get("/api/v1/requests?limit=1", headers=town.read).get_json()
    assert (answer["count"], answer["count_capped"], len(answer["items"])) == (2, True, 1)


def test_keys_scopes_and_parameters_are_checked(app, client, town):
    assert client.post("/api/v1/requests", json=GOOD, headers=town.read).get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/requests").status_code == 403
    assert client.get("/api/v1/requests", headers={"X-API-Key": "grc_faux"}).status_code == 403
    other = api_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    other_key = {"X-API-Key": make_key(app, other.id, scopes=("read", "write"))}
    filed = client.post("/api/v1/requests", json=GOOD, headers=town.write).get_json()["request"]["reference"]
    # B's key reads B: A's request is absent there, and nothing can be written to it.
    assert client.get(f"/api/v1/requests/{filed}", headers=other_key).status_code == 404
    assert client.post(f"/api/v1/requests/{filed}/messages", json={"body": "x"}, headers=other_key).status_code == 404
    assert client.get("/api/v1/requests", headers=other_key).get_json()["items"] == []
    for query, field in (("limit=0", "limit"), ("limit=x", "limit"), ("cursor=-1", "cursor"),
                         ("cursor=3000000000", "cursor"), ("status=x", "status")):
        error = client.get(f"/api/v1/requests?{query}", headers=town.read).get_json()["error"]
        assert error["field"] == field, query
    assert client.delete("/api/v1/requests", headers=town.read).get_json()["error"]["code"] == "method_not_allowed"
    assert stored(app, town, Message) == 0


def test_the_openapi_document_is_valid_31_and_the_docs_page_renders_it(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    validate(spec)
    assert {"/request-types", "/requests", "/requests/{reference}", "/requests/{reference}/messages",
            "/requests/{reference}/transitions", "/requests/{reference}/attachments", "/citizens",
            "/citizens/{citizen_id}", "/citizens/{citizen_id}/contacts", "/indicators"} <= set(spec["paths"])
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "/requests/{reference}/messages" in page.get_data(as_text=True)


# --- Schemathesis: the implementation against its own document ----------------------------

def test_every_operation_answers_as_its_document_says(app, town, monkeypatch):
    """Schemathesis generates calls from the document (25 per operation): no
    server error, and every answer's status, content type and body as
    documented. Left out: "schema-valid data is accepted" — a request's form
    (which fields, which choices) is the commune's data, not the document's,
    so a schema-valid body may rightly be refused with its reasons."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    monkeypatch.setitem(app.config["GRC"], "API_RATE_LIMIT", "100000/minute")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 16
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            case.call_and_validate(headers=town.write, excluded_checks=[positive_data_acceptance])

        check()
