"""Citizen accounts on the portal: sign-up with e-mail verification, sign-in,
one-time links, password reset, sign-out, throttling — and the wall between
citizens' and agents' sessions."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import CitizenAccount, OutboxMessage
from grc_core.plugin_api.testing import csrf_token, login, make_agent
from grc_core.portal.session import COOKIE
from grc_core.tenancy import unscoped
from tests.portal.portal_support import (
    PASSWORD, account, english_client, last_link, mails_to, setup_portal_commune, sign_up, use_link, verified_citizen,
)


@pytest.fixture
def client(app):
    return english_client(app)


@pytest.fixture
def town(app):
    return setup_portal_commune(app)


@pytest.fixture
def other_town(app):
    return setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")


def _count(app, model) -> int:
    with app.app_context(), unscoped():
        return db.session.scalar(select(func.count()).select_from(model))


def sign_in(client, town, email, password=PASSWORD, next_url=""):
    return client.post(f"{town.base}/account/sign-in", data={
        "csrf_token": csrf_token(client, f"{town.base}/account/sign-in"), "email": email, "password": password,
        "next": next_url})


def test_sign_up_verify_by_link_and_reach_my_requests(app, client, town):
    response = sign_up(client, town)
    assert response.status_code == 200
    assert "lea@example.org" in response.get_data(as_text=True)
    stored = account(app, town, "lea@example.org")
    assert stored.password_hash.startswith("scrypt:") and not stored.verified
    # Not verified yet: no session, and the password alone does not open one.
    refused = sign_in(client, town, "lea@example.org")
    assert refused.status_code == 403 and "Confirm your e-mail address first" in refused.get_data(as_text=True)
    link = last_link(app, "lea@example.org")
    assert "/c/villeneuve/portal/account/verify/" in link
    # Opening the link (a mail scanner does) uses nothing: the button does.
    assert client.get(link).status_code == 200
    assert not account(app, town, "lea@example.org").verified
    response = use_link(client, link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/c/villeneuve/portal/my-requests/")
    assert client.get_cookie(COOKIE, path="/c/villeneuve/") is not None
    page = client.get(f"{town.base}/my-requests/")
    assert page.status_code == 200 and "You have no request yet." in page.get_data(as_text=True)
    assert account(app, town, "lea@example.org").verified
    # The link works once.
    again = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert again.status_code == 404 and "This link is not valid" in again.get_data(as_text=True)


@pytest.mark.parametrize("changes, field, message", [
    ({"confirm": "autre-mot-de-passe"}, "confirm", "The two passwords differ."),
    ({"password": "court", "confirm": "court"}, "password", "At least 10 characters."),
    ({"email": "pas-une-adresse"}, "email", "Invalid email address."),
    ({"first_name": ""}, "first_name", "This field is required."),
    ({"birth_date": "31/02/1990"}, "birth_date", "Not a valid date value."),
])
def test_bad_sign_up_input_is_shown_next_to_its_field_and_nothing_is_stored(app, client, town, changes, field,
                                                                           message):
    response = sign_up(client, town, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'data-grc-error-for="{field}">{message}</div>' in page
    assert 'value="Roux"' in page or field == "last_name"  # the input is kept
    assert _count(app, CitizenAccount) == 0 and _count(app, OutboxMessage) == 0


def test_a_sign_up_without_csrf_token_or_with_the_honeypot_filled_stores_nothing(app, client, town):
    response = client.post(f"{town.base}/account/sign-up", data={
        "first_name": "Léa", "last_name": "Roux", "birth_date": "1990-04-12", "email": "lea@example.org",
        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 400
    assert sign_up(client, town, website="http://spam.example").status_code == 400
    assert _count(app, CitizenAccount) == 0 and _count(app, OutboxMessage) == 0


def test_signing_up_again_with_a_known_address_says_the_same_and_mails_a_sign_in_link(app, client, town):
    verified_citizen(app, client, town)
    other = english_client(app)
    response = sign_up(other, town, first="Intrus", password="un-autre-mot-de-passe")
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    assert _count(app, CitizenAccount) == 1
    assert "/account/sign-in-link/" in last_link(app, "lea@example.org")
    assert account(app, town, "lea@example.org").first_name == "Léa"


def test_a_flood_of_sign_ups_from_one_address_is_limited_with_a_clear_message(app, town, auth_clock):
    client = english_client(app)
    statuses = [sign_up(client, town, email=f"robot{n}@example.org").status_code for n in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429
    page = sign_up(client, town, email="robot9@example.org").get_data(as_text=True)
    assert "Too many attempts. Try again in" in page
    assert _count(app, CitizenAccount) == 5


def test_sign_in_with_password_wrong_password_and_throttling(app, town, auth_clock):
    client = english_client(app)
    verified_citizen(app, client, town)
    fresh = english_client(app)
    wrong = sign_in(fresh, town, "lea@example.org", "mauvais-mot-de-passe")
    assert wrong.status_code == 401 and "Unknown e-mail address or wrong password." in wrong.get_data(as_text=True)
    unknown = sign_in(fresh, town, "personne@example.org")
    assert unknown.status_code == 401 and "Unknown e-mail address or wrong password." in unknown.get_data(as_text=True)
    for _attempt in range(5):
        sign_in(fresh, town, "lea@example.org", "mauvais-mot-de-passe")
    throttled = sign_in(fresh, town, "lea@example.org")  # even the right password waits
    assert throttled.status_code == 429 and "Too many attempts" in throttled.get_data(as_text=True)
    auth_clock.advance(minutes=16)
    response = sign_in(fresh, town, "lea@example.org", next_url=f"{town.base}/procedures/bacs")
    assert response.status_code == 302 and response.headers["Location"] == f"{town.base}/procedures/bacs"
    assert fresh.get(f"{town.base}/my-requests/").status_code == 200


def test_an_off_site_next_is_ignored(app, client, town):
    verified_citizen(app, client, town)
    fresh = english_client(app)
    response = sign_in(fresh, town, "lea@example.org", next_url="https://evil.example/")
    assert response.headers["Location"].endswith("/c/villeneuve/portal/my-requests/")


def test_one_time_sign_in_link(app, client, town, auth_clock):
    verified_citizen(app, client, town)
    fresh = english_client(app)
    asked = fresh.post(f"{town.base}/account/sign-in-link", data={
        "csrf_token": csrf_token(fresh, f"{town.base}/account/sign-in-link"), "email": "LEA@example.org"})
    assert asked.status_code == 200
    link = last_link(app, "lea@example.org")
    assert "/account/sign-in-link/" in link
    assert use_link(fresh, link).status_code == 302
    assert fresh.get(f"{town.base}/my-requests/").status_code == 200
    assert use_link(english_client(app), link).status_code == 404  # used
    # An expired one is refused too.
    fresh.post(f"{town.base}/account/sign-in-link", data={
        "csrf_token": csrf_token(fresh, f"{town.base}/account/sign-in-link"), "email": "lea@example.org"})
    auth_clock.advance(minutes=21)
    assert use_link(english_client(app), last_link(app, "lea@example.org")).status_code == 404


def test_asking_a_link_for_an_unknown_address_looks_the_same_and_sends_nothing(app, client, town):
    response = client.post(f"{town.base}/account/sign-in-link", data={
        "csrf_token": csrf_token(client, f"{town.base}/account/sign-in-link"), "email": "inconnu@example.org"})
    assert response.status_code == 200 and "Check your e-mail" in response.get_data(as_text=True)
    assert mails_to(app, "inconnu@example.org") == []


def test_password_reset_changes_the_password_and_ends_other_sessions(app, client, town):
    verified_citizen(app, client, town)
    assert client.get(f"{town.base}/my-requests/").status_code == 200
    other = english_client(app)
    other.post(f"{town.base}/account/forgotten-password", data={
        "csrf_token": csrf_token(other, f"{town.base}/account/forgotten-password"), "email": "lea@example.org"})
    link = last_link(app, "lea@example.org")
    assert "/account/new-password/" in link
    short = other.post(link, data={"csrf_token": csrf_token(other, link), "password": "court", "confirm": "court"})
    assert short.status_code == 400 and "At least 10 characters." in short.get_data(as_text=True)
    done = other.post(link, data={"csrf_token": csrf_token(other, link), "password": "nouveau-mot-de-passe",
                                  "confirm": "nouveau-mot-de-passe"})
    assert done.status_code == 302
    # The older session (and any copied cookie) is over; the new one works.
    assert client.get(f"{town.base}/my-requests/").status_code == 302
    assert other.get(f"{town.base}/my-requests/").status_code == 200
    assert sign_in(english_client(app), town, "lea@example.org").status_code == 401
    assert sign_in(english_client(app), town, "lea@example.org", "nouveau-mot-de-passe").status_code == 302
    again = other.post(link, data={"csrf_token": csrf_token(other, link), "password": "encore-un-autre-mdp",
                                   "confirm": "encore-un-autre-mdp"})
    assert again.status_code == 404


def test_signing_out_kills_the_cookie_even_a_copied_one(app, client, town):
    verified_citizen(app, client, town)
    copied = client.get_cookie(COOKIE, path="/c/villeneuve/").value
    response = client.post(f"{town.base}/account/sign-out", data={"csrf_token": csrf_token(client, f"{town.base}/")})
    assert response.status_code == 302
    thief = english_client(app)
    thief.set_cookie(COOKIE, copied, path="/c/villeneuve/")
    assert thief.get(f"{town.base}/my-requests/").status_code == 302
    # Signing out needs the form's token.
    assert client.post(f"{town.base}/account/sign-out").status_code == 400


def test_links_and_sessions_belong_to_one_commune(app, client, town, other_town):
    sign_up(client, town)
    link = last_link(app, "lea@example.org")
    foreign = link.replace("/c/villeneuve/", "/c/saint-aubin/")
    assert use_link(client, foreign).status_code == 404
    assert not account(app, town, "lea@example.org").verified
    assert use_link(client, link).status_code == 302
    cookie = client.get_cookie(COOKIE, path="/c/villeneuve/").value
    visitor = english_client(app)
    visitor.set_cookie(COOKIE, cookie, path="/c/saint-aubin/")
    assert visitor.get(f"{other_town.base}/my-requests/").status_code == 302
    # The same address may have an account in each commune, separately.
    assert sign_up(client, other_town).status_code == 200
    assert account(app, other_town, "lea@example.org") is not None


def test_an_agent_session_never_opens_the_portal_and_a_citizen_session_never_the_back_office(app, town):
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    agent = english_client(app)
    login(agent, "agent@villeneuve.fr")
    assert agent.get("/admin/").status_code == 200
    response = agent.get(f"{town.base}/my-requests/")
    assert response.status_code == 302 and "/portal/account/sign-in" in response.headers["Location"]
    citizen = english_client(app)
    verified_citizen(app, citizen, town)
    assert citizen.get(f"{town.base}/my-requests/").status_code == 200
    back_office = citizen.get("/admin/")
    assert back_office.status_code == 302 and "/login" in back_office.headers["Location"]
    # A forged cookie (another key) is nobody.
    forged = english_client(app)
    forged.set_cookie(COOKIE, "eyJhIjoxLCJjIjoxLCJlIjowfQ.forged.signature", path="/c/villeneuve/")
    assert forged.get(f"{town.base}/my-requests/").status_code == 302
