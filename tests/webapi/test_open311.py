"""Open311 GeoReport v2 (grc_core.webapi.open311): every endpoint in both
formats, strict to the specification, and the bad input it refuses."""
from __future__ import annotations

import io
import json
from xml.etree import ElementTree

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, Request, RequestEvent
from grc_core.plugin_api.testing import in_commune

from tests.webapi.support import api_commune, make_key

REPORT = {"service_code": "voirie.signalement", "lat": "47.9029", "long": "1.9093",
          "address_string": "12 rue des Lilas", "description": "Un nid-de-poule devant l'école",
          "attribute[nature]": "nid_de_poule", "attribute[nombre]": "3"}


@pytest.fixture
def town(app):
    town = api_commune(app)
    town.key = make_key(app, town.id)
    town.base = f"/c/{town.slug}/open311/v2"
    return town


def stored(app, town) -> dict:
    with in_commune(app, town.id):
        return {"requests": db.session.scalar(select(func.count()).select_from(Request)),
                "citizens": db.session.scalar(select(func.count()).select_from(Citizen))}


def post(client, town, **changes):
    data = {**REPORT, "api_key": town.key, **changes}
    return client.post(f"{town.base}/requests.json", data={k: v for k, v in data.items() if v is not None})


def descriptions(response) -> list[str]:
    return [error["description"] for error in response.get_json()]


# --- discovery and services ---------------------------------------------------------------

def test_discovery_names_the_specification_and_both_formats(client, town):
    response = client.get(f"{town.base}/discovery.json")
    assert response.status_code == 200 and response.content_type == "application/json; charset=utf-8"
    endpoint = response.get_json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith(f"{town.base}")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    xml = client.get(f"{town.base}/discovery.xml")
    assert xml.content_type == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(xml.data)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_types_open_to_the_api_channel(client, town):
    services = client.get(f"{town.base}/services.json").get_json()
    assert [s["service_code"] for s in services] == ["voirie.signalement"]
    assert services[0] == {"service_code": "voirie.signalement", "service_name": "Signalement sur la voirie",
                           "description": "Signalement sur la voirie", "metadata": True, "type": "realtime",
                           "keywords": "", "group": "Voirie"}
    root = ElementTree.fromstring(client.get(f"{town.base}/services.xml").data)
    assert root.tag == "services" and root.find("service/service_code").text == "voirie.signalement"
    assert root.find("service/metadata").text == "true"


def test_the_service_definition_gives_each_field_its_datatype(client, town):
    definition = client.get(f"{town.base}/services/voirie.signalement.json").get_json()
    assert definition["service_code"] == "voirie.signalement"
    by_code = {a["code"]: a for a in definition["attributes"]}
    assert {code: a["datatype"] for code, a in by_code.items()} == {
        "nature": "singlevaluelist", "nombre": "number", "dangereux": "singlevaluelist",
        "constate_le": "datetime", "remarques": "text", "tags": "multivaluelist"}
    assert "photo" not in by_code  # a file comes as the media upload
    assert by_code["nature"]["required"] is True and by_code["nombre"]["required"] is False
    assert by_code["nature"]["values"] == [{"key": "nid_de_poule", "name": "Nid-de-poule"},
                                           {"key": "eclairage", "name": "Éclairage"}]
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3, 4, 5, 6]
    assert all(a["variable"] is True for a in definition["attributes"])
    root = ElementTree.fromstring(client.get(f"{town.base}/services/voirie.signalement.xml").data)
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first.find("code").text == "nature" and first.find("required").text == "true"
    assert [v.find("key").text for v in first.findall("values/value")] == ["nid_de_poule", "eclairage"]


@pytest.mark.parametrize("code", ["inconnu", "attestation"])
def test_an_unknown_or_closed_service_is_404_with_the_error_list(client, town, code):
    for fmt in ("json", "xml"):
        response = client.get(f"{town.base}/services/{code}.{fmt}")
        assert response.status_code == 404
        if fmt == "json":
            assert response.get_json() == [{"code": 404, "description": f"Unknown service_code « {code} »."}]
        else:
            root = ElementTree.fromstring(response.data)
            assert root.tag == "errors" and root.find("error/code").text == "404"


# --- filing --------------------------------------------------------------------------------

def test_a_report_is_filed_through_the_api_channel_with_routing_and_history(app, client, town):
    response = post(client, town, email="jeanne@example.org", first_name="Jeanne", last_name="Martin",
                    **{"attribute[dangereux]": "true", "attribute[constate_le]": "2026-12-01T08:30:00+01:00",
                       "attribute[tags][]": None})
    assert response.status_code == 200, response.data
    [created] = response.get_json()
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    with in_commune(app, town.id):
        row = db.session.scalar(select(Request))
        assert row.reference == created["service_request_id"] and row.channel == "api"
        assert (row.latitude, row.longitude, row.location) == (47.9029, 1.9093, "12 rue des Lilas")
        assert row.subject == "Un nid-de-poule devant l'école" and row.service_id == town.voirie
        assert row.data["nature"] == "nid_de_poule" and row.data["nombre"] == 3
        assert row.data["dangereux"] is True and row.data["constate_le"] == "2026-12-01"
        assert row.citizen.email == "jeanne@example.org" and row.citizen.last_name == "Martin"
        assert [e.kind for e in db.session.scalars(select(RequestEvent))][0] == "created"
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.call"))
        assert audit.details["key"] == "Appli signalements" and audit.details["status"] == 200
    # The same reporter again: the same citizen, not a second record.
    assert post(client, town, email="JEANNE@example.org").status_code == 200
    assert stored(app, town) == {"requests": 2, "citizens": 1}


