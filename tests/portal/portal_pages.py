"""Every page type of the citizens' portal, in one place: the browser checks
(tests/browser/test_portal_pages.py: axe-core, 360 and 1366 px, same-origin
assets, weight, English) walk this list. A new portal page is checked by
adding a row here: its address, who sees it, the selector of its main
action and, for a page that answers a form, the steps that post it.

:func:`build_site` makes what the rows open: a commune with a démarche open
online, a citizen with a request, its messages (one a 5,000-character word,
one an internal note), and the e-mailed links of each kind.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Request, User
from grc_core.plugin_api.testing import csrf_token, in_commune, make_agent
from grc_core.requests.service import add_message
from tests.portal.portal_support import PASSWORD, english_client, last_link, setup_portal_commune, verified_citizen

LONG_WORD = "m" * 5000
INTERNAL_NOTE = "Note interne : ne pas montrer"
EMAIL = "lea@example.org"


@dataclass(frozen=True)
class PortalPage:
    name: str
    path: Callable[[SimpleNamespace], str]  # under the commune's portal
    action: str  # the main action (or the heading, where there is none), visible at every width
    signed_in: bool = False
    # For the page a form answers: fill and post it (``page``, the site).
    post: Callable | None = None
    status: int = 200
    # Text the page must show (a check that the right state was reached).
    shows: Callable[[SimpleNamespace], str] | None = None


def _submit(page, _site):
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()


def _fill_and_submit(**fields):
    def post(page, site):
        for selector, value in fields.items():
            page.fill(f"#{selector}", value.format(site=site))
        _submit(page, site)
    return post


def _twice(post):
    def both(page, site):
        post(page, site)
        page.go_back()
        post(page, site)
    return both


def _answer_survey(page, _site):
    page.locator("#score-4").check(force=True)
    page.locator("#survey-form button[type=submit]").click()
    page.wait_for_load_state()


MAIN_BUTTON = "main .btn-primary"
HEADING = "main h1"

PAGES = [
    PortalPage("catalogue", lambda s: "/", "main a[href$='/procedures/bacs']"),
    PortalPage("catalogue-search", lambda s: "/?q=bacs", "main a[href$='/procedures/bacs']"),
    PortalPage("catalogue-nothing-found", lambda s: "/?q=zzzz", "main #q"),
    PortalPage("demarche", lambda s: "/procedures/bacs", MAIN_BUTTON),
    PortalPage("sign-up", lambda s: "/account/sign-up", MAIN_BUTTON),
    PortalPage("sign-up-errors", lambda s: "/account/sign-up", MAIN_BUTTON, post=_submit, status=400),
    PortalPage("check-email", lambda s: "/account/sign-up", HEADING, status=200, post=_fill_and_submit(
        first_name="Max", last_name="Durand", birth_date="1985-02-03", email="max@example.org",
        password=PASSWORD, confirm=PASSWORD)),
    PortalPage("sign-in", lambda s: "/account/sign-in", MAIN_BUTTON),
    PortalPage("sign-in-wrong-password", lambda s: "/account/sign-in", MAIN_BUTTON, status=401,
               post=_fill_and_submit(email="personne@example.org", password="pas-le-bon-mot")),
    PortalPage("sign-in-link", lambda s: "/account/sign-in-link", MAIN_BUTTON),
    PortalPage("forgotten-password", lambda s: "/account/forgotten-password", MAIN_BUTTON),
    # The sign-in links limit is one an hour for this walk: the second is refused (429).
    PortalPage("too-many-tries", lambda s: "/account/forgotten-password", MAIN_BUTTON, status=429,
               post=_twice(_fill_and_submit(email=EMAIL))),
    PortalPage("verify", lambda s: s.verify_link, MAIN_BUTTON),
    PortalPage("use-sign-in-link", lambda s: s.sign_in_link, MAIN_BUTTON),
    PortalPage("new-password", lambda s: s.reset_link, MAIN_BUTTON),
    PortalPage("new-password-errors", lambda s: s.reset_link, MAIN_BUTTON, post=_submit, status=400),
    PortalPage("link-not-valid", lambda s: "/account/verify/" + "x" * 40, HEADING, post=_submit, status=404),
    PortalPage("not-found", lambda s: "/no-such-page", MAIN_BUTTON, status=404),
    PortalPage("demarche-not-found", lambda s: "/procedures/attestation", MAIN_BUTTON, status=404),
    PortalPage("file", lambda s: "/procedures/bacs/file", MAIN_BUTTON, signed_in=True),
    PortalPage("file-errors", lambda s: "/procedures/bacs/file", MAIN_BUTTON, signed_in=True, post=_submit,
               status=400),
    PortalPage("filed", lambda s: f"/my-requests/{s.request_id}/filed", MAIN_BUTTON, signed_in=True,
               shows=lambda s: s.reference),
    PortalPage("my-requests", lambda s: "/my-requests/", "main h2 a", signed_in=True,
               shows=lambda s: s.reference),
    PortalPage("request", lambda s: f"/my-requests/{s.request_id}", MAIN_BUTTON, signed_in=True,
               shows=lambda s: LONG_WORD),
    PortalPage("reply-error", lambda s: f"/my-requests/{s.request_id}", MAIN_BUTTON, signed_in=True,
               post=_submit, status=400),
    # The request's closing survey (plugins/enquetes): its card is on the request page above; answered
    # without its required question, the answer is refused on a page of its own.
    PortalPage("survey-errors", lambda s: f"/my-requests/{s.request_id}", MAIN_BUTTON, signed_in=True,
               post=_answer_survey, status=400),
    # Without an account (the commune allows it): the form, the e-mailed link, the private tracking link.
    PortalPage("file-without-account", lambda s: "/procedures/bacs/file", MAIN_BUTTON),
    PortalPage("file-without-account-errors", lambda s: "/procedures/bacs/file", MAIN_BUTTON, post=_submit,
               status=400),
    PortalPage("confirm-filing", lambda s: s.confirm_link, MAIN_BUTTON),
    PortalPage("track", lambda s: s.track_link, MAIN_BUTTON, shows=lambda s: s.tracked_reference),
    PortalPage("track-not-valid", lambda s: "/track/" + "x" * 43, HEADING, status=404),
    # Notification preferences and the unsubscribe link (grc_core.portal.preferences).
    PortalPage("preferences", lambda s: "/account/preferences", HEADING, signed_in=True),
    PortalPage("unsubscribe-not-valid", lambda s: "/unsubscribe/" + "x" * 40, HEADING, status=404),
]
# What the walk sets for itself once the site is built (tests/browser/test_portal_pages.py):
# one link asked an hour (the second is the 429 page), sign-ups enough for its four passes.
LIMITS = {"PORTAL_LINK_LIMIT_PER_ADDRESS": "1/hour", "PORTAL_SIGN_UP_LIMIT_PER_ACCOUNT": "10/hour"}


def build_site(app, hostname="") -> SimpleNamespace:
    """``hostname``: the commune's own hostname, where the rows then open its
    portal (``origin + base``: ``http://<hostname>`` and ``/portal``); else
    ``/c/<slug>/portal`` on the platform's host (``origin`` empty)."""
    town = setup_portal_commune(app, on_hostname=bool(hostname), hostname=hostname or None)
    make_agent(app, town.id, "agent@villeneuve.fr", "admin")
    client = english_client(app)
    client.environ_base["REMOTE_ADDR"] = "192.0.2.50"  # not the browser's address: its limits are its own
    verified_citizen(app, client, town, email=EMAIL)
    response = client.post(f"{town.base}/procedures/bacs/file", data={
        "csrf_token": csrf_token(client, f"{town.base}/"), "f_motif": "Mon bac est cassé", "f_nombre": "2"},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with in_commune(app, town.id):
        request = db.session.scalar(select(Request))
        agent = db.session.scalar(select(User).where(User.email == "agent@villeneuve.fr"))
        add_message(request, "Bonjour, pouvez-vous préciser la taille du bac ?", public=True, actor=agent)
        add_message(request, LONG_WORD, public=True, actor=agent)
        add_message(request, INTERNAL_NOTE, public=False, actor=agent)
        request_id, reference = request.id, request.reference
    if "enquetes" in app.extensions["grc"].names:
        _closing_survey(app, town, request_id)
    client.post(f"{town.base}/account/sign-in-link", data={
        "csrf_token": csrf_token(client, f"{town.base}/account/sign-in-link"), "email": EMAIL})
    sign_in_link = last_link(app, EMAIL)
    client.post(f"{town.base}/account/forgotten-password", data={
        "csrf_token": csrf_token(client, f"{town.base}/account/forgotten-password"), "email": EMAIL})
    reset_link = last_link(app, EMAIL)
    newcomer = english_client(app)
    newcomer.environ_base["REMOTE_ADDR"] = "192.0.2.51"
    from tests.portal.portal_support import sign_up

    assert sign_up(newcomer, town, email="zoe@example.org", first="Zoé", last="Blanc").status_code == 200
    verify_link = last_link(app, "zoe@example.org")
    prefix = town.base
    confirm_link, track_link, tracked_reference = _anonymous_links(app, town)
    origin = f"http://{hostname}" if hostname else ""
    return SimpleNamespace(town=town, base=prefix[len(origin):], origin=origin, citizen=client,
                           request_id=request_id, reference=reference,
                           sign_in_link=sign_in_link[len(prefix):], reset_link=reset_link[len(prefix):],
                           verify_link=verify_link[len(prefix):], confirm_link=confirm_link[len(prefix):],
                           track_link=track_link[len(prefix):], tracked_reference=tracked_reference)


def _closing_survey(app, town, request_id) -> None:
    """A closing survey sent for the citizen's request, to answer on the portal, with a required
    question of the commune's."""
    from datetime import timedelta

    from grc_core.models import Commune, utcnow
    from grc_core.tenancy.activation import enable_plugin
    from plugins.enquetes.models import SurveyInvitation, SurveySetting

    with in_commune(app, town.id):
        enable_plugin(db.session.get(Commune, town.id), "enquetes")
        now, request = utcnow(), db.session.get(Request, request_id)
        db.session.add(SurveySetting(request_type_id=town.bacs, trigger_states=["close"], channel="portal", fields=[
            {"name": "accueil", "label": "Accueil", "type": "integer", "required": True, "min": 1, "max": 10}]))
        db.session.add(SurveyInvitation(
            request_id=request_id, citizen_id=request.citizen_id, request_type_id=town.bacs,
            service_id=request.service_id, closed_at=now, due_at=now, status="sent", channel="portal",
            sent_at=now, expires_at=now + timedelta(days=30)))
        db.session.commit()


def _anonymous_links(app, town) -> tuple[str, str, str]:
    """The commune allows filing without an account: one filing verified
    (its tracking link and reference), one held (its verification link)."""
    from grc_core.models import Commune
    from grc_core.portal.anonymous import SETTING
    from tests.portal.test_portal_anonymous import CONFIRM, TRACK, _file, _link, _press

    with in_commune(app, town.id):
        commune = db.session.get(Commune, town.id)
        commune.settings = {**(commune.settings or {}), SETTING: True}
        db.session.commit()
    visitor = english_client(app)
    visitor.environ_base["REMOTE_ADDR"] = "192.0.2.52"
    assert _file(visitor, town, email="tom@example.org").status_code == 200
    assert _press(visitor, _link(app, CONFIRM, email="tom@example.org")).status_code == 200
    track_link = _link(app, TRACK, email="tom@example.org")
    with in_commune(app, town.id):
        tracked_reference = db.session.scalar(select(Request.reference).order_by(Request.id.desc()))
    assert _file(visitor, town, email="ines@example.org").status_code == 200
    return _link(app, CONFIRM, email="ines@example.org"), track_link, tracked_reference
