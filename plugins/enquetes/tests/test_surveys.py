"""Closing surveys end to end: settings per type, the invitation when a
request enters a closing state, sending at the due time to consenting
citizens only, the one-click answer and its follow-up, the history and the
360° record, a bad answer's action, the results — and every misuse of a link
(clear page, nothing stored)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Citizen, Consent, OutboxMessage, Request, RequestEvent, db, utcnow
from grc_core.plugin_api.testing import (
    apply_as, file_request_as, in_commune, login, make_agent, make_commune, make_request_type, post_form, run_tick,
)
from plugins.enquetes import surveys
from plugins.enquetes.models import SurveyInvitation, SurveySetting


def transition(code, label, source, target, roles=("admin", "manager", "agent")):
    return {"code": code, "label": label, "source": list(source), "target": target, "roles": list(roles),
            "permission": None, "comment_required": False, "required_fields": [], "notify_citizen": False,
            "set_due_days": None}


WORKFLOW = {
    "states": [
        {"code": "nouvelle", "label": "Nouvelle", "kind": "new", "visible": True},
        {"code": "en_cours", "label": "En cours", "kind": "open", "visible": True},
        {"code": "close", "label": "Traitée", "kind": "closed", "visible": True},
        {"code": "sans_suite", "label": "Classée sans suite", "kind": "closed", "visible": True},
    ],
    "transitions": [
        transition("prendre", "Prendre en charge", ["nouvelle"], "en_cours"),
        transition("clore", "Clore", ["en_cours"], "close"),
        transition("classer", "Classer sans suite", ["en_cours"], "sans_suite"),
        transition("rouvrir", "Rouvrir", ["close", "sans_suite"], "en_cours", roles=("admin", "manager")),
    ],
    "timers": [],
}


@pytest.fixture
def town(app):
    # Its hostname: the address of the e-mail's links when a request is closed outside a web request.
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["enquetes"],
                           hostnames="villeneuve.example.org")
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["enquetes"])
    type_id = make_request_type(app, commune, "voirie", "Signalement voirie", WORKFLOW, service_code="voirie",
                                service_email="voirie@villeneuve.fr")
    for email_, role in (("admin@a.fr", "admin"), ("chef@a.fr", "manager"), ("elu@a.fr", "elu")):
        make_agent(app, commune, email_, role, full_name=email_.split("@")[0].title())
    make_agent(app, commune, "agent@a.fr", "agent", services=["voirie"])
    make_agent(app, other, "admin@b.fr", "admin")
    people = {}
    with in_commune(app, commune):
        for key, first, mail, consent in (("oui", "Alice", "alice@x.fr", "given"), ("sans", "Bruno", "bruno@x.fr", None),
                                          ("refus", "Chloé", "chloe@x.fr", "withdrawn")):
            citizen = Citizen(first_name=first, last_name="Habitant", email=mail)
            db.session.add(citizen)
            db.session.flush()
            if consent:
                db.session.add(Consent(citizen_id=citizen.id, channel="email", purpose=surveys.PURPOSE,
                                       revoked_at=utcnow() if consent == "withdrawn" else None))
            people[key] = citizen.id
        db.session.commit()
    return {"app": app, "commune": commune, "other": other, "type": type_id, **people}


def client_of(app, email_):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email_)
    return client


SETTINGS = {"enabled": "y", "trigger_states": ["close", "sans_suite"], "delay": "1", "delay_unit": "days",
            "valid_days": "30", "bad_action": "none", "reopen_transition": "", "min_count": "5"}


def configure(town, **change):
    client = client_of(town["app"], "admin@a.fr")
    response = post_form(client, f"/admin/enquetes/settings/{town['type']}", {**SETTINGS, **change})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def closed_request(town, citizen, at, code="clore"):
    app, commune = town["app"], town["commune"]
    request_id = file_request_as(app, commune, "agent@a.fr", town["type"], town[citizen], {}, now=at)
    apply_as(app, commune, "agent@a.fr", request_id, "prendre", now=at)
    apply_as(app, commune, "agent@a.fr", request_id, code, now=at)
    return request_id


def invitations(town):
    with in_commune(town["app"], town["commune"]):
        return {i.request_id: (i.status, i.reason, i.score, i.resolved, i.comment)
                for i in db.session.scalars(select(SurveyInvitation))}


def mails(town):
    with in_commune(town["app"], town["commune"]):
        return [(m.recipient, m.subject, m.body) for m in db.session.scalars(select(OutboxMessage)
                                                                            .order_by(OutboxMessage.id))]


def survey_link(town, score):
    body = [b for _r, s, b in mails(town) if "votre avis" in s][-1]
    return re.search(rf"https://villeneuve.example.org(/c/villeneuve/enquetes/r/\S+)/{score}\b", body).group(1)


def history(town, request_id):
    with in_commune(town["app"], town["commune"]):
        return [(e.kind, e.details.get("reason")) for e in db.session.scalars(
            select(RequestEvent).where(RequestEvent.request_id == request_id, RequestEvent.kind == "enquetes.answer")
            .order_by(RequestEvent.id))]


@pytest.mark.parametrize("change, message", [
    ({"trigger_states": []}, "Choose at least one closing state."),
    ({"trigger_states": ["en_cours"]}, "Choose closing states of this type&#39;s workflow."),
    ({"delay": "-1"}, "A whole number from 0 to one year."),
    ({"delay_unit": "weeks"}, "Choose hours or days."),
    ({"valid_days": "0"}, "A whole number of days from 1 to 365."),
    ({"bad_action": "reopen", "reopen_transition": "clore"}, "Choose the workflow&#39;s transition that reopens"),
    ({"bad_action": "explode"}, "Choose what a bad answer does."),
    ({"min_count": "zero"}, "A whole number from 1 to 1000."),
])
def test_bad_settings_are_explained_and_nothing_is_stored(town, change, message):
    client = client_of(town["app"], "admin@a.fr")
    page = post_form(client, f"/admin/enquetes/settings/{town['type']}", {**SETTINGS, **change})
    assert message in page.get_data(as_text=True)
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalars(select(SurveySetting)).all() == []


def test_only_the_settings_permission_sets_up_and_another_commune_gets_404(town):
    assert client_of(town["app"], "chef@a.fr").get(f"/admin/enquetes/settings/{town['type']}").status_code == 403
    assert client_of(town["app"], "admin@b.fr").get(f"/admin/enquetes/settings/{town['type']}").status_code == 404


def test_from_closure_to_answer(town):
    configure(town)
    app = town["app"]
    closed = utcnow() - timedelta(days=2)
    request_id = closed_request(town, "oui", closed)
    assert invitations(town)[request_id][0] == "pending"
    run_tick(app, closed + timedelta(hours=23))
    assert not [m for m in mails(town) if "votre avis" in m[1]]
    run_tick(app, closed + timedelta(hours=25))
    sent = [m for m in mails(town) if "votre avis" in m[1]]
    assert len(sent) == 1 and sent[0][0] == "alice@x.fr"
    assert all(f"/{score}\n" in sent[0][2] for score in range(1, 6)) and "Très satisfait" in sent[0][2]
    run_tick(app, closed + timedelta(hours=26))  # a repeated run sends nothing twice
    assert len([m for m in mails(town) if "votre avis" in m[1]]) == 1
    link = survey_link(town, 4)
    anonymous = app.test_client()
    # The citizen reads French by default.
    assert "Merci : votre note « Satisfait » est enregistrée." in anonymous.get(f"{link}/4").get_data(as_text=True)
    anonymous.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    # Another click before the follow-up: the first score kept, the questions still asked.
    page = anonymous.get(f"{link}/2").get_data(as_text=True)
    assert "You have already answered this survey: your first answer is kept." in page
    assert 'role="radiogroup"' in page and '<label class="custom-control-label" for="resolved-partly">Partly' in page
    assert invitations(town)[request_id][:3] == ("answered", "", 4)
    assert history(town, request_id) == [("enquetes.answer", "Note 4/5 (Satisfait)")]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    page = anonymous.post(link, data={"csrf_token": token, "resolved": "partly",
                                      "comment": "<script>alert(1)</script> Merci"}).get_data(as_text=True)
    assert "Thank you: your answer is recorded." in page
    assert invitations(town)[request_id] == ("answered", "", 4, "partly", "<script>alert(1)</script> Merci")
    assert history(town, request_id)[1] == (
        "enquetes.answer", "Problème résolu : en partie — Commentaire : <script>alert(1)</script> Merci")
    # The second click, or a second follow-up: « already answered », the first answer kept.
    again = anonymous.get(f"{link}/1").get_data(as_text=True)
    assert "You have already answered this survey: your first answer is kept." in again
    again = anonymous.post(link, data={"csrf_token": token, "resolved": "no", "comment": "Non"})
    assert "already answered" in again.get_data(as_text=True)
    assert invitations(town)[request_id] == ("answered", "", 4, "partly", "<script>alert(1)</script> Merci")
    # The history and the 360° record show it, escaped.
    agent = client_of(app, "admin@a.fr")
    request_page = agent.get(f"/admin/requests/{request_id}/").get_data(as_text=True)
    assert "Enquête de satisfaction" in request_page and "&lt;script&gt;alert(1)&lt;/script&gt; Merci" in request_page
    assert "<script>alert(1)" not in request_page
    record = agent.get(f"/admin/citizens/{town['oui']}/").get_data(as_text=True)
    assert "Satisfaction surveys" in record and "4/5 (Satisfied)" in record
    assert "&lt;script&gt;" in record and "<script>alert(1)" not in record


def test_each_closing_state_triggers_once_and_only_chosen_ones(town):
    configure(town, trigger_states=["sans_suite"])
    at = utcnow() - timedelta(days=2)
    first = closed_request(town, "oui", at, "clore")
    second = closed_request(town, "oui", at, "classer")
    assert first not in invitations(town) and invitations(town)[second][0] == "pending"
    # Reopened and closed again: still one invitation.
    apply_as(town["app"], town["commune"], "chef@a.fr", second, "rouvrir", now=at)
    apply_as(town["app"], town["commune"], "agent@a.fr", second, "classer", now=at)
    assert len(invitations(town)) == 1


def test_no_survey_without_consent_or_after_a_refusal(town):
    configure(town)
    at = utcnow() - timedelta(days=2)
    without, refused = closed_request(town, "sans", at), closed_request(town, "refus", at)
    run_tick(town["app"], at + timedelta(days=1, hours=1))
    assert invitations(town)[without][:2] == ("skipped", "no_consent")
    assert invitations(town)[refused][:2] == ("skipped", "refused")
    assert not [m for m in mails(town) if "votre avis" in m[1]]


def test_a_type_without_settings_asks_nothing(town):
    request_id = closed_request(town, "oui", utcnow())
    assert invitations(town) == {} and request_id


def sent_survey(town, closed_days_ago=2):
    closed = utcnow() - timedelta(days=closed_days_ago)
    request_id = closed_request(town, "oui", closed)
    run_tick(town["app"], closed + timedelta(days=1, hours=1))
    return request_id


def test_the_invitation_is_written_in_the_citizens_language(town):
    """A citizen whose record says English gets an English invitation (the
    commune's French otherwise, above); the history stays in the commune's."""
    with in_commune(town["app"], town["commune"]):
        db.session.get(Citizen, town["oui"]).language = "en"
        db.session.commit()
    configure(town)
    request_id = sent_survey(town)
    [(recipient, subject, body)] = [m for m in mails(town) if "your opinion" in m[1]]
    with in_commune(town["app"], town["commune"]):
        reference = db.session.get(Request, request_id).reference
    assert recipient == "alice@x.fr"
    assert subject == f"Villeneuve-sur-Loire: your opinion on the request {reference}"
    assert body.startswith(f"Hello,\n\nYour request {reference} (") and "5 – Very satisfied: https://" in body
    assert "This link is valid until" in body and "satisfaction surveys" in body
    assert not re.search(r"Bonjour|votre|Très|mairie", body)
    link = re.search(r"https://villeneuve.example.org(/c/villeneuve/enquetes/r/\S+/5)\b", body).group(1)
    town["app"].test_client().get(link)
    assert history(town, request_id) == [("enquetes.answer", "Note 5/5 (Très satisfait)")]


@pytest.mark.parametrize("path, status, message", [
    ("/c/villeneuve/enquetes/r/forged.token/4", 404, "This survey link is not valid."),
    ("{link}x/4", 404, "This survey link is not valid."),
    ("{link}/9", 400, "This link does not carry a score from 1 to 5: nothing was recorded."),
    ("{link}/0", 400, "This link does not carry a score from 1 to 5"),
    ("{other}/4", 404, "This survey link was sent by another town hall"),
])
def test_misused_links_show_a_clear_page_and_store_nothing(town, path, status, message):
    configure(town)
    request_id = sent_survey(town)
    link = survey_link(town, 4)
    url = path.format(link=link, other=link.replace("/c/villeneuve/", "/c/saint-aubin/"))
    response = town["app"].test_client().get(url, headers={"Accept-Language": "en"})
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert invitations(town)[request_id][:3] == ("sent", "", None) and history(town, request_id) == []


def test_an_expired_link_stores_nothing(town):
    configure(town, valid_days="30")
    request_id = sent_survey(town, closed_days_ago=40)
    response = town["app"].test_client().get(f"{survey_link(town, 5)}/5", headers={"Accept-Language": "en"})
    assert response.status_code == 410 and "This survey is closed" in response.get_data(as_text=True)
    assert invitations(town)[request_id][:3] == ("sent", "", None)


def test_a_bad_score_reopens_the_request_with_the_comment(town):
    configure(town, bad_action="reopen", reopen_transition="rouvrir")
    request_id = sent_survey(town)
    client = town["app"].test_client()
    client.get(f"{survey_link(town, 1)}/1")
    with in_commune(town["app"], town["commune"]):
        request = db.session.get(Request, request_id)
        assert (request.state, request.reopened_count) == ("en_cours", 1)
        reopened = db.session.scalars(select(RequestEvent).where(RequestEvent.request_id == request_id,
                                                                 RequestEvent.to_state == "en_cours")
                                      .order_by(RequestEvent.id.desc())).first()
        assert "Enquête de satisfaction" in reopened.details.get("comment", "")
    assert invitations(town)[request_id][:3] == ("answered", "", 1)


def test_not_resolved_alerts_the_service_once(town):
    configure(town, bad_action="alert")
    request_id = sent_survey(town)
    client = town["app"].test_client()
    page = client.get(f"{survey_link(town, 4)}/4").get_data(as_text=True)
    assert not [m for m in mails(town) if m[0] == "voirie@villeneuve.fr"]
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post(survey_link(town, 4), data={"csrf_token": token, "resolved": "no", "comment": "Trou toujours là"})
    alerts = [m for m in mails(town) if m[0] == "voirie@villeneuve.fr"]
    assert len(alerts) == 1 and "Trou toujours là" in alerts[0][2] and "Problème résolu : non" in alerts[0][2]
    assert invitations(town)[request_id][3] == "no"


def test_a_bad_follow_up_is_explained_and_nothing_is_stored(town):
    configure(town)
    request_id = sent_survey(town)
    client = town["app"].test_client()
    page = client.get(f"{survey_link(town, 3)}/3", headers={"Accept-Language": "en"}).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(survey_link(town, 3), data={"csrf_token": token, "resolved": "peut-être", "comment": "x"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "Choose yes, partly or no." in response.get_data(as_text=True)
    assert invitations(town)[request_id] == ("answered", "", 3, "", "")


def test_results_figures_comments_and_exports(town):
    configure(town)
    app = town["app"]
    for score, resolved, comment in ((5, "yes", "<b>Parfait</b>"), (2, "no", "=1+1"), (4, "", "")):
        sent_survey(town)
        client = app.test_client()
        page = client.get(f"{survey_link(town, score)}/{score}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(survey_link(town, score), data={"csrf_token": token, "resolved": resolved, "comment": comment})
    sent_survey(town)  # sent, never answered
    page = client_of(app, "chef@a.fr").get("/admin/enquetes/results/").get_data(as_text=True)
    # 4 invited, 3 answers: 75 %, mean 3.67, one each of 2, 4, 5, resolved 1 of 2, net (2 − 1) / 3.
    assert total_cells(page) == ["All", "4", "3", "75.0 %", "3.67", "0", "1", "0", "1", "1", "50.0 %", "33.3"]
    assert "&lt;b&gt;Parfait&lt;/b&gt;" in page and "<b>Parfait" not in page
    elu = client_of(app, "elu@a.fr").get("/admin/enquetes/results/").get_data(as_text=True)
    assert "75.0 %" in elu and "Parfait" not in elu and 'id="verbatims"' not in elu
    export = client_of(app, "chef@a.fr").get("/admin/enquetes/results/export.csv")
    text = export.get_data().decode("utf-8-sig")
    assert export.status_code == 200 and "<b>Parfait</b>" in text and "'=1+1" in text
    assert "Parfait" not in client_of(app, "elu@a.fr").get("/admin/enquetes/results/export.csv").get_data(
        as_text=True)
    assert client_of(app, "elu@a.fr").get("/admin/enquetes/results/export.xlsx").status_code == 200
    # Another commune's results count none of them.
    other = client_of(app, "admin@b.fr").get("/admin/enquetes/results/").get_data(as_text=True)
    assert total_cells(other) == ["All", "0", "0", "—", "—", "0", "0", "0", "0", "0", "—", "—"]


def total_cells(page):
    total = re.search(r'<table[^>]*id="results-total".*?</table>', page, re.S).group(0)
    return [c.strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", total.split("<tbody>")[1], re.S)]
