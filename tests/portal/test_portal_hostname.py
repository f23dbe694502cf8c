"""The portal on a commune's own hostname (grc_core.tenancy.addresses):
every page at ``/portal/…`` there, every link of its pages and of its
messages in that form, a session that stays on its host, and nothing of
another commune — by its slug or by its tokens — on that host."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Commune, Request
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent, post_form, login
from grc_core.portal.anonymous import SETTING
from grc_core.portal.session import COOKIE
from tests.portal.portal_pages import INTERNAL_NOTE, PAGES, build_site
from tests.portal.portal_support import (
    english_client, hostname_of, last_link, mails_to, setup_portal_commune, sign_up, verified_citizen,
)
from tests.portal.test_portal_anonymous import TRACK, _filed, _link

A_HOST, B_HOST = hostname_of("villeneuve"), hostname_of("saint-aubin")
HREF = re.compile(r'(?:href|action)="([^"]+)"')


def portal_links(page: str) -> list[str]:
    """The page's links and form targets that lead into a portal (not its assets)."""
    return [url for url in HREF.findall(page) if "/portal" in url and "/static/" not in url]


@pytest.fixture
def towns(app):
    a = setup_portal_commune(app, on_hostname=True)
    b = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", on_hostname=True)
    return a, b


def test_every_portal_page_answers_on_the_hostname_with_hostname_links_only(app):
    """The walk of tests/portal/portal_pages.py, on the commune's hostname:
    each page answers as on the slug address, and none of its links leads
    back to ``/c/<slug>/``."""
    site = build_site(app, hostname=A_HOST)
    assert site.base == "/portal" and site.verify_link.startswith("/account/verify/")
    visitor = english_client(app)
    walked = 0
    for entry in PAGES:
        client = site.citizen if entry.signed_in else visitor
        response = client.get(site.origin + site.base + entry.path(site))
        # A page a form answers is reached by its GET first (the browser walk posts it).
        expected = entry.status if entry.post is None else 200
        assert response.status_code == expected, (entry.name, response.status_code)
        page = response.get_data(as_text=True)
        assert INTERNAL_NOTE not in page, entry.name
        if entry.shows and entry.post is None:
            assert entry.shows(site) in page, entry.name
        links = portal_links(page)
        assert links, entry.name
        # The portal's own pages, and a plugin's portal routes (/<plugin>/portal/…, e.g. a survey's answer).
        assert not [url for url in links if "/c/" in url or not (url.startswith(("/portal", "#"))
                                                                 or re.match(r"/[a-z_]+/portal/", url))], \
            (entry.name, links)
        walked += 1
    assert walked == len(PAGES)


def test_the_public_home_on_the_hostname_links_to_its_portal_there(app, towns):
    page = english_client(app).get("/", base_url=f"http://{A_HOST}").get_data(as_text=True)
    assert 'href="/portal/"' in page and "/c/villeneuve/portal" not in page
    catalogue = english_client(app).get(f"http://{A_HOST}/portal/").get_data(as_text=True)
    assert 'href="/"' in catalogue  # its footer's way back to the commune's home, on the same host


def test_the_hostname_address_answers_only_on_a_communes_own_host(app, towns):
    client = english_client(app)
    for url in ("/portal/", "/portal/account/sign-in", "http://unknown.example/portal/",
                "http://unknown.example/portal/procedures/bacs"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"http://{A_HOST}/portal/").status_code == 200
    # Unknown pages under /portal/ on the host: the portal's own 404 page, in its layout.
    missing = client.get(f"http://{A_HOST}/portal/no-such-page")
    assert missing.status_code == 404 and 'href="/portal/"' in missing.get_data(as_text=True)


def test_the_slug_address_still_works_and_another_communes_slug_is_unknown_on_a_host(app, towns):
    a, b = towns
    client = english_client(app)
    # The platform's host: the slug address, its links in the hostname's form are not needed there.
    assert client.get("/c/villeneuve/portal/").status_code == 200
    assert client.get("/c/saint-aubin/portal/procedures/bacs").status_code == 200
    # A's hostname with B's slug: nothing of B, whatever the page.
    for path in ("/", "/procedures/bacs", "/procedures/bacs/file", "/account/sign-in", "/my-requests/",
                 "/account/preferences", "/no-such-page"):
        response = client.get(f"http://{A_HOST}/c/saint-aubin/portal{path}")
        assert response.status_code == 404, path
        assert "Saint-Aubin" not in response.get_data(as_text=True), path
    # A's own slug on A's host is A's portal, with its links in the hostname's form.
    page = client.get(f"http://{A_HOST}/c/villeneuve/portal/").get_data(as_text=True)
    assert "Villeneuve-sur-Loire" in page and not [u for u in portal_links(page) if "/c/" in u]


def test_a_session_of_one_communes_host_never_signs_in_on_anothers(app, towns):
    a, b = towns
    client = english_client(app)
    response = verified_citizen(app, client, a)
    cookie = response.headers["Set-Cookie"]
    # A host-only cookie (no Domain): the browser sends it to A's host alone.
    assert cookie.startswith(f"{COOKIE}=") and "Domain" not in cookie and "Path=/;" in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    assert client.get(f"{a.base}/my-requests/").status_code == 200
    # The same cookie on B's host (copied by hand: a browser would not send it) signs nobody in.
    stranger = english_client(app)
    stranger.set_cookie(COOKIE, value, domain=B_HOST, path="/")
    response = stranger.get(f"{b.base}/my-requests/")
    assert response.status_code == 302 and "/portal/account/sign-in" in response.headers["Location"]
    # Nor does the client that holds it, on B's host.
    response = client.get(f"{b.base}/my-requests/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/portal/account/sign-in")


