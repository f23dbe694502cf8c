"""The citizens' portal, walked like the back office (test_object_routes):
every portal route that takes an id is called, GET and POST, with the ids of
one citizen's objects:

- by another citizen of the same commune;
- by a citizen of another commune, on his own commune's URL and on the
  first commune's;
- by the first commune's administrator (an agent session is nobody on the
  portal);

All get 404 (the agent: the portal's sign-in page), and the database is
unchanged. The control: the owner opens each GET page (200). A new id route
of the portal is walked as soon as it exists; an id argument this test
cannot fill fails it, naming the route.

Each walk runs on both addresses of a portal (grc_core.tenancy.addresses):
``/c/<slug>/portal/`` on the platform's host, and ``/portal/`` on each
commune's own hostname — where "another commune's URL" is its hostname.
"""
from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Commune, Request, TrackingLink, utcnow
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent
from grc_core.portal.anonymous import SETTING
from grc_core.portal.tokens import digest
from grc_core.portal.views import PRIVATE_LINK_ENDPOINTS
from grc_core.tenancy import unscoped
from grc_core.tenancy.addresses import HOSTNAME_ENDPOINTS
from tests.portal.portal_support import (
    ADDRESS_FORMS, english_client, hostname_of, setup_portal_commune, verified_citizen,
)
from tests.portal.test_portal_anonymous import CONFIRM, _file, _filed, _link

LOGS = {"audit_event", "login_attempt"}


def _fingerprint(app) -> dict[str, str]:
    out = {}
    with app.app_context(), unscoped():
        db.session.rollback()
        for table in db.metadata.sorted_tables:
            if table.name in LOGS:
                continue
            rows = db.session.execute(table.select()).all()
            out[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def _portal_rules(app, on_hostname):
    """The portal's rules of one address form."""
    # Every endpoint the core serves in both forms (grc_core.tenancy.addresses): the portal's and the plugins'.
    both_forms = app.extensions[HOSTNAME_ENDPOINTS]
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint in both_forms and ("commune_slug" not in rule.arguments) == on_hostname]


# Plugins with portal routes of their own: active in both communes, so that their routes refuse by
# their own checks rather than by the plugin being off.
PORTAL_PLUGINS = ("enquetes",)


def _portal_id_rules(app, on_hostname):
    return [rule for rule in _portal_rules(app, on_hostname) if any(name.endswith("_id") for name in rule.arguments)]


def _url(rule, values, slug, on_hostname):
    """The rule's address for the commune ``slug``, in the rule's form."""
    if on_hostname:
        return f"http://{hostname_of(slug)}" + rule.build(values, append_unknown=False)[1]
    return rule.build({**values, "commune_slug": slug}, append_unknown=False)[1]


