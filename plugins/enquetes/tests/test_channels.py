"""Closing surveys by SMS and on the citizens' portal, and the extra
questions a commune adds to them.

SMS: a short text with one signed link, only to a mobile number with the
person's SMS consent — else by e-mail, the invitation saying why. Portal: a
card on the request's page for an account linked to the person, answered
while signed in (the account must be allowed to read the request: 404
otherwise). Extra questions: asked after score, « résolu ? » and comment,
validated like any FieldSpec form (the message next to the field, nothing
stored), listed in the results; the first click still records the score
alone."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from grc_core.plugin_api import Citizen, CitizenAccount, Consent, OutboxMessage, Request, db, utcnow
from grc_core.plugin_api.testing import csrf_token, in_commune, post_form, run_tick
from plugins.enquetes import surveys
from plugins.enquetes.models import SurveyInvitation, SurveySetting
from plugins.enquetes.tests.test_surveys import (  # noqa: F401  (town: the fixture)
    SETTINGS, client_of, closed_request, configure, history, invitations, mails, survey_link, town,
)

PASSWORD = "un-mot-de-passe-long"
QUESTIONS = {
    "fields-0-label": "Délai de traitement acceptable ?", "fields-0-name": "delai", "fields-0-type": "boolean",
    "fields-1-label": "Accueil", "fields-1-name": "accueil", "fields-1-type": "integer", "fields-1-min": "1",
    "fields-1-max": "10", "fields-1-required": "y",
}


def person(town, key, first, *, email="", phone="", consents=(), account=False):
    """A citizen of the town with consents to the surveys (channels) and, if asked, a verified portal account."""
    with in_commune(town["app"], town["commune"]):
        citizen = Citizen(first_name=first, last_name="Habitant", email=email, phone=phone)
        db.session.add(citizen)
        db.session.flush()
        for channel in consents:
            db.session.add(Consent(citizen_id=citizen.id, channel=channel, purpose=surveys.PURPOSE))
        if account:
            db.session.add(CitizenAccount(email=email, password_hash=generate_password_hash(PASSWORD),
                                          first_name=first, last_name="Habitant", citizen_id=citizen.id,
                                          email_verified_at=utcnow()))
        db.session.commit()
        town[key] = citizen.id


def portal_client(town, email):
    client = town["app"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    base = "/c/villeneuve/portal"
    response = client.post(f"{base}/account/sign-in", data={
        "csrf_token": csrf_token(client, f"{base}/account/sign-in"), "email": email, "password": PASSWORD,
        "next": ""})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def invitation_row(town, request_id):
    with in_commune(town["app"], town["commune"]):
        found = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.request_id == request_id))
        db.session.expunge(found)
        return found


def sms(town):
    with in_commune(town["app"], town["commune"]):
        return [(m.recipient, m.body) for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == "sms").order_by(OutboxMessage.id))]


def sent(town, citizen):
    closed = utcnow() - timedelta(days=2)
    request_id = closed_request(town, citizen, closed)
    run_tick(town["app"], closed + timedelta(days=1, hours=1))
    return request_id


# --- SMS ---------------------------------------------------------------------------------

def test_an_sms_carries_one_link_to_the_scores_and_the_first_click_records(town):
    person(town, "mobile", "Damien", email="damien@x.fr", phone="06 12 34 56 78", consents=("sms", "email"))
    configure(town, channel="sms")
    request_id = sent(town, "mobile")
    texts = sms(town)
    assert len(texts) == 1 and texts[0][0] == "+33612345678"
    assert not [m for m in mails(town) if "votre avis" in m[1]]  # no e-mail as well
    link = re.search(r"https://villeneuve\.example\.org(/c/villeneuve/enquetes/r/\S+)", texts[0][1]).group(1)
    assert "votre avis en 1 clic" in texts[0][1].lower() and len(texts[0][1]) < 300
    row = invitation_row(town, request_id)
    assert (row.status, row.channel, row.fallback) == ("sent", "sms", "")
    client = town["app"].test_client()
    page = client.get(link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Choose your score: one click records it." in page and f"{link}/5" in page
    assert invitation_row(town, request_id).score is None  # opening the link records nothing
    assert "Thank you: your score « Very satisfied » is recorded." in client.get(
        f"{link}/5", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert invitation_row(town, request_id).score == 5


@pytest.mark.parametrize("phone, consents, fallback", [
    ("01 23 45 67 89", ("sms", "email"), "no_mobile"),   # a landline
    ("", ("sms", "email"), "no_mobile"),
    ("06 12 34 56 78", ("email",), "no_sms_consent"),
])
def test_without_a_mobile_or_its_consent_the_survey_goes_by_e_mail_and_says_why(town, phone, consents, fallback):
    person(town, "fixe", "Émile", email="emile@x.fr", phone=phone, consents=consents)
    configure(town, channel="sms")
    request_id = sent(town, "fixe")
    assert sms(town) == []
    assert [m[0] for m in mails(town) if "votre avis" in m[1]] == ["emile@x.fr"]
    row = invitation_row(town, request_id)
    assert (row.status, row.channel, row.fallback) == ("sent", "email", fallback)
    # The citizen's 360° record says how it went and why.
    record = client_of(town["app"], "admin@a.fr").get(f"/admin/citizens/{town['fixe']}/").get_data(as_text=True)
    panel = record.split("Satisfaction surveys")[-1][:2000]
    assert "(by e-mail, instead of the setting's channel: no " in panel, panel


def test_neither_sms_nor_e_mail_possible_sends_nothing(town):
    person(town, "rien", "Fanny", phone="01 23 45 67 89", consents=("sms",))
    configure(town, channel="sms")
    request_id = sent(town, "rien")
    assert sms(town) == [] and not [m for m in mails(town) if "votre avis" in m[1]]
    row = invitation_row(town, request_id)
    assert (row.status, row.reason, row.fallback) == ("skipped", "no_address", "no_mobile")


# --- portal --------------------------------------------------------------------------------

def test_the_portal_shows_the_survey_on_the_request_page_and_takes_the_answer(town):
    person(town, "compte", "Gaëlle", email="gaelle@x.fr", consents=("email",), account=True)
    configure(town, channel="portal", bad_action="reopen", reopen_transition="rouvrir", **QUESTIONS)
    request_id = sent(town, "compte")
    row = invitation_row(town, request_id)
    assert (row.status, row.channel, row.fallback) == ("sent", "portal", "")
    assert not [m for m in mails(town) if "votre avis" in m[1]] and sms(town) == []
    client = portal_client(town, "gaelle@x.fr")
    page_url = f"/c/villeneuve/portal/my-requests/{request_id}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Your opinion" in page and 'id="survey-form"' in page and "Very satisfied" in page
    assert "Délai de traitement acceptable ?" in page and "Accueil" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.split('id="survey-form"')[1]).group(1)
    answer_url = f"/c/villeneuve/enquetes/portal/{request_id}"
    # A required extra question left out: the message next to it, nothing stored.
    bad = client.post(answer_url, data={"csrf_token": token, "score": "2", "resolved": "no", "comment": "Lent"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and re.search(r'data-grc-error-for="accueil">[^<]*required', text, re.I)
    assert "Your answer was not recorded" in text and ">Lent</textarea>" in text
    assert invitation_row(town, request_id).score is None and history(town, request_id) == []
    # No score: said next to the score.
    noscore = client.post(answer_url, data={"csrf_token": token, "f_accueil": "7"})
    assert noscore.status_code == 400 and 'id="score-error">Choose a score from 1 to 5.' in noscore.get_data(
        as_text=True)
    done = client.post(answer_url, data={"csrf_token": token, "score": "2", "resolved": "no", "comment": "Lent",
                                         "f_accueil": "7", "f_delai": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{page_url}#survey")
    row = invitation_row(town, request_id)
    assert (row.score, row.resolved, row.comment, row.answers) == (2, "no", "Lent", {"delai": True, "accueil": 7})
    assert [kind for kind, _summary in history(town, request_id)] == ["enquetes.answer", "enquetes.answer"]
    with in_commune(town["app"], town["commune"]):
        assert db.session.get(Request, request_id).state == "en_cours"  # the bad answer reopened it
    # Answered: the card thanks; a second answer keeps the first.
    assert "Thank you: your answer is recorded." in client.get(page_url).get_data(as_text=True)
    again = client.post(answer_url, data={"csrf_token": token, "score": "5", "f_accueil": "1"})
    assert again.status_code == 409 and "your first answer is kept" in again.get_data(as_text=True)
    assert invitation_row(town, request_id).score == 2


def test_a_portal_answer_to_someone_elses_request_is_404_and_stores_nothing(town):
    person(town, "compte", "Gaëlle", email="gaelle@x.fr", consents=("email",), account=True)
    person(town, "voisin", "Hugo", email="hugo@x.fr", consents=("email",), account=True)
    configure(town, channel="portal")
    theirs = sent(town, "voisin")
    client = portal_client(town, "gaelle@x.fr")
    token = csrf_token(client, "/c/villeneuve/portal/my-requests/")
    response = client.post(f"/c/villeneuve/enquetes/portal/{theirs}", data={"csrf_token": token, "score": "5"})
    assert response.status_code == 404
    assert client.get(f"/c/villeneuve/portal/my-requests/{theirs}").status_code == 404
    assert invitation_row(town, theirs).score is None and history(town, theirs) == []
    # Signed out: to the sign-in page, nothing stored.
    anonymous = town["app"].test_client()
    response = anonymous.post(f"/c/villeneuve/enquetes/portal/{theirs}",
                              data={"csrf_token": csrf_token(anonymous, "/c/villeneuve/portal/"), "score": "5"})
    assert response.status_code == 302 and "/portal/account/sign-in" in response.headers["Location"]
    assert invitation_row(town, theirs).score is None


def test_a_request_without_a_survey_shows_no_card_and_refuses_an_answer(town):
    person(town, "compte", "Gaëlle", email="gaelle@x.fr", consents=("email",), account=True)
    configure(town, channel="portal")
    request_id = closed_request(town, "compte", utcnow())  # not due yet: pending
    client = portal_client(town, "gaelle@x.fr")
    assert 'id="survey-form"' not in client.get(f"/c/villeneuve/portal/my-requests/{request_id}").get_data(
        as_text=True)
    token = csrf_token(client, "/c/villeneuve/portal/my-requests/")
    response = client.post(f"/c/villeneuve/enquetes/portal/{request_id}", data={"csrf_token": token, "score": "4"})
    assert response.status_code == 404 and "There is no survey to answer" in response.get_data(as_text=True)
    assert invitation_row(town, request_id).status == "pending"


def test_without_a_portal_account_the_survey_goes_by_e_mail(town):
    configure(town, channel="portal")
    request_id = sent(town, "oui")  # Alice: an e-mail consent, no account
    row = invitation_row(town, request_id)
    assert (row.status, row.channel, row.fallback) == ("sent", "email", "no_account")
    assert [m[0] for m in mails(town) if "votre avis" in m[1]] == ["alice@x.fr"]


# --- extra questions ------------------------------------------------------------------------

def test_extra_questions_after_the_first_click_are_validated_stored_and_listed(town):
    configure(town, **QUESTIONS)
    request_id = sent(town, "oui")
    link = survey_link(town, 4)
    client = town["app"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(f"{link}/4").get_data(as_text=True)
    # The first click recorded the score alone.
    row = invitation_row(town, request_id)
    assert (row.score, row.answers, row.completed_at) == (4, {}, None)
    assert page.index("Is the problem resolved?") < page.index("Comment (optional)") \
        < page.index("Délai de traitement acceptable ?") < page.index("Accueil")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for answer, message in (({}, "required"), ({"f_accueil": "11"}, "10"), ({"f_accueil": "sept"}, "")):
        bad = client.post(link, data={"csrf_token": token, "resolved": "yes", "comment": "Bien", **answer})
        text = bad.get_data(as_text=True)
        assert bad.status_code == 400 and re.search(
            rf'data-grc-error-for="accueil">[^<]*{message}', text, re.I), text[-3000:]
        row = invitation_row(town, request_id)
        assert (row.resolved, row.comment, row.answers, row.completed_at) == ("", "", {}, None)
    done = client.post(link, data={"csrf_token": token, "resolved": "yes", "comment": "Bien", "f_accueil": "9"})
    assert "Thank you: your answer is recorded." in done.get_data(as_text=True)
    assert invitation_row(town, request_id).answers == {"delai": False, "accueil": 9}
    results = client_of(town["app"], "chef@a.fr").get("/admin/enquetes/results/").get_data(as_text=True)
    assert "Délai de traitement acceptable ?" in results and "Accueil" in results
    extra = re.search(r'<table[^>]*id="results-questions".*?</table>', results, re.S).group(0)
    assert "9" in extra and "No" in extra


@pytest.mark.parametrize("change, message", [
    ({"channel": "fax"}, "Choose e-mail, SMS or the portal."),
    ({"fields-0-label": "Pièce", "fields-0-name": "piece", "fields-0-type": "file"},
     "Question « Pièce »: a survey cannot ask for"),
    ({"fields-0-label": "Note", "fields-0-name": "note", "fields-0-type": "integer", "fields-0-min": "un"},
     "Field note: the minimum must be a number."),
])
def test_bad_channel_or_questions_are_explained_and_nothing_is_stored(town, change, message):
    client = client_of(town["app"], "admin@a.fr")
    page = post_form(client, f"/admin/enquetes/settings/{town['type']}", {**SETTINGS, **change})
    assert page.status_code == 400 and message in page.get_data(as_text=True).replace("&#39;", "'")
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalars(select(SurveySetting)).all() == []


def test_settings_keep_channel_and_questions_and_show_them_again(town):
    configure(town, channel="portal", **QUESTIONS)
    with in_commune(town["app"], town["commune"]):
        setting = db.session.scalar(select(SurveySetting))
        assert setting.channel == "portal"
        assert [(f["name"], f["type"], f.get("required", False)) for f in setting.fields] == [
            ("delai", "boolean", False), ("accueil", "integer", True)]
    page = client_of(town["app"], "admin@a.fr").get(f"/admin/enquetes/settings/{town['type']}").get_data(
        as_text=True)
    assert 'value="portal" selected' in page and 'value="Accueil"' in page
