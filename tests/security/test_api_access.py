"""The open APIs leak nothing: another commune's key, a revoked key, a key
without the scope, and confidential (CCAS) requests — never readable nor
fileable with any key, whatever its role."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select, update

from grc_core.extensions import db
from grc_core.models import ApiKey, AuditEvent, Request, RequestType
from grc_core.plugin_api.testing import in_commune, make_commune
from grc_core.requests.service import create_request
from grc_core.webapi.keys import revoke_key
from tests.webapi.support import api_commune, make_key

REPORT = {"service_code": "voirie.signalement", "address_string": "1 place de la Mairie",
          "attribute[nature]": "eclairage"}


def count_requests(app, commune_id) -> int:
    with in_commune(app, commune_id):
        return db.session.scalar(select(func.count()).select_from(Request))


def test_a_key_of_commune_a_opens_nothing_of_commune_b(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    a = api_commune(app)
    b = api_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    key_a, key_b = make_key(app, a.id), make_key(app, b.id)
    filed = client.post("/c/saint-aubin/open311/v2/requests.json", data={**REPORT, "api_key": key_b})
    reference, token = filed.get_json()[0]["service_request_id"], filed.get_json()[0]["token"]
    base_b = "/c/saint-aubin/open311/v2"
    for method, url in (("post", f"{base_b}/requests.json"), ("get", f"{base_b}/requests.json"),
                        ("get", f"{base_b}/requests/{reference}.json"), ("get", f"{base_b}/tokens/{token}.json")):
        data = {**REPORT, "api_key": key_a} if method == "post" else None
        response = getattr(client, method)(url, data=data, query_string=None if data else {"api_key": key_a})
        assert response.status_code == 403, url
        assert response.get_json() == [{"code": 403, "description": "This API key is not valid for this commune."}]
    # A's key on A's URL with B's reference or token: absent.
    base_a = "/c/villeneuve/open311/v2"
    assert client.get(f"{base_a}/requests/{reference}.json", query_string={"api_key": key_a}).status_code == 404
    assert client.get(f"{base_a}/tokens/{token}.json", query_string={"api_key": key_a}).status_code == 404
    assert client.get(f"{base_a}/requests.json", query_string={"api_key": key_a}).get_json() == []
    assert count_requests(app, b.id) == 1 and count_requests(app, a.id) == 0
    with in_commune(app, b.id):
        refused = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api.key_refused"))
        assert refused is not None and refused.details["status"] == 403


def test_a_revoked_key_is_refused_and_nothing_is_stored(app, client):
    town = api_commune(app)
    secret = make_key(app, town.id)
    with in_commune(app, town.id):
        revoke_key(db.session.scalar(select(ApiKey)))
        db.session.commit()
    response = client.post("/c/villeneuve/open311/v2/requests.json", data={**REPORT, "api_key": secret})
    assert response.status_code == 403 and count_requests(app, town.id) == 0


def test_no_key_reads_or_files_a_confidential_request_whatever_its_role(privacy_app):
    app, client = privacy_app, privacy_app.test_client()
    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["secret"])
    with in_commune(app, commune_id):
        db.session.execute(update(RequestType).values(channels=["guichet", "api"]))
        db.session.commit()
        secret_type = db.session.scalar(select(RequestType))
        created, errors = create_request(request_type=secret_type.id, citizen=None, channel="guichet",
                                         formdata={"motif": "Aide au loyer"}, actor=None)
        assert not errors
        reference = created.reference
    key = make_key(app, commune_id, role="admin")
    base = "/c/villeneuve/open311/v2"
    assert client.get(f"{base}/services.json").get_json() == []
    assert client.get(f"{base}/services/secret.dossier.json").status_code == 404
    filed = client.post(f"{base}/requests.json", data={"api_key": key, "service_code": "secret.dossier",
                                                      "address_string": "x", "attribute[motif]": "y"})
    assert filed.status_code == 404 and count_requests(app, commune_id) == 1
    now = datetime.now(timezone.utc).isoformat()
    assert client.get(f"{base}/requests.json", query_string={"api_key": key}).get_json() == []
    assert client.get(f"{base}/requests.json", query_string={"api_key": key, "service_request_id": reference,
                                                             "end_date": now}).get_json() == []
    one = client.get(f"{base}/requests/{reference}.json", query_string={"api_key": key})
    assert one.status_code == 404 and b"Aide" not in one.data
