"""The portal's rate limits per source address (grc_core.portal.rate_limits):
a flood of sign-ups, sign-ins, filings or messages from one address is
refused with HTTP 429, ``Retry-After`` and the wait in words, and nothing of
the refused try is stored; the counts live in memory by default and in
Redis — shared by every worker — when ``REDIS_URL`` is set."""
from __future__ import annotations

import pytest
import redis as redis_client
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import CitizenAccount, Message, OutboxMessage, Request
from grc_core.plugin_api.testing import csrf_token
from grc_core.portal import rate_limits
from grc_core.tenancy import unscoped
from tests.portal.portal_support import PASSWORD, english_client, setup_portal_commune, sign_up, verified_citizen

REDIS_URL = "redis://127.0.0.1:6379/13"


@pytest.fixture
def limits(app):
    """Set some limits for the test; the settings are put back after it."""
    saved = dict(app.config["GRC"])

    def set_limits(**values):
        app.config["GRC"].update({f"PORTAL_{name}": value for name, value in values.items()})
        app.extensions.pop(rate_limits.EXTENSION, None)
    yield set_limits
    app.config["GRC"].clear()
    app.config["GRC"].update(saved)
    app.extensions.pop(rate_limits.EXTENSION, None)


def _from(app, address):
    client = english_client(app)
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _count(app, model) -> int:
    with app.app_context(), unscoped():
        return db.session.scalar(select(func.count()).select_from(model))


def _file(client, town, motif="Mon bac est cassé"):
    return client.post(f"{town.base}/procedures/bacs/file", data={
        "csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": motif, "f_nombre": "2"},
        content_type="multipart/form-data")


def _refused(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 429, response.status_code
    assert int(response.headers["Retry-After"]) >= 1
    assert "Too many attempts. Try again in" in page
    return page


def test_a_flood_of_filings_from_one_address_is_limited_whatever_the_account_and_nothing_is_stored(app, limits):
    town = setup_portal_commune(app)
    limits(FILING_LIMIT_PER_ADDRESS="3/hour")
    lea, max_ = _from(app, "203.0.113.7"), _from(app, "203.0.113.7")
    verified_citizen(app, lea, town)
    verified_citizen(app, max_, town, email="max@example.org", first="Max", last="Durand")
    assert [_file(lea, town).status_code for _n in range(2)] == [302, 302]
    assert _file(max_, town).status_code == 302
    before = (_count(app, Request), _count(app, OutboxMessage))
    page = _refused(_file(max_, town, motif="Une de trop"))
    assert "Une de trop" in page  # the citizen's input is kept
    assert (_count(app, Request), _count(app, OutboxMessage)) == before
    # Another address is not slowed down by this one.
    other = _from(app, "198.51.100.4")
    verified_citizen(app, other, town, email="zoe@example.org", first="Zoé", last="Blanc")
    assert _file(other, town).status_code == 302


def test_a_flood_of_sign_ups_for_one_address_is_limited_not_the_communes_other_sign_ups(app, limits):
    town = setup_portal_commune(app)
    robot = _from(app, "203.0.113.8")
    assert [sign_up(robot, town, email=f"robot{n}@example.org").status_code for n in range(5)] == [200] * 5
    _refused(sign_up(robot, town, email="robot5@example.org"))
    assert _count(app, CitizenAccount) == 5
    # The same e-mail address from many addresses: limited too (3 by default).
    statuses = [sign_up(_from(app, f"192.0.2.{n}"), town, email="cible@example.org").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Neither blocks a citizen of the commune signing up from home.
    assert sign_up(_from(app, "198.51.100.9"), town, email="lea@example.org").status_code == 200
    assert _count(app, CitizenAccount) == 7


def test_sign_ins_and_messages_from_one_address_are_limited(app, limits):
    town = setup_portal_commune(app)
    limits(SIGN_IN_LIMIT_PER_ADDRESS="2/15 minutes", MESSAGE_LIMIT_PER_ADDRESS="2/hour")
    lea = _from(app, "203.0.113.9")
    verified_citizen(app, lea, town)
    assert _file(lea, town).status_code == 302
    with app.app_context(), unscoped():
        request_id = db.session.scalar(select(Request.id))
    url = f"{town.base}/my-requests/{request_id}"
    for n in range(2):
        assert lea.post(f"{url}/reply", data={"csrf_token": csrf_token(lea, url), "body": f"Message {n}"}) \
            .status_code == 302
    before = _count(app, Message)
    _refused(lea.post(f"{url}/reply", data={"csrf_token": csrf_token(lea, url), "body": "Encore"}))
    assert _count(app, Message) == before
    guesser = _from(app, "203.0.113.9")
    signin = f"{town.base}/account/sign-in"
    for email in ("a@example.org", "b@example.org"):
        guesser.post(signin, data={"csrf_token": csrf_token(guesser, signin), "email": email, "password": "x" * 12})
    # Even the right password of a real account waits: the address is over its limit.
    _refused(guesser.post(signin, data={"csrf_token": csrf_token(guesser, signin), "email": "lea@example.org",
                                        "password": PASSWORD}))


def test_the_limits_are_counted_in_redis_when_configured_shared_by_every_worker(app, limits):
    store = redis_client.Redis.from_url(REDIS_URL)
    for key in store.scan_iter("LIMITS:*grc_portal*"):
        store.delete(key)
    town = setup_portal_commune(app)
    limits(SIGN_UP_LIMIT_PER_ADDRESS="2/15 minutes")
    app.config["GRC"]["REDIS_URL"] = REDIS_URL
    robot = _from(app, "203.0.113.10")
    assert sign_up(robot, town, email="r1@example.org").status_code == 200
    assert any(store.scan_iter("LIMITS:*grc_portal*")), "the count is in Redis"
    app.extensions.pop(rate_limits.EXTENSION)  # another worker: a limiter of its own, the same Redis
    assert sign_up(robot, town, email="r2@example.org").status_code == 200
    _refused(sign_up(robot, town, email="r3@example.org"))
    assert _count(app, CitizenAccount) == 2
    for key in store.scan_iter("LIMITS:*grc_portal*"):
        store.delete(key)


def test_without_redis_the_limits_are_counted_in_memory(app, limits):
    town = setup_portal_commune(app)
    limits(SIGN_UP_LIMIT_PER_ADDRESS="1/15 minutes")
    robot = _from(app, "203.0.113.11")
    assert sign_up(robot, town, email="r1@example.org").status_code == 200
    storage = app.extensions[rate_limits.EXTENSION].storage
    assert type(storage).__name__ == "MemoryStorage"
    _refused(sign_up(robot, town, email="r2@example.org"))
