"""Optional OpenID Connect sign-in, against a provider the test starts itself
(tests/portal/oidc_provider.py): the happy path creates a verified account
linked by the usual rule; every doubtful answer is refused and stores nothing."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import Citizen, CitizenAccount, Commune
from grc_core.plugin_api.testing import in_commune
from grc_core.tenancy import unscoped
from tests.portal.oidc_provider import Provider
from tests.portal.portal_support import BIRTH, english_client, setup_portal_commune


@pytest.fixture
def provider():
    with Provider() as running:
        yield running


@pytest.fixture
def town(app, provider):
    town = setup_portal_commune(app)
    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), "portal_oidc": provider.settings()}
        db.session.commit()
    return town


def _through_provider(client, town):
    """Start on the portal, let the provider answer, come back: the callback's response."""
    start = client.get(f"{town.base}/account/openid")
    assert start.status_code == 302
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 302
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def _accounts(app) -> int:
    with app.app_context(), unscoped():
        return db.session.scalar(select(func.count()).select_from(CitizenAccount))


def test_the_sign_in_page_offers_the_communes_provider(app, town):
    page = english_client(app).get(f"{town.base}/account/sign-in").get_data(as_text=True)
    assert 'id="oidc-sign-in"' in page and "Sign in with FranceConnect" in page


def test_a_commune_without_provider_has_no_openid_pages(app):
    plain = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    client = english_client(app)
    assert "oidc-sign-in" not in client.get(f"{plain.base}/account/sign-in").get_data(as_text=True)
    assert client.get(f"{plain.base}/account/openid").status_code == 404
    assert client.get(f"{plain.base}/account/openid/callback?code=x&state=y").status_code == 404


def test_signing_in_with_the_provider_creates_a_verified_account_linked_by_the_rule(app, town):
    with in_commune(app, town.id):
        db.session.add(Citizen(first_name="Léa", last_name="Roux", email="lea@example.org", birth_date=BIRTH))
        db.session.commit()
    client = english_client(app)
    response = _through_provider(client, town)
    assert response.status_code == 302 and response.headers["Location"].endswith("/portal/my-requests/")
    assert client.get(f"{town.base}/my-requests/").status_code == 200
    with in_commune(app, town.id):
        account = db.session.scalar(select(CitizenAccount))
        assert (account.email, account.first_name, account.birth_date, account.password_hash) == (
            "lea@example.org", "Léa", BIRTH, "")
        assert account.verified and account.citizen.last_name == "Roux"
    # Again: the same account, signed in.
    assert _through_provider(english_client(app), town).status_code == 302
    assert _accounts(app) == 1


@pytest.mark.parametrize("tamper", [
    {"aud": "another-client"},
    {"nonce": "a-replayed-nonce"},
    {"iss": "https://evil.example"},
    {"exp": 1_000_000_000},
    {"email_verified": False},
    {"email": ""},
])
def test_a_doubtful_id_token_is_refused_and_nothing_stored(app, town, provider, tamper):
    provider.tamper = tamper
    client = english_client(app)
    response = _through_provider(client, town)
    assert response.status_code == 400
    assert "The sign-in did not succeed" in response.get_data(as_text=True)
    assert _accounts(app) == 0
    assert client.get(f"{town.base}/my-requests/").status_code == 302


def test_a_token_signed_by_another_key_is_refused(app, town, provider):
    published = provider.key
    provider.jwks = lambda request: provider._json({"keys": [published.as_dict(private=False)]})
    provider.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)  # a forger's
    response = _through_provider(english_client(app), town)
    assert response.status_code == 400 and _accounts(app) == 0


def test_a_callback_with_another_state_or_without_a_start_is_refused(app, town):
    client = english_client(app)
    assert client.get(f"{town.base}/account/openid/callback?code=x&state=y").status_code == 400
    start = client.get(f"{town.base}/account/openid")
    answer = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    forged = back.query.replace("state=", "state=forged")
    assert client.get(f"{back.path}?{forged}").status_code == 400
    assert _accounts(app) == 0