def test_a_multivaluelist_takes_several_values_and_the_answer_can_be_xml(app, client, town):
    data = {**REPORT, "api_key": town.key}
    body = [(k, v) for k, v in data.items()] + [("attribute[tags][]", "a"), ("attribute[tags][]", "b")]
    from werkzeug.datastructures import MultiDict
    response = client.post(f"{town.base}/requests.xml", data=MultiDict(body))
    assert response.status_code == 200 and response.content_type == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.data)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text
    with in_commune(app, town.id):
        assert db.session.scalar(select(Request.data))["tags"] == ["a", "b"]


def test_an_anonymous_report_with_an_address_only_is_filed_without_a_citizen(app, client, town):
    response = post(client, town, lat=None, long=None)
    assert response.status_code == 200
    with in_commune(app, town.id):
        row = db.session.scalar(select(Request))
        assert row.citizen_id is None and row.latitude is None and row.location == "12 rue des Lilas"


def test_a_photo_is_filed_as_the_media_upload(app, client, town):
    data = {**REPORT, "api_key": town.key, "media": (io.BytesIO(b"%PDF-1.4 photo"), "photo.pdf")}
    response = client.post(f"{town.base}/requests.json", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    with in_commune(app, town.id):
        row = db.session.scalar(select(Request))
        assert [a.filename for a in row.attachments] == ["photo.pdf"]


BAD_REPORTS = [
    ({"attribute[nature]": None}, "attribute[nature]: "),
    ({"attribute[nature]": "inondation"}, "attribute[nature]: "),
    ({"attribute[nombre]": "trois"}, "attribute[nombre]: "),
    ({"attribute[nombre]": "99"}, "attribute[nombre]: "),
    ({"attribute[dangereux]": "peut-être"}, "attribute[dangereux]: The value must be true or false."),
    ({"attribute[couleur]": "rouge"}, "attribute[couleur]: This service has no such attribute."),
    ({"lat": None}, "lat and long go together: give both or neither."),
    ({"long": "1,9"}, "long must be a number."),
    ({"lat": "91"}, "lat must be between -90 and 90."),
    ({"lat": None, "long": None, "address_string": None}, "A location is required: lat and long, or address_string."),
    ({"description": "x" * 201}, "description is too long (at most 200 characters)."),
    ({"media_url": "http://10.0.0.1/photo.jpg"}, "media_url is not accepted"),
]


@pytest.mark.parametrize("changes, message", BAD_REPORTS)
def test_bad_input_is_400_naming_the_attribute_and_nothing_is_stored(app, client, town, changes, message):
    response = post(client, town, email="nouveau@example.org", last_name="Nouveau", **changes)
    assert response.status_code == 400, response.data
    assert response.get_json()[0]["code"] == 400
    assert any(d.startswith(message) for d in descriptions(response)), descriptions(response)
    assert stored(app, town) == {"requests": 0, "citizens": 0}


def test_media_on_a_service_without_files_is_refused(app, client, town):
    with in_commune(app, town.id):
        from grc_core.models import RequestType
        row = db.session.get(RequestType, town.street)
        row.fields = [f for f in row.fields if f["type"] != "file"]
        db.session.commit()
    data = {**REPORT, "api_key": town.key, "media": (io.BytesIO(b"%PDF-1.4"), "x.pdf")}
    response = client.post(f"{town.base}/requests.json", data=data, content_type="multipart/form-data")
    assert response.status_code == 400 and descriptions(response) == ["This service takes no media."]
    assert stored(app, town)["requests"] == 0


def test_errors_speak_the_callers_language_french_by_default(app, town):
    french = app.test_client().post(f"{town.base}/requests.json", data={**REPORT, "lat": None, "api_key": town.key})
    assert descriptions(french) == ["lat et long vont ensemble : donnez les deux ou aucun."]


def test_an_unknown_service_code_is_404_and_nothing_is_stored(app, client, town):
    response = post(client, town, service_code="attestation")
    assert response.status_code == 404 and descriptions(response) == ["Unknown service_code « attestation »."]
    assert stored(app, town)["requests"] == 0


@pytest.mark.parametrize("key, message", [
    (None, "An API key is required (api_key)."),
    ("grc_wrong", "This API key is not valid for this commune."),
])
def test_without_a_valid_key_nothing_is_filed(app, client, town, key, message):
    response = post(client, town, api_key=key)
    assert response.status_code == 403 and descriptions(response) == [message]
    assert stored(app, town)["requests"] == 0


def test_a_read_only_key_may_not_use_open311(app, client, town):
    town.key = make_key(app, town.id, scopes=("read",), name="Lecture REST")
    response = post(client, town)
    assert response.status_code == 403
    assert descriptions(response) == ["This API key does not have the « open311 » scope."]
    assert stored(app, town)["requests"] == 0


def test_methods_a_resource_does_not_take_are_405_with_the_error_list(client, town):
    for url in ("services.json", "discovery.json", "requests/2026-00001.json"):
        response = client.post(f"{town.base}/{url}", data={"api_key": town.key})
        assert response.status_code == 405, url
        assert response.get_json()[0]["code"] == 405
    response = client.delete(f"{town.base}/requests.xml")
    assert response.status_code == 405 and ElementTree.fromstring(response.data).tag == "errors"
