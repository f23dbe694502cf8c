"""The citizen's notification preferences on the portal ("My preferences"),
the one-click unsubscribe link, and the back office's side: the 360° record
shows the account, its verification and the preferences; agents invite a
citizen to the portal."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from grc_core.extensions import db
from grc_core.models import AuditEvent, Citizen, OutboxMessage
from grc_core.notifications.unsubscribe import citizen_token
from grc_core.plugin_api.testing import csrf_token, in_commune, login, make_agent, post_form
from grc_core.tenancy import unscoped
from tests.portal.portal_support import (
    BIRTH, english_client, mails_to, setup_portal_commune, sign_up, verified_citizen,
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


def known_citizen(app, town, email="lea@example.org", first="Léa", last="Roux", **extra) -> int:
    """The commune's record of the person, found when her account is verified."""
    with in_commune(app, town.id):
        citizen = Citizen(first_name=first, last_name=last, email=email, birth_date=BIRTH, **extra)
        db.session.add(citizen)
        db.session.commit()
        return citizen.id


def citizen_row(app, town, citizen_id) -> Citizen:
    with in_commune(app, town.id):
        found = db.session.get(Citizen, citizen_id)
        db.session.expunge(found)
        return found


def preferences(client, town, **fields):
    url = f"{town.base}/account/preferences"
    data = {"csrf_token": csrf_token(client, url), "channel": "email", "language": "fr", "mobile": "", **fields}
    return client.post(url, data={name: value for name, value in data.items() if value is not None})


def audit_actions(app, town) -> list[str]:
    with in_commune(app, town.id):
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- My preferences ----------------------------------------------------------------------