def test_a_token_of_another_commune_is_unknown_on_a_host(app, towns):
    a, b = towns
    for town in (a, b):
        with in_commune(app, town.id):
            commune = db.session.get(Commune, town.id)
            commune.settings = {**(commune.settings or {}), SETTING: True}
            db.session.commit()
    citizen = english_client(app)
    _request_id, track_b = _filed(app, citizen, b)
    assert track_b.startswith(f"http://{B_HOST}/portal/track/")
    assert citizen.get(track_b).status_code == 200
    token = track_b.rsplit("/", 1)[1]
    for url in (f"{a.base}/track/{token}", f"http://{A_HOST}/c/saint-aubin/portal/track/{token}"):
        response = citizen.get(url)
        assert response.status_code == 404, url
        assert "Saint-Aubin" not in response.get_data(as_text=True)
    # B's password-reset link on A's host: unknown there too, and it still works on B's.
    verified_citizen(app, english_client(app), b, email="zoe@example.org", first="Zoé", last="Blanc")
    asker = english_client(app)
    asker.post(f"{b.base}/account/forgotten-password", data={
        "csrf_token": csrf_token(asker, f"{b.base}/account/forgotten-password"), "email": "zoe@example.org"})
    reset = last_link(app, "zoe@example.org")
    assert reset.startswith(f"http://{B_HOST}/portal/account/new-password/")
    on_a = reset.replace(B_HOST, A_HOST)
    data = {"csrf_token": csrf_token(asker, on_a), "password": "p" * 14, "confirm": "p" * 14}
    assert asker.post(on_a, data=data).status_code == 404
    data["csrf_token"] = csrf_token(asker, reset)
    assert asker.post(reset, data=data).status_code == 302


def test_every_e_mailed_link_is_on_the_hostname_even_when_asked_on_the_slug_address(app, towns):
    """Verification, sign-in link, reset, filing confirmation, tracking link
    and the agent's invitation: one builder, the commune's hostname."""
    a, _b = towns
    with in_commune(app, a.id):
        commune = db.session.get(Commune, a.id)
        commune.settings = {**(commune.settings or {}), SETTING: True}
        db.session.commit()
    slug_address = a.base.replace(f"http://{A_HOST}/portal", "/c/villeneuve/portal")
    client = english_client(app)
    slugged = type(a)(**{**vars(a), "base": slug_address})
    assert sign_up(client, slugged).status_code == 200
    assert last_link(app, "lea@example.org").startswith(f"http://{A_HOST}/portal/account/verify/")
    verified_citizen(app, english_client(app), a, email="max@example.org", first="Max", last="Durand")
    for path, kind in (("/account/sign-in-link", "sign-in-link"), ("/account/forgotten-password", "new-password")):
        client.post(f"{slug_address}{path}", data={
            "csrf_token": csrf_token(client, f"{slug_address}{path}"), "email": "max@example.org"})
        assert last_link(app, "max@example.org").startswith(f"http://{A_HOST}/portal/account/{kind}/")
    visitor = english_client(app)
    _request_id, track = _filed(app, visitor, slugged, email="lea@example.org")
    assert track.startswith(f"http://{A_HOST}/portal/track/")
    confirmation = [m.body for m in mails_to(app, "lea@example.org") if "/filing/confirm/" in m.body][-1]
    assert f"http://{A_HOST}/portal/filing/confirm/" in confirmation and "/c/villeneuve" not in confirmation
    # The agent's invitation, sent from the back office on the platform's host.
    make_agent(app, a.id, "agent@villeneuve.fr", "agent")
    agent = english_client(app)
    login(agent, "agent@villeneuve.fr")
    with in_commune(app, a.id):
        from grc_core.models import Citizen

        citizen = Citizen(first_name="Paul", last_name="Petit", email="paul@example.org")
        db.session.add(citizen)
        db.session.commit()
        citizen_id = citizen.id
    post_form(agent, f"/admin/citizens/{citizen_id}/portal-invitation", {})
    invitation, = mails_to(app, "paul@example.org")
    assert f"http://{A_HOST}/portal/account/sign-up?" in invitation.body


def test_the_tracking_link_shown_after_confirming_is_on_the_hostname(app, towns):
    a, _b = towns
    with in_commune(app, a.id):
        commune = db.session.get(Commune, a.id)
        commune.settings = {**(commune.settings or {}), SETTING: True}
        db.session.commit()
    visitor = english_client(app)
    from tests.portal.test_portal_anonymous import CONFIRM, _file

    assert _file(visitor, a).status_code == 200
    confirm = _link(app, CONFIRM)
    page = visitor.post(confirm, data={"csrf_token": csrf_token(visitor, confirm)}).get_data(as_text=True)
    shown = re.search(r"http://[^\s\"<]+/portal/track/[A-Za-z0-9_-]+", page).group(0)
    assert shown == _link(app, TRACK) and shown.startswith(f"http://{A_HOST}/portal/track/")
    with in_commune(app, a.id):
        assert db.session.scalar(select(Request.id)) is not None
