"""What every API call goes through (grc_core.webapi.calls): the rate limit
per key, and the audit of each call; and a published Open311 client
(``georeport``) talking to the live app."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from grc_core.extensions import db
from grc_core.models import ApiKey, AuditEvent
from grc_core.plugin_api.testing import in_commune
from tests.webapi.support import api_commune, make_key


@pytest.fixture
def town(app):
    town = api_commune(app)
    town.key = make_key(app, town.id)
    town.base = f"/c/{town.slug}/open311/v2"
    return town


def test_over_the_limit_a_key_gets_429_with_retry_after_and_other_keys_go_on(app, client, town, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "API_RATE_LIMIT", "3/minute")
    other = make_key(app, town.id, name="Autre appli")
    for _ in range(3):
        assert client.get(f"{town.base}/requests.json", query_string={"api_key": town.key}).status_code == 200
    refused = client.get(f"{town.base}/requests.xml", query_string={"api_key": town.key})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert b"<errors><error><code>429</code>" in refused.data
    assert client.get(f"{town.base}/requests.json", query_string={"api_key": other}).status_code == 200


def test_calls_without_a_key_are_limited_per_address(app, client, town, monkeypatch):
    monkeypatch.setitem(app.config["GRC"], "API_RATE_LIMIT", "2/minute")
    assert [client.get(f"{town.base}/services.json").status_code for _ in range(3)] == [200, 200, 429]


def test_each_call_with_a_key_is_audited_with_its_name_and_moves_last_use(app, client, town):
    client.get(f"{town.base}/requests.json", query_string={"api_key": town.key})
    client.get(f"{town.base}/requests/2026-00404.json", query_string={"api_key": town.key})
    with in_commune(app, town.id):
        calls = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.call")
                                        .order_by(AuditEvent.id)))
        assert [(c.details["key"], c.details["method"], c.details["status"]) for c in calls] == [
            ("Appli signalements", "GET", 200), ("Appli signalements", "GET", 404)]
        assert calls[1].target == f"{town.base}/requests/2026-00404.json"
        assert db.session.scalar(select(ApiKey.last_used_at)) is not None


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_services_and_definitions_from_the_live_app(app, town, live_server,
                                                                               output_format):
    from georeport import GeoReport

    client = GeoReport(f"{live_server}/open311/v2", jurisdiction=town.slug, output_format=output_format)
    services = client.get_service_list()
    services = services if isinstance(services, list) else [services]  # xmltodict: one element is no list
    assert [service["service_code"] for service in services] == ["voirie.signalement"]
    definition = client.get_service_definition("voirie.signalement")
    attributes = definition["attributes"]
    attributes = attributes["attribute"] if output_format == "xml" else attributes
    assert [a["code"] for a in attributes][:3] == ["nature", "nombre", "dangereux"]