def test_a_citizen_chooses_sms_and_the_language_on_my_preferences(app, client, town):
    citizen_id = known_citizen(app, town)
    verified_citizen(app, client, town)
    page = client.get(f"{town.base}/account/preferences")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "My preferences" in html and re.search(r'<input checked[^>]*value="email"', html)
    response = preferences(client, town, channel="sms", mobile="06 12 34 56 78", language="en")
    assert response.status_code == 200 and "Your preferences are saved." in response.get_data(as_text=True)
    saved = citizen_row(app, town, citizen_id)
    assert (saved.notify_channel, saved.notify_digest, saved.language, saved.phone) == (
        "sms", False, "en", "+33612345678")
    assert "citizen.preferences" in audit_actions(app, town)
    response = preferences(client, town, channel="email", digest="y", language="fr")
    saved = citizen_row(app, town, citizen_id)
    assert (saved.notify_channel, saved.notify_digest, saved.language) == ("email", True, "fr")


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"channel": "sms", "mobile": ""}, "mobile", "Give a mobile phone number to receive SMS"),
    ({"channel": "sms", "mobile": "01 23 45 67 89"}, "mobile", "Give a mobile phone number to receive SMS"),
    ({"channel": "sms", "mobile": "06 12 34 56 78", "digest": "y"}, "digest", "The daily digest is an e-mail"),
    ({"channel": "email", "mobile": "01 23 45 67 89"}, "mobile", "This is not a mobile phone number."),
    ({"channel": "email", "mobile": "pas un numéro"}, "mobile", "Enter a valid phone number"),
    ({"channel": "fax"}, "channel", "Not a valid choice"),
    ({"language": "de"}, "language", "Not a valid choice"),
])
def test_bad_preferences_are_refused_next_to_the_field_and_nothing_changes(app, client, town, fields, field,
                                                                          message):
    citizen_id = known_citizen(app, town, phone="01 23 45 67 89")
    verified_citizen(app, client, town)
    response = preferences(client, town, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = re.search(rf'data-grc-error-for="{field}">([^<]*)<', html)
    assert error and message in error.group(1), html[:3000]
    saved = citizen_row(app, town, citizen_id)
    assert (saved.notify_channel, saved.notify_digest, saved.language, saved.phone) == (
        "email", False, "", "01 23 45 67 89")


def test_preferences_without_csrf_change_nothing(app, client, town):
    citizen_id = known_citizen(app, town)
    verified_citizen(app, client, town)
    response = client.post(f"{town.base}/account/preferences", data={"channel": "none", "language": "fr"})
    assert response.status_code == 400
    assert citizen_row(app, town, citizen_id).notify_channel == "email"


def test_a_citizen_only_ever_changes_his_own_record(app, client, town):
    lea = known_citizen(app, town)
    paul = known_citizen(app, town, email="paul@example.org", first="Paul", last="Durand")
    verified_citizen(app, client, town)
    # The form names no record: whatever is posted, it is the signed-in account's.
    response = preferences(client, town, channel="none", citizen_id=str(paul), id=str(paul))
    assert response.status_code == 200
    assert citizen_row(app, town, lea).notify_channel == "none"
    assert citizen_row(app, town, paul).notify_channel == "email"


def test_signed_out_the_page_asks_to_sign_in_and_a_post_changes_nothing(app, client, town):
    citizen_id = known_citizen(app, town)
    page = client.get(f"{town.base}/account/preferences")
    assert page.status_code == 302 and "/account/sign-in" in page.headers["Location"]
    response = client.post(f"{town.base}/account/preferences", data={
        "csrf_token": csrf_token(client, f"{town.base}/account/sign-in"), "channel": "none", "language": "fr"})
    assert response.status_code == 302
    assert citizen_row(app, town, citizen_id).notify_channel == "email"


def test_an_account_not_linked_yet_is_told_why_there_is_nothing_to_choose(app, client, town):
    verified_citizen(app, client, town)
    page = client.get(f"{town.base}/account/preferences").get_data(as_text=True)
    assert "once you have filed a first request" in page
    assert preferences(client, town, channel="none").status_code == 200
    with in_commune(app, town.id):
        assert db.session.scalar(select(func.count()).select_from(Citizen)) == 0  # no record made for it


# --- unsubscribe ---------------------------------------------------------------------------

def token_of(app, town, citizen_id) -> str:
    with in_commune(app, town.id):
        return citizen_token(db.session.get(Citizen, citizen_id))


def test_the_unsubscribe_link_shows_a_button_then_records_the_choice(app, client, town):
    citizen_id = known_citizen(app, town)
    url = f"{town.base}/unsubscribe/{token_of(app, town, citizen_id)}"
    page = client.get(url)  # a link scanner opening it unsubscribes nobody
    assert page.status_code == 200 and "Stop receiving messages" in page.get_data(as_text=True)
    assert citizen_row(app, town, citizen_id).notify_channel == "email"
    done = client.post(url)  # no session, no CSRF token: the signed link is the proof
    assert done.status_code == 200 and "You are unsubscribed" in done.get_data(as_text=True)
    assert citizen_row(app, town, citizen_id).notify_channel == "none"
    assert audit_actions(app, town).count("citizen.unsubscribed") == 1
    assert client.post(url).status_code == 200  # again: same page, nothing more recorded
    assert audit_actions(app, town).count("citizen.unsubscribed") == 1


def test_the_mail_clients_one_click_post_unsubscribes(app, town):
    citizen_id = known_citizen(app, town)
    anonymous = app.test_client()
    response = anonymous.post(f"{town.base}/unsubscribe/{token_of(app, town, citizen_id)}",
                              data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "Votre désabonnement est enregistré" in response.get_data(as_text=True)
    assert citizen_row(app, town, citizen_id).notify_channel == "none"


def test_a_forged_token_or_another_communes_changes_nothing(app, client, town, other_town):
    here = known_citizen(app, town)
    there = known_citizen(app, other_town, email="paul@example.org", first="Paul", last="Durand")
    token = token_of(app, town, here)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    for url in (f"{town.base}/unsubscribe/{forged}", f"{town.base}/unsubscribe/not-a-token",
                # A true token of Saint-Aubin's record, opened at Villeneuve: unknown here.
                f"{town.base}/unsubscribe/{token_of(app, other_town, there)}",
                f"{other_town.base}/unsubscribe/{token}"):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 404, url
            assert "This link is not valid" in response.get_data(as_text=True)
            assert "Nothing was changed." in response.get_data(as_text=True)
    assert citizen_row(app, town, here).notify_channel == "email"
    assert citizen_row(app, other_town, there).notify_channel == "email"
    assert "citizen.unsubscribed" not in audit_actions(app, town) + audit_actions(app, other_town)


def test_the_links_in_a_notification_lead_to_the_portal_and_unsubscribe(app, client, town):
    """From the back office's transition to the e-mail, and its link clicked."""
    from grc_core.plugin_api.testing import apply_as, file_request_as
    citizen_id = known_citizen(app, town)
    make_agent(app, town.id, "agent@villeneuve.fr", "agent")
    request_id = file_request_as(app, town.id, "agent@villeneuve.fr", town.bacs, citizen_id,
                                 {"motif": "Bac fendu"})
    with app.test_request_context("/", base_url="https://portail.example.fr"):
        apply_as(app, town.id, "agent@villeneuve.fr", request_id, "prendre")
    mail = mails_to(app, "lea@example.org")[-1]
    assert f"https://portail.example.fr/c/villeneuve/portal/my-requests/{request_id}" in mail.body
    stop = mail.headers["List-Unsubscribe"].strip("<>").replace("https://portail.example.fr", "")
    assert client.post(stop).status_code == 200
    assert citizen_row(app, town, citizen_id).notify_channel == "none"


# --- the back office: the 360° record and the invitation ---------------------------------------

@pytest.fixture
def agent(app, town):
    make_agent(app, town.id, "agent@villeneuve.fr", "agent")
    agent_client = english_client(app)
    login(agent_client, "agent@villeneuve.fr")
    return agent_client


def test_the_record_shows_the_account_its_verification_and_the_preferences(app, client, town, agent):
    citizen_id = known_citizen(app, town, notify_channel="sms", phone="06 12 34 56 78")
    page = agent.get(f"/admin/citizens/{citizen_id}/").get_data(as_text=True)
    card = page.split('id="portal"')[1].split("</section>")[0]
    assert "No portal account is linked to this record." in card and "Invite to the portal" in card
    assert re.search(r'<input checked[^>]*value="sms"', card)
    sign_up(client, town)  # not verified yet
    with in_commune(app, town.id):
        from grc_core.models import CitizenAccount
        account = db.session.scalar(select(CitizenAccount))
        account.citizen_id = citizen_id  # an agent's confirmation links it
        db.session.commit()
    card = agent.get(f"/admin/citizens/{citizen_id}/").get_data(as_text=True).split('id="portal"')[1]
    assert "lea@example.org" in card and "address not verified yet" in card
    assert "Invite to the portal" not in card.split("</section>")[0]


def test_an_agent_changes_the_preferences_on_the_record(app, town, agent):
    citizen_id = known_citizen(app, town)
    response = post_form(agent, f"/admin/citizens/{citizen_id}/notification-preferences",
                         {"channel": "email", "digest": "y", "language": "en", "mobile": ""})
    assert response.status_code == 302
    saved = citizen_row(app, town, citizen_id)
    assert (saved.notify_channel, saved.notify_digest, saved.language) == ("email", True, "en")
    refused = post_form(agent, f"/admin/citizens/{citizen_id}/notification-preferences",
                        {"channel": "sms", "language": "fr", "mobile": "01 23 45 67 89"}, follow_redirects=True)
    assert "Give a mobile phone number to receive SMS" in refused.get_data(as_text=True)
    assert citizen_row(app, town, citizen_id).notify_channel == "email"


def test_an_agent_invites_a_citizen_to_the_portal(app, client, town, agent):
    citizen_id = known_citizen(app, town, language="en")
    response = post_form(agent, f"/admin/citizens/{citizen_id}/portal-invitation", {}, follow_redirects=True)
    assert "Invitation to the portal sent to lea@example.org." in response.get_data(as_text=True)
    invitation, = mails_to(app, "lea@example.org")
    assert invitation.subject == "Your account on the portal of Villeneuve-sur-Loire"
    link = re.search(r"https?://\S+/portal/account/sign-up\?\S+", invitation.body).group(0)
    assert "email=lea%40example.org" in link or "email=lea@example.org" in link
    # The sign-up page opens with the address filled in.
    page = client.get(re.sub(r"^https?://[^/]+", "", link)).get_data(as_text=True)
    assert 'value="lea@example.org"' in page
    with in_commune(app, town.id):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "citizen.portal_invited"))
        assert event.details == {"email": "lea@example.org"} and event.user_id is not None


