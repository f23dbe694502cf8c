"""Barometer surveys end to end: written with the core's field editor, sent
to a segment (consent checked at sending, an empty segment refused), answered
once through a signed link (anonymous: no link to the person), typed on
paper or by phone with the channel, every misuse of a link (clear page,
nothing stored), and the results computed exactly, groups under the
commune's threshold hidden, HTML escaped on the page and in the exports."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Consent, OutboxMessage, Segment, db, utcnow
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form, today
from plugins.enquetes import barometers, surveys
from plugins.enquetes.models import Barometer, BarometerAnswer, BarometerInvitation

EVERYONE = {"match": "all", "items": [{"criterion": "core.age", "params": {"min_age": 0}}]}
NOBODY = {"match": "all", "items": [{"criterion": "core.age", "params": {"min_age": 129}}]}


def born(years: int) -> date:
    return date(today().year - years, 1, 1)


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["enquetes"])
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["enquetes"])
    make_agent(app, commune, "admin@a.fr", "admin")
    make_agent(app, commune, "chef@a.fr", "manager")
    make_agent(app, commune, "elu@a.fr", "elu")
    make_agent(app, commune, "agent@a.fr", "agent")
    make_agent(app, other, "admin@b.fr", "admin")
    people = {}
    with in_commune(app, commune):
        # (key, quartier, age, e-mail, consent): five in Les Prés aged 30 (a group at the threshold of 5),
        # Alice alone in Centre, and one for each reason not to be asked.
        population = [("alice", "Centre", 80, "alice@x.fr", "given")]
        population += [(f"pres{n}", "Les Prés", 30, f"pres{n}@x.fr", "given") for n in range(1, 6)]
        population += [("bruno", "Centre", 40, "bruno@x.fr", None), ("chloe", "Centre", 40, "chloe@x.fr", "withdrawn"),
                       ("david", "Centre", 40, "", "given")]
        for key, quartier, age, mail, consent in population:
            citizen = Citizen(first_name=key.title(), last_name="Habitant", email=mail, quartier=quartier,
                              birth_date=born(age))
            db.session.add(citizen)
            db.session.flush()
            if consent:
                db.session.add(Consent(citizen_id=citizen.id, channel="email", purpose=surveys.PURPOSE,
                                       revoked_at=utcnow() if consent == "withdrawn" else None))
            people[key] = citizen.id
        segments = {}
        for name, definition in (("Tout le monde", EVERYONE), ("Personne", NOBODY)):
            segment = Segment(name=name, definition=definition)
            db.session.add(segment)
            db.session.flush()
            segments[name] = segment.id
        db.session.commit()
    with in_commune(app, other):
        segment = Segment(name="Tout le monde", definition=EVERYONE)
        db.session.add(segment)
        db.session.commit()
        other_segment = segment.id
    return {"app": app, "commune": commune, "other": other, "segments": segments, "other_segment": other_segment,
            **people}


def client_of(app, email_):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email_)
    return client


QUESTIONS = {
    "fields-0-label": "Note de la propreté", "fields-0-name": "proprete", "fields-0-type": "integer",
    "fields-0-min": "1", "fields-0-max": "5", "fields-0-required": "y",
    "fields-1-label": "Moyen de transport", "fields-1-name": "transport", "fields-1-type": "choice",
    "fields-1-choices": "bus|Bus\nvelo|Vélo\nvoiture|Voiture",
    "fields-2-label": "Une idée ?", "fields-2-name": "idee", "fields-2-type": "textarea",
}


def create(town, anonymous=True, segment="Tout le monde", **change):
    data = {"title": "Baromètre de la propreté", "purpose": "Savoir si les rues sont assez propres.",
            "retention_months": "12", "opens_on": (today() - timedelta(days=1)).isoformat(),
            "closes_on": (today() + timedelta(days=30)).isoformat(), "segment_id": str(town["segments"][segment]),
            **({"anonymous": "y"} if anonymous else {}), **QUESTIONS, **change}
    response = post_form(client_of(town["app"], "chef@a.fr"), "/admin/enquetes/barometers/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def send(town, barometer_id, email_="chef@a.fr"):
    client = client_of(town["app"], email_)
    post_form(client, f"/admin/enquetes/barometers/{barometer_id}/send", {})
    return client.get(f"/admin/enquetes/barometers/{barometer_id}").get_data(as_text=True)


def mails(town):
    with in_commune(town["app"], town["commune"]):
        return [(m.recipient, m.body) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def link_of(town, recipient):
    body = next(b for r, b in mails(town) if r == recipient)
    return re.search(r"http://localhost(/c/villeneuve/enquetes/b/\S+)", body).group(1)


def answers(town):
    with in_commune(town["app"], town["commune"]):
        return [(a.channel, a.citizen_id, a.invitation_id, a.quartier, a.age_band, a.data)
                for a in db.session.scalars(select(BarometerAnswer).order_by(BarometerAnswer.id))]


def answer(town, path, data, client=None):
    client = client or town["app"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(path)
    if page.status_code != 200:
        return page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(path, data={"csrf_token": token, **data})


def test_the_questions_are_written_with_the_core_editor(town):
    barometer_id = create(town)
    with in_commune(town["app"], town["commune"]):
        barometer = db.session.get(Barometer, barometer_id)
        assert [(f["name"], f["type"], f["required"]) for f in barometer.fields] == [
            ("proprete", "integer", True), ("transport", "choice", False), ("idee", "textarea", False)]
        assert barometer.fields[1]["choices"] == [["bus", "Bus"], ["velo", "Vélo"], ["voiture", "Voiture"]]
        assert barometer.status == "draft" and barometer.anonymous
    page = client_of(town["app"], "chef@a.fr").get(f"/admin/enquetes/barometers/{barometer_id}").get_data(as_text=True)
    assert 'id="grc-field-rows"' in page and 'value="Note de la propreté"' in page


def test_bad_survey_forms_are_refused_and_nothing_is_stored(town):
    client = client_of(town["app"], "chef@a.fr")
    base = {"title": "Sans question", "purpose": "Pourquoi", "retention_months": "12",
            "opens_on": today().isoformat(), "closes_on": (today() - timedelta(days=1)).isoformat(),
            "segment_id": str(town["segments"]["Tout le monde"]),
            "fields-0-label": "Pièce jointe", "fields-0-type": "file"}
    response = post_form(client, "/admin/enquetes/barometers/new", base)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The survey closes after it opens." in page
    assert "a survey cannot ask for « File »" in page
    response = post_form(client, "/admin/enquetes/barometers/new",
                         {**base, "closes_on": today().isoformat(), "fields-0-label": "", "fields-0-type": "text",
                          "segment_id": str(town["other_segment"])})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Write at least one question." in page
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalar(select(func.count(Barometer.id))) == 0


def test_sent_to_the_segment_consent_checked_at_sending(town):
    barometer_id = create(town)
    page = send(town, barometer_id)
    # Alice and the five of Les Prés; not Bruno (no consent), Chloé (withdrawn), David (no address).
    assert "Survey sent to 6 people; 3 not asked" in page
    assert sorted(r for r, _b in mails(town)) == sorted(["alice@x.fr"] + [f"pres{n}@x.fr" for n in range(1, 6)])
    with in_commune(town["app"], town["commune"]):
        rows = {i.citizen_id: (i.status, i.reason, i.quartier, i.age_band)
                for i in db.session.scalars(select(BarometerInvitation))}
    assert rows[town["alice"]] == ("sent", "", "Centre", "75+")
    assert rows[town["pres1"]] == ("sent", "", "Les Prés", "25-39")
    assert rows[town["bruno"]][:2] == ("excluded", "no_consent")
    assert rows[town["chloe"]][:2] == ("excluded", "refused")
    assert rows[town["david"]][:2] == ("excluded", "no_address")
    body = next(b for r, b in mails(town) if r == "alice@x.fr")
    assert "Savoir si les rues sont assez propres." in body and "anonymes" in body and "12 mois" in body
    # Sent once: a second click sends nothing more.
    assert "This survey was already sent." in send(town, barometer_id)
    assert len(mails(town)) == 6


def test_an_english_citizen_is_asked_in_english(town):
    """The fixed words follow the citizen's language; the author's title and purpose stay as written."""
    with in_commune(town["app"], town["commune"]):
        db.session.get(Citizen, town["alice"]).language = "en"
        db.session.commit()
    send(town, create(town))
    english = next(b for r, b in mails(town) if r == "alice@x.fr")
    french = next(b for r, b in mails(town) if r == "pres1@x.fr")
    assert english.startswith("Hello,\n\nThe town hall of Villeneuve-sur-Loire asks you a few questions: « ")
    assert "Savoir si les rues sont assez propres." in english and "Your answers are anonymous" in english
    assert "They are kept 12 months after the end of the survey." in english and "Bonjour" not in english
    assert french.startswith("Bonjour,\n\nLa mairie de Villeneuve-sur-Loire vous pose quelques questions")


def test_an_empty_segment_is_refused_and_nothing_is_sent(town):
    barometer_id = create(town, segment="Personne")
    page = send(town, barometer_id)
    assert "The segment « Personne » selects nobody today: nothing was sent." in page
    assert mails(town) == []
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalar(select(func.count(BarometerInvitation.id))) == 0
        assert db.session.get(Barometer, barometer_id).status == "draft"


def test_a_segment_of_people_who_all_refused_is_refused(town):
    with in_commune(town["app"], town["commune"]):
        segment = Segment(name="Centre sans consentement", definition={"match": "all", "items": [
            {"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}},
            {"criterion": "core.age", "params": {"max_age": 50}}]})
        db.session.add(segment)
        db.session.commit()
        town["segments"]["Centre"] = segment.id
    barometer_id = create(town, segment="Centre")
    assert "accepted the town hall&#39;s surveys by e-mail: nothing was sent." in send(town, barometer_id)
    assert mails(town) == []


def test_anonymous_answer_keeps_no_link_to_the_person(town):
    barometer_id = create(town)
    send(town, barometer_id)
    path = link_of(town, "alice@x.fr")
    page = town["app"].test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    # The first page says who asks, why, that it is anonymous, and how long the answers are kept.
    assert "The town hall of Villeneuve-sur-Loire." in page and "Savoir si les rues sont assez propres." in page
    assert "Anonymous: your answers are not linked to your name" in page
    assert "12 months after the survey closes on" in page
    response = answer(town, path, {"f_proprete": "4", "f_transport": "velo", "f_idee": "Plus de poubelles"})
    assert response.status_code == 200 and "your answer is recorded" in response.get_data(as_text=True)
    assert answers(town) == [("web", None, None, "Centre", "75+",
                              {"proprete": 4, "transport": "velo", "idee": "Plus de poubelles"})]
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalar(select(BarometerInvitation.used).where(
            BarometerInvitation.citizen_id == town["alice"]))
    # A second answer: refused, the first kept.
    response = answer(town, path, {"f_proprete": "1"})
    assert response.status_code == 409
    assert "You have already answered this survey: your first answer is kept." in response.get_data(as_text=True)
    assert len(answers(town)) == 1


def test_named_answer_is_linked_to_the_person(town):
    barometer_id = create(town, anonymous=False)
    send(town, barometer_id)
    path = link_of(town, "alice@x.fr")
    assert "Named: the town hall will know" in town["app"].test_client().get(
        path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    answer(town, path, {"f_proprete": "5"})
    [(channel, citizen_id, invitation_id, *_rest)] = answers(town)
    assert channel == "web" and citizen_id == town["alice"] and invitation_id is not None


def test_a_wrong_answer_is_refused_and_nothing_stored(town):
    barometer_id = create(town)
    send(town, barometer_id)
    response = answer(town, link_of(town, "alice@x.fr"), {"f_proprete": "9"})
    assert response.status_code == 400 and "Number must be between 1 and 5." in response.get_data(as_text=True)
    response = answer(town, link_of(town, "alice@x.fr"), {"f_proprete": ""})
    assert response.status_code == 400
    assert answers(town) == []


def test_token_misuse_shows_a_clear_page_and_stores_nothing(town):
    app = town["app"]
    barometer_id = create(town)
    send(town, barometer_id)
    path = link_of(town, "alice@x.fr")
    token = path.rsplit("/", 1)[1]
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    forged = client.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert forged.status_code == 404 and "This survey link is not valid." in forged.get_data(as_text=True)
    # The right token under another commune's address.
    other = client.get(f"/c/saint-aubin/enquetes/b/{token}")
    assert other.status_code == 404 and "sent by another town hall" in other.get_data(as_text=True)
    # Closed, then not open yet.
    with in_commune(app, town["commune"]):
        barometer = db.session.get(Barometer, barometer_id)
        barometer.opens_on, barometer.closes_on = today() - timedelta(days=40), today() - timedelta(days=1)
        db.session.commit()
    closed = answer(town, path, {"f_proprete": "3"})
    assert closed.status_code == 410 and "This survey closed on" in closed.get_data(as_text=True)
    response = client.post(path, data={"f_proprete": "3"})
    assert response.status_code in (400, 410)
    with in_commune(app, town["commune"]):
        barometer = db.session.get(Barometer, barometer_id)
        barometer.opens_on, barometer.closes_on = today() + timedelta(days=2), today() + timedelta(days=9)
        db.session.commit()
    early = client.get(path)
    assert early.status_code == 403 and "This survey opens on" in early.get_data(as_text=True)
    # A survey of a commune that disabled the module answers nothing.
    assert answers(town) == []


def test_reused_token_under_race_keeps_one_answer(town):
    barometer_id = create(town)
    send(town, barometer_id)
    with in_commune(town["app"], town["commune"]):
        invitation = db.session.scalar(select(BarometerInvitation).where(
            BarometerInvitation.citizen_id == town["alice"]))
        assert barometers.record_answer(invitation, {"proprete": 2}, "web", utcnow())
        assert not barometers.record_answer(invitation, {"proprete": 5}, "web", utcnow())
        db.session.commit()
    assert [a[-1] for a in answers(town)] == [{"proprete": 2}]


def test_paper_and_phone_answers_typed_by_an_agent(town):
    barometer_id = create(town, anonymous=False)
    send(town, barometer_id)
    with in_commune(town["app"], town["commune"]):
        code = db.session.scalar(select(BarometerInvitation.code).where(
            BarometerInvitation.citizen_id == town["pres1"]))
        refused_code = db.session.scalar(select(BarometerInvitation.code).where(
            BarometerInvitation.citizen_id == town["bruno"]))
    client = client_of(town["app"], "chef@a.fr")
    url = f"/admin/enquetes/barometers/{barometer_id}/paper"
    bad = post_form(client, url, {"code": code, "channel": "pigeon", "f_proprete": "3"})
    assert bad.status_code == 400 and "Choose paper or phone." in bad.get_data(as_text=True)
    unknown = post_form(client, url, {"code": "NOPE", "channel": "paper", "f_proprete": "3"})
    assert unknown.status_code == 400 and "No invitation of this survey has this code." in unknown.get_data(as_text=True)
    # A person not asked (no consent) has no invitation to answer.
    assert post_form(client, url, {"code": refused_code, "channel": "paper", "f_proprete": "3"}).status_code == 400
    assert answers(town) == []
    assert post_form(client, url, {"code": code.lower(), "channel": "phone", "f_proprete": "3"}).status_code == 302
    [(channel, citizen_id, *_rest)] = answers(town)
    assert (channel, citizen_id) == ("phone", town["pres1"])
    again = post_form(client, url, {"code": code, "channel": "paper", "f_proprete": "5"})
    assert again.status_code == 400 and "already answered: the first answer is kept" in again.get_data(as_text=True)
    assert len(answers(town)) == 1
    # The agent's link, once typed, is used: the e-mail's link says so.
    assert answer(town, link_of(town, "pres1@x.fr"), {"f_proprete": "1"}).status_code == 409
    # An agent without the permission may not type answers.
    assert client_of(town["app"], "agent@a.fr").get(url).status_code == 403


def results_page(town, barometer_id, email_="chef@a.fr"):
    return client_of(town["app"], email_).get(f"/admin/enquetes/barometer-results/{barometer_id}")


def test_results_exact_on_a_known_set_with_the_threshold(town):
    barometer_id = create(town)
    send(town, barometer_id)
    given = [("alice@x.fr", "1", "bus", "<b>Sale</b>")] + [
        (f"pres{n}@x.fr", str(score), transport, text) for n, score, transport, text in (
            (1, 5, "velo", ""), (2, 4, "velo", "=1+1"), (3, 4, "bus", ""), (4, 3, "voiture", ""), (5, 2, "velo", ""))]
    for recipient, score, transport, text in given:
        assert answer(town, link_of(town, recipient),
                      {"f_proprete": score, "f_transport": transport, "f_idee": text}).status_code == 200
    response = results_page(town, barometer_id)
    page = response.get_data(as_text=True)
    # 6 invited, 6 answers; mean of 1, 5, 4, 4, 3, 2 = 3.17.
    assert "Invited: 6 — answers: 6 — response rate: 100.0 %" in page
    assert "6 answers, mean 3.17" in page
    assert table(page, "question-1") == [["1", "1"], ["2", "1"], ["3", "1"], ["4", "2"], ["5", "1"]]
    assert table(page, "question-2") == [["Bus", "2"], ["Vélo", "3"], ["Voiture", "1"]]
    # Les Prés (5 answers, the threshold) shown: mean of 5, 4, 4, 3, 2 = 3.6; Centre (1) hidden.
    assert "Les Prés — 5 answers / 5 (100.0 %)" in page and "5 answers, mean 3.6" in page
    assert "Centre —" not in page
    assert "1 group not shown: fewer than 5 answers" in page
    # The age bands: 25-39 (the five) shown, 75+ (Alice) hidden.
    assert "25 to 39 — 5 answers" in page and "75 and over —" not in page
    # Text answers escaped; élus see no text answer.
    assert "&lt;b&gt;Sale&lt;/b&gt;" in page and "<b>Sale</b>" not in page
    elu = results_page(town, barometer_id, "elu@a.fr").get_data(as_text=True)
    assert "mean 3.17" in elu and "Sale" not in elu
    # A higher threshold hides Les Prés too.
    with in_commune(town["app"], town["commune"]):
        from grc_core.plugin_api import Commune

        commune = db.session.get(Commune, town["commune"])
        commune.settings = {**(commune.settings or {}), "enquetes.seuil_resultats": 6}
        db.session.commit()
    page = results_page(town, barometer_id).get_data(as_text=True)
    assert "Les Prés —" not in page and "2 groups not shown" in page


def test_results_exports_and_another_commune(town):
    barometer_id = create(town)
    send(town, barometer_id)
    answer(town, link_of(town, "alice@x.fr"), {"f_proprete": "2", "f_idee": "<script>x</script>"})
    answer(town, link_of(town, "pres2@x.fr"), {"f_proprete": "4", "f_idee": "=HYPERLINK(\"x\")"})
    client = client_of(town["app"], "chef@a.fr")
    export = client.get(f"/admin/enquetes/barometer-results/{barometer_id}/export.csv")
    text = export.get_data().decode("utf-8-sig")
    assert export.status_code == 200
    assert "Response rate (%)" in text and "33.3" in text and "Note de la propreté" in text
    assert "<script>x</script>" in text and "'=HYPERLINK" in text
    assert client.get(f"/admin/enquetes/barometer-results/{barometer_id}/export.xlsx").status_code == 200
    assert client.get(f"/admin/enquetes/barometer-results/{barometer_id}/export.pdf").status_code == 404
    elu_csv = client_of(town["app"], "elu@a.fr").get(f"/admin/enquetes/barometer-results/{barometer_id}/export.csv")
    assert elu_csv.status_code == 200 and "script" not in elu_csv.get_data(as_text=True)
    other = client_of(town["app"], "admin@b.fr")
    assert other.get(f"/admin/enquetes/barometer-results/{barometer_id}").status_code == 404
    assert other.get(f"/admin/enquetes/barometer-results/{barometer_id}/export.csv").status_code == 404
    assert other.get(f"/admin/enquetes/barometers/{barometer_id}").status_code == 404
    assert client_of(town["app"], "agent@a.fr").get(
        f"/admin/enquetes/barometer-results/{barometer_id}").status_code == 403


def test_answers_are_deleted_after_their_retention(town):
    barometer_id = create(town)
    send(town, barometer_id)
    answer(town, link_of(town, "alice@x.fr"), {"f_proprete": "2"})
    with in_commune(town["app"], town["commune"]):
        barometer = db.session.get(Barometer, barometer_id)
        closes = barometer.closes_on
        assert barometers.purge_expired(closes + timedelta(days=300)) == 0
        assert barometers.purge_expired(closes + timedelta(days=400)) == 1
        db.session.commit()
    assert answers(town) == []


def table(page, table_id):
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S).group(0)
    body = found.split("<tbody>")[1]
    return [[c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
