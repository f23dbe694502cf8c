"""Campaigns end to end: writing, approval by another, sending at send time
with consent and opt-out checked per person, exactly once even after a
crash, one-click unsubscribe, results, and who may do what."""
from __future__ import annotations

import email
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Consent, OutboxMessage, Segment, db, utcnow
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form, run_tick
from plugins.campagnes import sending
from plugins.campagnes.models import Campaign, CampaignRecipient

SENIORS = {"match": "all", "items": [{"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}]}


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["campagnes"])
    for email_, role in (("admin@a.fr", "admin"), ("chef@a.fr", "manager"), ("elu@a.fr", "elu"),
                         ("agent@a.fr", "agent")):
        make_agent(app, commune, email_, role, full_name=email_.split("@")[0].title())
    make_agent(app, other, "admin@b.fr", "admin")
    with in_commune(app, commune):
        people = {}
        for key, first, mail, consent in (
                ("oui", "Alice", "alice@x.fr", "given"), ("non", "Bruno", "bruno@x.fr", None),
                ("retire", "Chloé", "chloe@x.fr", "withdrawn"), ("sans", "Denis", "", "given"),
                ("double", "Emma", "ALICE@x.fr", "given")):
            citizen = Citizen(first_name=first, last_name="Habitant", email=mail, quartier="Centre")
            db.session.add(citizen)
            db.session.flush()
            if consent:
                db.session.add(Consent(citizen_id=citizen.id, channel="email", purpose="information_municipale",
                                       revoked_at=utcnow() if consent == "withdrawn" else None))
            people[key] = citizen.id
        segment = Segment(name="Centre", definition=SENIORS)
        db.session.add(segment)
        db.session.commit()
        segment_id = segment.id
    return {"app": app, "commune": commune, "other": other, "segment": segment_id, **people}


def client_of(app, email_):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email_)
    return client


FORM = {"name": "Travaux rue Haute", "purpose": "Prévenir des travaux.", "legal_basis": "public_task", "channels": "email",
        "subject": "Travaux à {commune}", "body": "Bonjour {prenom},\nles travaux commencent lundi."}


def campaigns(town):
    with in_commune(town["app"], town["commune"]):
        return [(c.name, c.status) for c in db.session.scalars(select(Campaign).order_by(Campaign.id))]


def new_campaign(town, client, **change):
    response = post_form(client, "/admin/campagnes/new", {**FORM, "segment_id": town["segment"], **change})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


@pytest.mark.parametrize("change, message", [
    ({"name": ""}, "Required."),
    ({"legal_basis": "interest"}, "Choose the legal basis."),
    ({"segment_id": "999999"}, "Choose a segment."),
    ({"body": "Bonjour {prenon}"}, "Unknown variables: {prenon} (known: {prenom}, {nom}, {commune}, {quartier})."),
])
def test_bad_input_is_explained_and_nothing_is_stored(town, change, message):
    client = client_of(town["app"], "admin@a.fr")
    page = post_form(client, "/admin/campagnes/new", {**FORM, "segment_id": town["segment"], **change})
    assert message in page.get_data(as_text=True)
    assert campaigns(town) == []


def outbox(town):
    with in_commune(town["app"], town["commune"]):
        return [(m.recipient, m.subject, m.body, m.headers) for m in
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def recipients(town, campaign_id):
    with in_commune(town["app"], town["commune"]):
        return {r.citizen_id: (r.status, r.reason) for r in
                db.session.scalars(select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def test_from_draft_to_results(town):
    app = town["app"]
    author, chief = client_of(app, "admin@a.fr"), client_of(app, "chef@a.fr")
    campaign = new_campaign(town, author)
    page = author.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert "Preview for" in page and "Bonjour Alice," in page
    assert "mission d&#39;information du public" in page
    post_form(author, f"/admin/campagnes/{campaign}/submit")
    # The author cannot approve his own campaign, even holding the permission.
    page = post_form(author, f"/admin/campagnes/{campaign}/approve", follow_redirects=True).get_data(as_text=True)
    assert "another manager must approve it" in page and campaigns(town) == [("Travaux rue Haute", "submitted")]
    post_form(chief, f"/admin/campagnes/{campaign}/approve")
    # Edited after approval: a draft again.
    post_form(author, f"/admin/campagnes/{campaign}/edit", {**FORM, "segment_id": town["segment"],
                                                              "subject": "Travaux à {commune} (modifié)"})
    assert campaigns(town) == [("Travaux rue Haute", "draft")]
    post_form(author, f"/admin/campagnes/{campaign}/submit")
    post_form(chief, f"/admin/campagnes/{campaign}/approve")
    # Bruno unsubscribes after the segment was saved: excluded at send time.
    with in_commune(app, town["commune"]):
        db.session.add(Consent(citizen_id=town["non"], channel="email", purpose="information_municipale",
                               given_at=utcnow(), revoked_at=utcnow()))
        db.session.commit()
    post_form(chief, f"/admin/campagnes/{campaign}/send")
    assert campaigns(town) == [("Travaux rue Haute", "sent")]
    assert recipients(town, campaign) == {
        town["oui"]: ("sent", ""), town["non"]: ("excluded", "opted_out"), town["retire"]: ("excluded", "opted_out"),
        town["sans"]: ("excluded", "no_address"), town["double"]: ("excluded", "duplicate")}
    [(to, subject, body, headers)] = outbox(town)
    assert to == "alice@x.fr" and subject == "Travaux à Villeneuve-sur-Loire (modifié)"
    assert "Bonjour Alice," in body and "RGPD art. 6-1-e" in body
    link = headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://localhost/campagnes/unsubscribe/") and link in body
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    results = chief.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert '<td data-result="sent">1</td>' in results and '<td data-result="opted_out">2</td>' in results

    # One click from the mail client (RFC 8058): no session, no CSRF token.
    path = link.replace("http://localhost", "")
    assert app.test_client().post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with in_commune(app, town["commune"]):
        consent = db.session.scalar(select(Consent).where(Consent.citizen_id == town["oui"]))
        assert consent.revoked_at is not None
    assert '<td data-result="unsubscribed">1</td>' in chief.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    # A browser's GET shows the page; a forged token is absent.
    assert "no longer receive" in app.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert app.test_client().post(path[:-3] + "xyz").status_code == 404
    # The campaign is on Alice's 360° record.
    assert "Travaux rue Haute" in author.get(f"/admin/citizens/{town['oui']}/").get_data(as_text=True)


def test_a_crash_in_the_middle_sends_nobody_twice(town, monkeypatch):
    app = town["app"]
    with in_commune(app, town["commune"]):
        extra = [Citizen(first_name=f"P{i}", last_name="Habitant", email=f"p{i}@x.fr", quartier="Centre")
                 for i in range(7)]
        db.session.add_all(extra)
        db.session.flush()
        campaign = Campaign(name="Batch", purpose="p", legal_basis="public_task", segment_id=town["segment"],
                            subject="S", body="B", status="sending", site_url="http://localhost/",
                            author_id=None)
        db.session.add(campaign)
        db.session.commit()
        campaign_id = campaign.id
        sending.prepare(campaign, utcnow())
        db.session.commit()
        assert sending.send_batch(campaign, utcnow(), limit=3) == 3
        calls = {"n": 0}
        real = sending.enqueue_email

        def dies_on_the_second(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("worker killed")
            return real(*args, **kwargs)

        monkeypatch.setattr(sending, "enqueue_email", dies_on_the_second)
        with pytest.raises(OSError):
            sending.send_batch(campaign, utcnow(), limit=3)
        db.session.rollback()
        monkeypatch.setattr(sending, "enqueue_email", real)
        assert sending.send_job(campaign_id=campaign_id, limit=3) == {"sent": 7 - 3 + 2}
        sent_to = db.session.scalars(select(OutboxMessage.recipient)).all()
    # Public-service information: Alice, Bruno and the seven (Chloé unsubscribed, Emma shares Alice's
    # address, Denis has none) — each exactly once.
    assert sorted(sent_to) == sorted(set(sent_to)) and len(sent_to) == 2 + 7


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Box:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.content)
        return "250 Message accepted"


def test_the_messages_reach_a_real_mail_server_with_their_unsubscribe_headers(town, monkeypatch):
    app = town["app"]
    box = Box()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                           "MAIL_USERNAME": ""}.items():
            monkeypatch.setitem(app.config["GRC"], key, value)
        with in_commune(app, town["commune"]):
            campaign = Campaign(name="Réel", purpose="p", legal_basis="consent", segment_id=town["segment"],
                                subject="Bonjour {prenom}", body="<script>alert(1)</script> Texte",
                                status="sending", site_url="https://villeneuve.example/")
            db.session.add(campaign)
            db.session.commit()
            sending.send_job(campaign_id=campaign.id)
        run_tick(app, utcnow() + timedelta(minutes=1))
    finally:
        controller.stop()
    [raw] = box.received
    message = email.message_from_bytes(raw)
    assert message["Subject"] == "Bonjour Alice" and message.get_content_type() == "text/plain"
    assert message["List-Unsubscribe"].startswith("<https://villeneuve.example/campagnes/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Plain text: markup is words, not code, for every mail client.
    assert "<script>alert(1)</script> Texte" in message.get_payload(decode=True).decode()


def test_who_may_do_what(town):
    app = town["app"]
    author = client_of(app, "admin@a.fr")
    campaign = new_campaign(town, author)
    elu = client_of(app, "elu@a.fr")
    assert elu.get("/admin/campagnes/").status_code == 200
    assert elu.get(f"/admin/campagnes/{campaign}").status_code == 200
    assert elu.get("/admin/campagnes/new").status_code == 403
    assert post_form(elu, f"/admin/campagnes/{campaign}/submit").status_code == 403
    assert client_of(app, "agent@a.fr").get("/admin/campagnes/").status_code == 403
    outsider = client_of(app, "admin@b.fr")
    assert outsider.get(f"/admin/campagnes/{campaign}").status_code == 404
    assert post_form(outsider, f"/admin/campagnes/{campaign}/cancel").status_code == 404
    assert campaigns(town) == [("Travaux rue Haute", "draft")]
    # Sending is refused before approval.
    assert post_form(client_of(app, "chef@a.fr"), f"/admin/campagnes/{campaign}/send").status_code == 409
    assert outbox(town) == []


def test_a_scheduled_campaign_starts_with_the_tick(town):
    app = town["app"]
    with in_commune(app, town["commune"]):
        campaign = Campaign(name="Programmée", purpose="p", legal_basis="public_task", segment_id=town["segment"],
                            subject="S", body="B", status="approved", site_url="http://localhost/",
                            send_at=utcnow() + timedelta(hours=2))
        db.session.add(campaign)
        db.session.commit()
    run_tick(app, utcnow() + timedelta(hours=1))
    assert campaigns(town) == [("Programmée", "approved")]
    run_tick(app, utcnow() + timedelta(hours=3))
    assert campaigns(town) == [("Programmée", "sent")]