@pytest.mark.parametrize("case", ["no e-mail", "already an account"])
def test_an_invitation_that_cannot_be_sent_says_why_and_sends_nothing(app, client, town, agent, case):
    citizen_id = known_citizen(app, town, email="" if case == "no e-mail" else "lea@example.org")
    if case == "already an account":
        verified_citizen(app, client, town)
    before = len(mails_to(app, "lea@example.org"))
    response = post_form(agent, f"/admin/citizens/{citizen_id}/portal-invitation", {}, follow_redirects=True)
    expected = ("This citizen has no e-mail address" if case == "no e-mail"
                else "An account of the portal already uses lea@example.org.")
    assert expected in response.get_data(as_text=True)
    assert len(mails_to(app, "lea@example.org")) == before
    assert "citizen.portal_invited" not in audit_actions(app, town)


def test_invitations_and_preferences_of_a_citizen_out_of_reach_are_404(app, town, other_town, agent):
    there = known_citizen(app, other_town, email="paul@example.org", first="Paul", last="Durand")
    for url in (f"/admin/citizens/{there}/portal-invitation", f"/admin/citizens/{there}/notification-preferences",
                "/admin/citizens/999999/portal-invitation"):
        assert post_form(agent, url, {"channel": "none", "language": "fr"}).status_code == 404
    with app.app_context(), unscoped():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert db.session.get(Citizen, there).notify_channel == "email"


