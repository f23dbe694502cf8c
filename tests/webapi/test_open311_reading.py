"""Open311 reading: the 90-day window and its parameters, one request,
tokens, and the three base URLs (slug, commune hostname, platform host
with jurisdiction_id)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest
from sqlalchemy import select, update

from grc_core.extensions import db
from grc_core.models import Request
from grc_core.plugin_api.testing import in_commune
from tests.webapi.support import api_commune, make_key

NOW = datetime.now(timezone.utc)


@pytest.fixture
def town(app, client):
    town = api_commune(app, hostnames="signalements.villeneuve.fr")
    town.key = make_key(app, town.id)
    town.base = f"/c/{town.slug}/open311/v2"
    town.refs = {}
    # Three reports: today, 30 days ago (closed), 120 days ago.
    for name, age, kind in (("today", 0, "new"), ("month", 30, "closed"), ("old", 120, "new")):
        response = client.post(f"{town.base}/requests.json", data={
            "api_key": town.key, "service_code": "voirie.signalement", "address_string": f"Rue {name}",
            "attribute[nature]": "eclairage", "description": name})
        assert response.status_code == 200, response.data
        reference = response.get_json()[0]["service_request_id"]
        town.refs[name] = (reference, response.get_json()[0]["token"])
        with in_commune(app, town.id):
            db.session.execute(update(Request).where(Request.reference == reference).values(
                received_at=NOW - timedelta(days=age), state_kind=kind))
            db.session.commit()
    return town


def get(client, town, url="requests.json", **params):
    return client.get(f"{town.base}/{url}", query_string={"api_key": town.key, **params})


def refs(response) -> list[str]:
    return [row["service_request_id"] for row in response.get_json()]


def test_the_default_window_is_the_last_90_days_newest_first(client, town):
    response = get(client, town)
    assert response.status_code == 200
    assert refs(response) == [town.refs["today"][0], town.refs["month"][0]]
    row = response.get_json()[0]
    assert row["status"] == "open" and row["service_code"] == "voirie.signalement"
    assert row["address"] == "Rue today" and row["description"] == "today" and row["agency_responsible"] == "Voirie"
    assert datetime.fromisoformat(row["requested_datetime"]).tzinfo is not None


def test_dates_status_service_code_and_ids_filter(client, town):
    start = (NOW - timedelta(days=150)).isoformat()
    end = (NOW - timedelta(days=100)).isoformat()
    assert refs(get(client, town, start_date=start, end_date=end)) == [town.refs["old"][0]]
    # start_date alone: the 90 days after it.
    assert refs(get(client, town, start_date=(NOW - timedelta(days=100)).strftime("%Y-%m-%dT%H:%M:%SZ"))) == \
        [town.refs["month"][0]]
    # end_date alone: the 90 days before it.
    assert refs(get(client, town, end_date=(NOW - timedelta(days=60)).isoformat())) == [town.refs["old"][0]]
    assert refs(get(client, town, status="closed")) == [town.refs["month"][0]]
    assert refs(get(client, town, status="open,closed")) == [town.refs["today"][0], town.refs["month"][0]]
    assert refs(get(client, town, service_code="attestation")) == []
    # A list of ids overrides the window.
    wanted = f"{town.refs['old'][0]},{town.refs['today'][0]}"
    assert sorted(refs(get(client, town, service_request_id=wanted))) == sorted([town.refs["old"][0],
                                                                                 town.refs["today"][0]])


@pytest.mark.parametrize("params, message", [
    ({"start_date": "hier"}, "start_date must be a W3C datetime, e.g. 2026-12-01T00:00:00Z."),
    ({"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, "start_date is after end_date."),
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
     "The dates may not span more than 90 days."),
    ({"status": "ouvert"}, "status must be open, closed or both (comma-separated)."),
])
def test_bad_dates_or_status_are_400_with_the_error_list(client, town, params, message):
    response = get(client, town, **params)
    assert response.status_code == 400 and response.get_json() == [{"code": 400, "description": message}]
    xml = get(client, town, url="requests.xml", **params)
    assert ElementTree.fromstring(xml.data).find("error/description").text == message


def test_one_request_and_a_token_in_both_formats(client, town):
    reference, token = town.refs["month"]
    response = get(client, town, url=f"requests/{reference}.json")
    assert response.status_code == 200 and refs(response) == [reference]
    assert response.get_json()[0]["status"] == "closed"
    root = ElementTree.fromstring(get(client, town, url=f"requests/{reference}.xml").data)
    assert root.tag == "service_requests" and root.find("request/status").text == "closed"
    assert get(client, town, url=f"tokens/{token}.json").get_json() == [
        {"service_request_id": reference, "token": token}]
    assert get(client, town, url="requests/2026-99999.json").status_code == 404
    assert get(client, town, url="tokens/forged.json").get_json() == [{"code": 404, "description": "Unknown token."}]


def test_reading_needs_a_key(client, town):
    for url in ("requests.json", f"requests/{town.refs['today'][0]}.json", f"tokens/{town.refs['today'][1]}.json"):
        response = client.get(f"{town.base}/{url}")
        assert response.status_code == 403
        assert response.get_json() == [{"code": 403, "description": "An API key is required (api_key)."}]


def test_the_commune_hostname_and_the_platform_host_with_jurisdiction_id(client, town):
    on_host = client.get("/open311/v2/services.json", base_url="http://signalements.villeneuve.fr")
    assert [s["service_code"] for s in on_host.get_json()] == ["voirie.signalement"]
    platform = client.get("/open311/v2/services.json", query_string={"jurisdiction_id": town.slug})
    assert platform.get_json() == on_host.get_json()
    missing = client.get("/open311/v2/services.json")
    assert missing.status_code == 400 and missing.get_json()[0]["description"].startswith("jurisdiction_id is required")
    unknown = client.get("/open311/v2/services.xml", query_string={"jurisdiction_id": "nulle-part"})
    assert unknown.status_code == 404 and ElementTree.fromstring(unknown.data).find("error/code").text == "404"
    # A jurisdiction_id contradicting the URL is unknown.
    assert client.get(f"{town.base}/services.json", query_string={"jurisdiction_id": "autre"}).status_code == 404
    # Reading through the platform host with the key.
    listed = client.get("/open311/v2/requests.json", query_string={"jurisdiction_id": town.slug, "api_key": town.key})
    assert refs(listed) == [town.refs["today"][0], town.refs["month"][0]]


def test_an_unknown_commune_slug_is_404_with_the_error_list(client, town):
    response = client.get("/c/nulle-part/open311/v2/services.json")
    assert response.status_code == 404 and response.get_json()[0]["code"] == 404
