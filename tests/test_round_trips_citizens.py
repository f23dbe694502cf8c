"""Round trips to the database on the calls citizens and their applications
make most: reading one request through Open311, filing through Open311, and
filing a démarche on the portal. Each sends a bounded number of SQL
statements, so that a reload, a second lookup or a per-row query cannot creep
back (the back office's pages are pinned in tests/test_round_trips.py).

Counts, not timings: the statements one call sends (SQLAlchemy's
``before_cursor_execute``) are the same on every run. ``bench/api_bench.py``
and ``bench/portal_bench.py`` time the same calls on a loaded commune
(docs/benchmarks.md records them).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from grc_core.extensions import db
from grc_core.models import ApiKey, AuditEvent, LoginAttempt, Request, RequestEvent, utcnow
from grc_core.plugin_api.testing import csrf_token, in_commune
from grc_core.tenancy import unscoped
from grc_core.webapi.calls import same_minute
from tests.portal.portal_support import english_client, setup_portal_commune, verified_citizen
from tests.test_round_trips import Statements
from tests.webapi.support import api_commune, make_key

# Measured on 2026-12-07 (SQLite and PostgreSQL alike unless said):
# - one request through Open311: 6 — the commune with its enabled plugins
#   (one query for the slug and the host), the key, the request with its type
#   and service, and the audit line (the chain's lock, its head, the INSERT);
#   11 before (the commune twice, the plugins, the key read again twice after
#   the rollback, its "last used" written on every call);
# - filing through Open311: 14 — the commune, the key, the type with its
#   workflow and service, the reference, the routing rules, the webhooks, two
#   daily counters, the request, its two history rows, the audit line (3);
#   21 to 22 before (also the type twice, the request and the commune read
#   again after the commit);
# - filing on the portal: 16 — the commune with its plugins, the type, the
#   account, the reservation (purge, one read for its three rules, the
#   attempt; PostgreSQL adds its advisory locks, one statement, and writes
#   the two history rows in one), the citizen, the reference, the routing
#   rules, the webhooks, two daily counters, the request, its history, the
#   acknowledgement; 29 to 30 before (the reservation alone sent 8 to 10, and
#   its commit made the account, the type and the commune be read again).
# The bounds leave one statement of room; an N+1 or a reload adds one and fails.
OPEN311_READ_ONE_MAX = 7
OPEN311_FILE_MAX = 15
PORTAL_FILE_MAX = 18

REPORT = {"service_code": "voirie.signalement", "lat": "47.9029", "long": "1.9093",
          "address_string": "12 rue des Lilas", "description": "Un nid-de-poule devant l'école",
          "attribute[nature]": "nid_de_poule"}


@pytest.fixture
def api_town(app):
    town = api_commune(app)
    town.key = make_key(app, town.id, scopes=("open311",))
    town.base = f"/c/{town.slug}/open311/v2"
    return town


def _requests(app, commune_id) -> int:
    with in_commune(app, commune_id):
        return db.session.scalar(select(func.count()).select_from(Request))


def test_filing_and_reading_through_open311_send_few_statements(app, client, api_town):
    headers = {"X-API-Key": api_town.key}
    client.post(f"{api_town.base}/requests.json", data=REPORT, headers=headers)  # warm: caches filled
    before = _requests(app, api_town.id)
    with Statements(app) as filing:
        response = client.post(f"{api_town.base}/requests.json", data=REPORT, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    reference = response.get_json()[0]["service_request_id"]
    assert _requests(app, api_town.id) == before + 1
    assert len(filing.sent) <= OPEN311_FILE_MAX, "\n".join(filing.sent)

    with Statements(app) as reading:
        response = client.get(f"{api_town.base}/requests/{reference}.json", headers=headers)
    assert response.status_code == 200
    assert response.get_json()[0]["service_request_id"] == reference
    assert response.get_json()[0]["agency_responsible"] == "Voirie"
    assert len(reading.sent) <= OPEN311_READ_ONE_MAX, "\n".join(reading.sent)
    # Each call still has its audit line, naming the key.
    with in_commune(app, api_town.id):
        lines = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.call")
                                        .order_by(AuditEvent.id.desc()).limit(2)))
    assert [(line.details["key"], line.details["method"], line.details["status"]) for line in lines] == [
        ("Appli signalements", "GET", 200), ("Appli signalements", "POST", 200)]


def test_a_keys_last_use_is_written_once_a_minute_as_it_is_shown(app, client, api_town):
    headers = {"X-API-Key": api_town.key}
    url = f"{api_town.base}/requests.json"
    assert client.get(url, headers=headers).status_code == 200
    with in_commune(app, api_town.id):
        first = db.session.scalar(select(ApiKey.last_used_at))
    assert first is not None
    with Statements(app) as again:
        assert client.get(url, headers=headers).status_code == 200
    # Shown to the minute: a second call within it writes nothing (unless the minute just turned).
    with in_commune(app, api_town.id):
        second = db.session.scalar(select(ApiKey.last_used_at))
    if same_minute(first, utcnow()):
        assert second == first
        assert not [s for s in again.sent if s.lstrip().upper().startswith("UPDATE API_KEY")]
    # Two minutes ago: the next call moves it to now.
    with in_commune(app, api_town.id):
        db.session.execute(update(ApiKey).values(last_used_at=utcnow() - timedelta(minutes=2)))
        db.session.commit()
    assert client.get(url, headers=headers).status_code == 200
    with in_commune(app, api_town.id):
        moved = db.session.scalar(select(ApiKey.last_used_at))
    assert moved.replace(tzinfo=None) > (utcnow() - timedelta(minutes=1)).replace(tzinfo=None)


def test_same_minute_reads_the_minute_shown():
    now = utcnow().replace(second=30)
    assert same_minute(now.replace(second=1), now)
    assert same_minute(now.replace(second=59, tzinfo=None), now)  # SQLite gives naive UTC back
    assert not same_minute(now - timedelta(minutes=1), now)
    assert not same_minute(None, now)


def test_filing_a_demarche_on_the_portal_sends_few_statements(app):
    town = setup_portal_commune(app)
    client = english_client(app)
    verified_citizen(app, client, town)
    url = f"{town.base}/procedures/bacs/file"
    data = {"csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": "Mon bac est cassé", "f_nombre": "2"}
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 302  # warm
    before = _requests(app, town.id)
    with app.app_context(), unscoped():
        attempts = db.session.scalar(select(func.count()).select_from(LoginAttempt))
    with Statements(app) as filing:
        response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert _requests(app, town.id) == before + 1
    with in_commune(app, town.id):
        filed = db.session.scalar(select(Request).order_by(Request.id.desc()))
        assert response.headers["Location"].endswith(f"/portal/my-requests/{filed.id}/filed")
        assert {e.kind for e in filed.events} >= {"created"}
        assert db.session.scalar(select(func.count()).select_from(RequestEvent)
                                 .where(RequestEvent.request_id == filed.id)) >= 1
    with app.app_context(), unscoped():
        # The try still counted for the account's limit (one reservation more).
        assert db.session.scalar(select(func.count()).select_from(LoginAttempt)) == attempts + 1
    assert len(filing.sent) <= PORTAL_FILE_MAX, "\n".join(filing.sent)