@ADDRESS_FORMS
def test_every_portal_id_route_refuses_other_citizens_other_communes_and_agents(app, on_hostname):
    a = setup_portal_commune(app, on_hostname=on_hostname)
    b = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", on_hostname=on_hostname)
    make_agent(app, a.id, "admin@a.fr", "admin")
    from grc_core.tenancy.activation import enable_plugin

    for town in (a, b):
        with in_commune(app, town.id):
            for plugin in PORTAL_PLUGINS:
                if plugin in app.extensions["grc"].names:
                    enable_plugin(db.session.get(Commune, town.id), plugin)
            db.session.commit()
    owner, neighbour, foreigner = english_client(app), english_client(app), english_client(app)
    verified_citizen(app, owner, a)
    verified_citizen(app, neighbour, a, email="max@example.org", first="Max", last="Durand")
    verified_citizen(app, foreigner, b, email="lea@example.org")  # the same person, in the other commune
    token = csrf_token(owner, f"{a.base}/")
    response = owner.post(f"{a.base}/procedures/bacs/file", data={
        "csrf_token": token, "f_motif": "Bac cassé", "attachments": (io.BytesIO(b"%PDF-1.4 x"), "bac.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with in_commune(app, a.id):
        ids = {"request_id": list(db.session.scalars(select(Request.id)))}
    agent = english_client(app)
    login(agent, "admin@a.fr")
    rules = _portal_id_rules(app, on_hostname)
    assert rules, "the portal has id routes"
    unknown = sorted({(rule.rule, name) for rule in rules for name in rule.arguments
                      if name.endswith("_id") and name not in ids})
    assert not unknown, f"give this test rows for these id arguments: {unknown}"
    # A CSRF token per client and address: on its own hostname, each commune's host has its own session.
    bases = {a.slug: a.base, b.slug: b.base}
    calls = ((neighbour, a.slug), (foreigner, b.slug), (foreigner, a.slug), (agent, a.slug))
    tokens = {(id(client), slug): csrf_token(client, f"{bases[slug]}/") for client, slug in calls}
    before = _fingerprint(app)
    refused = 0
    for rule in rules:
        for value in ids["request_id"]:
            values = {name: value for name in rule.arguments if name.endswith("_id")}
            for client, slug in calls:
                url = _url(rule, values, slug, on_hostname)
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, data={"csrf_token": tokens[id(client), slug], "body": "intrus",
                                                          "attachments": (io.BytesIO(b"%PDF-1.4"), "x.pdf")},
                                               content_type="multipart/form-data")
                    if client is agent or (client is foreigner and slug == a.slug):
                        # Nobody on this commune's portal: sent to its sign-in page.
                        assert response.status_code == 302 and "/portal/account/sign-in" in \
                            response.headers["Location"], (method, url, response.status_code)
                    else:
                        assert response.status_code == 404, (method, url, response.status_code)
                    refused += 1
            if "GET" in rule.methods:
                url = _url(rule, values, a.slug, on_hostname)
                assert owner.get(url).status_code == 200, url
    assert refused >= 12
    assert _fingerprint(app) == before


@pytest.mark.parametrize("bad", ["0", "-1", "x", str(2 ** 64)])
def test_bad_ids_on_the_portal_are_404(app, bad):
    a = setup_portal_commune(app)
    client = english_client(app)
    verified_citizen(app, client, a)
    for path in (f"/my-requests/{bad}", f"/my-requests/{bad}/filed"):
        assert client.get(f"{a.base}{path}").status_code == 404


# Every portal route, by endpoint: the calls the leak walk makes. A new
# route fails the walk until it has its row here. ``{request_id}`` is the
# owner's request, ``{token}`` an e-mailed link of the owner's.
ROUTES = {
    "portal.catalogue_page": [("GET", "/", {}), ("GET", "/?q=aide", {})],
    "portal.demarche": [("GET", "/procedures/bacs", {}), ("GET", "/procedures/{ccas}", {})],
    "portal.file": [("GET", "/procedures/bacs/file", {}), ("GET", "/procedures/{ccas}/file", {}),
                    ("POST", "/procedures/{ccas}/file", {"f_motif": "x"})],
    "portal.filed": [("GET", "/my-requests/{request_id}/filed", {})],
    "portal.sign_up": [("GET", "/account/sign-up", {})],
    "portal.verify": [("GET", "/account/verify/{token}", {}), ("POST", "/account/verify/{token}", {})],
    "portal.sign_in": [("GET", "/account/sign-in", {}),
                       ("POST", "/account/sign-in", {"email": "lea@example.org", "password": "x" * 12})],
    "portal.oidc_start": [("GET", "/account/openid", {})],
    "portal.oidc_callback": [("GET", "/account/openid/callback?state=x&code=y", {})],
    "portal.ask_sign_in_link": [("GET", "/account/sign-in-link", {}),
                                ("POST", "/account/sign-in-link", {"email": "lea@example.org"})],
    "portal.forgotten_password": [("GET", "/account/forgotten-password", {})],
    "portal.use_sign_in_link": [("GET", "/account/sign-in-link/{token}", {}),
                                ("POST", "/account/sign-in-link/{token}", {})],
    "portal.reset_password": [("GET", "/account/new-password/{token}", {}),
                              ("POST", "/account/new-password/{token}", {"password": "p" * 12,
                                                                         "confirm": "p" * 12})],
    "portal.sign_out": [("POST", "/account/sign-out", {})],
    "portal.my_requests": [("GET", "/my-requests/", {})],
    "portal.request_page": [("GET", "/my-requests/{request_id}", {})],
    "portal.reply": [("POST", "/my-requests/{request_id}/reply", {"body": "intrus"})],
    # The private links: a forged token on A's address, the owner's live e-mailed token on B's.
    "portal.confirm_filing": [("GET", "/filing/confirm/{token}", {}), ("POST", "/filing/confirm/{token}", {})],
    "portal.track": [("GET", "/track/{token}", {})],
    "portal.track_reply": [("POST", "/track/{token}/reply", {"body": "intrus"})],
    "portal.track_revoke": [("POST", "/track/{token}/revoke", {})],
    "portal.preferences": [("GET", "/account/preferences", {}),
                           ("POST", "/account/preferences", {"channel": "email", "language": "en"})],
    "portal.unsubscribe": [("GET", "/unsubscribe/{token}", {}), ("POST", "/unsubscribe/{token}", {})],
}


@ADDRESS_FORMS
def test_every_portal_route_shows_nothing_of_another_citizen_commune_internal_note_or_ccas(app, on_hostname):
    """Two citizens of commune A (the owner and a neighbour), one of commune
    B, and nobody: every portal route, on A's and on B's address, shows none
    of the owner's request (but to her), of its internal note, of commune B's
    requests, nor of a confidential (CCAS) type — even one an administrator
    opened to the web by mistake."""
    from grc_core.models import Commune, RequestType
    from grc_core.requests.confidentiality import confidential_types
    from grc_core.requests.service import add_message
    from grc_core.tenancy.activation import enable_plugin
    from tests.portal.portal_support import last_link

    unknown = sorted({rule.endpoint for rule in app.url_map.iter_rules()
                      if rule.endpoint.startswith("portal.")} - set(ROUTES))
    assert not unknown, f"give the leak walk rows for these portal routes: {unknown}"
    if "social" not in app.extensions["grc"].names:
        pytest.skip("the CCAS plugin (social) is not loaded")
    a = setup_portal_commune(app, on_hostname=on_hostname)
    b = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", on_hostname=on_hostname)
    make_agent(app, a.id, "admin@a.fr", "admin")
    with in_commune(app, a.id):
        enable_plugin(db.session.get(Commune, a.id), "social")
        db.session.flush()
        secret = confidential_types(db.session.get(Commune, a.id))
        ccas_types = list(db.session.scalars(select(RequestType).where(RequestType.code.in_(secret))))
        assert ccas_types
        for ccas in ccas_types:
            ccas.channels = [*ccas.channels, "web"]
        ccas_labels = [ccas.label for ccas in ccas_types]
        ccas_code = ccas_types[0].code
        db.session.commit()
    owner, neighbour, foreigner = english_client(app), english_client(app), english_client(app)
    verified_citizen(app, owner, a)
    verified_citizen(app, neighbour, a, email="max@example.org", first="Max", last="Durand")
    verified_citizen(app, foreigner, b, email="zoe@example.org", first="Zoé", last="Blanc")
    for client, town, motif in ((owner, a, "Motif-de-Lea-A"), (foreigner, b, "Motif-de-Zoe-B")):
        response = client.post(f"{town.base}/procedures/bacs/file", data={
            "csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": motif}, content_type="multipart/form-data")
        assert response.status_code == 302
    with in_commune(app, a.id):
        from grc_core.models import User

        request = db.session.scalar(select(Request))
        admin = db.session.scalar(select(User).where(User.email == "admin@a.fr"))
        add_message(request, "Note-interne-A", public=False, actor=admin)
        add_message(request, "Message-public-A", public=True, actor=admin)
        request_id, reference = request.id, request.reference
    owner.post(f"{a.base}/account/forgotten-password", data={
        "csrf_token": csrf_token(owner, f"{a.base}/account/forgotten-password"), "email": "lea@example.org"})
    token = last_link(app, "lea@example.org").rsplit("/", 1)[1]
    owners_own = ["Motif-de-Lea-A", "Message-public-A"]
    never = ["Note-interne-A", "Motif-de-Zoe-B", *ccas_labels]
    anonymous = english_client(app)
    walked = 0
    # Her reference too on A's address (on B's, B's own first request has the same number).
    others = never + owners_own
    for client, slug, hidden in ((owner, a.slug, never), (neighbour, a.slug, [*others, reference]),
                                 (foreigner, a.slug, [*others, reference]), (foreigner, b.slug, others),
                                 (anonymous, a.slug, [*others, reference])):
        base = {a.slug: a.base, b.slug: b.base}[slug]
        for endpoint, calls in ROUTES.items():
            if endpoint == "portal.sign_out":
                continue  # walked last: it ends the session the other calls need
            for method, path, data in calls:
                url = base + path.format(request_id=request_id, token="x" * 43 if slug == a.slug else token,
                                         ccas=ccas_code)
                if method == "GET":
                    response = client.get(url)
                else:
                    response = client.post(url, data={"csrf_token": csrf_token(client, f"{base}/"), **data},
                                           content_type="multipart/form-data")
                page = response.get_data(as_text=True) + response.headers.get("Location", "")
                shown = [text for text in hidden if text in page]
                assert not shown, (endpoint, method, url, client is owner, shown)
                walked += 1
        response = client.post(f"{base}/account/sign-out", data={"csrf_token": csrf_token(client, f"{base}/")})
        assert response.status_code in (302, 400)
    assert walked >= 5 * 20
    # The control: the owner sees her own request where the others saw nothing.
    control = english_client(app)
    verified_citizen(app, control, a, email="lea@example.org")
    page = control.get(f"{a.base}/my-requests/{request_id}").get_data(as_text=True)
    assert "Message-public-A" in page and reference in page
@ADDRESS_FORMS
def test_every_private_link_route_refuses_other_communes_revoked_and_forged_tokens(app, on_hostname):
    """The routes opened by a token (tracking link, a filing's verification
    link) instead of an id: another commune's live token, a revoked one and
    forged ones are refused (404), GET and POST, and nothing changes. A GET of
    a verification link only shows its button (mail scanners), whatever the token."""
    a = setup_portal_commune(app, on_hostname=on_hostname)
    b = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin", on_hostname=on_hostname)
    for town in (a, b):
        with in_commune(app, town.id):
            commune = db.session.get(Commune, town.id)
            commune.settings = {**(commune.settings or {}), SETTING: True}
            db.session.commit()
    citizen_of_b = english_client(app)
    _request_id, track_b = _filed(app, citizen_of_b, b)
    assert _file(citizen_of_b, b, email="lea@example.org").status_code == 200  # held, not verified
    confirm_b = _link(app, CONFIRM).rsplit("/", 1)[1]
    revoked = "r" * 43
    with in_commune(app, b.id):
        db.session.add(TrackingLink(request_id=_request_id, token_hash=digest(revoked), revoked_at=utcnow()))
        db.session.commit()
    tokens = [track_b.rsplit("/", 1)[1], confirm_b, revoked, "A" * 43, "x", "%00" * 30]
    rules = [rule for rule in _portal_rules(app, on_hostname) if rule.endpoint in PRIVATE_LINK_ENDPOINTS]
    assert len(rules) == len(PRIVATE_LINK_ENDPOINTS)
    stranger = english_client(app)
    csrf = csrf_token(stranger, f"{a.base}/")
    before = _fingerprint(app)
    for rule in rules:
        for token in tokens:
            url = _url(rule, {"token": "TOKEN"}, a.slug, on_hostname).replace("TOKEN", token)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                if method == "GET":
                    response = stranger.get(url)
                    assert response.status_code == (200 if rule.endpoint == "portal.confirm_filing" else 404), url
                else:
                    response = stranger.post(url, data={"csrf_token": csrf, "body": "intrus"})
                    assert response.status_code == 404, (url, response.status_code)
    assert _fingerprint(app) == before
    # The control: B's own tracking link opens B's request on B's portal.
    assert citizen_of_b.get(track_b).status_code == 200