def test_an_elected_official_may_neither_invite_nor_change_preferences(app, town):
    citizen_id = known_citizen(app, town)
    make_agent(app, town.id, "elu@villeneuve.fr", "elu")
    elu = english_client(app)
    login(elu, "elu@villeneuve.fr")
    for url in (f"/admin/citizens/{citizen_id}/portal-invitation",
                f"/admin/citizens/{citizen_id}/notification-preferences"):
        assert post_form(elu, url, {"channel": "none", "language": "fr"}).status_code in (403, 404)
    assert mails_to(app, "lea@example.org") == []
    assert citizen_row(app, town, citizen_id).notify_channel == "email"


def test_a_link_of_a_record_merged_since_unsubscribes_the_kept_record(app, client, town):
    kept = known_citizen(app, town)
    merged = known_citizen(app, town, email="lea.roux@example.org")
    token = token_of(app, town, merged)
    with in_commune(app, town.id):
        db.session.get(Citizen, merged).merged_into_id = kept
        db.session.commit()
    assert client.post(f"{town.base}/unsubscribe/{token}").status_code == 200
    assert citizen_row(app, town, kept).notify_channel == "none"


def test_the_records_preferences_speak_of_the_citizen_not_as_the_citizen(app, town, agent):
    """The agent reads the choices about someone else: third person, never
    the portal's « Ne pas me prévenir »; the same choices are stored."""
    citizen_id = known_citizen(app, town)
    card = agent.get(f"/admin/citizens/{citizen_id}/").get_data(as_text=True).split('id="portal"')[1] \
        .split("</section>")[0]
    assert "No notification: the citizen follows the requests on the portal" in card
    assert "Do not tell me" not in card
    french = agent.get(f"/admin/citizens/{citizen_id}/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    french_card = french.split('id="portal"')[1].split("</section>")[0]
    assert "Aucune notification : l&#39;usager suit ses demandes sur le portail" in french_card \
        or "Aucune notification : l'usager suit ses demandes sur le portail" in french_card
    assert "Ne pas me prévenir" not in french_card
    response = post_form(agent, f"/admin/citizens/{citizen_id}/notification-preferences",
                         {"channel": "none", "language": "fr", "mobile": ""}, follow_redirects=True)
    assert "Notification preferences saved." in response.get_data(as_text=True)
    assert citizen_row(app, town, citizen_id).notify_channel == "none"
