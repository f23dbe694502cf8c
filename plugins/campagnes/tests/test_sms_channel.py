"""The SMS channel: a mobile number and the right to write (consent, or the
public-service basis without an opt-out) make an SMS in the core's outbox,
with the legal basis and the unsubscribe link; a landline or no number falls
back to the next channel; the unsubscribe link withdraws the SMS consent."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from grc_core.plugin_api import Citizen, Consent, OutboxMessage, Segment, db, utcnow
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from plugins.campagnes import sending
from plugins.campagnes.models import Campaign, CampaignRecipient

CENTRE = {"match": "all", "items": [{"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}]}


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    make_agent(app, commune, "chef@a.fr", "manager", full_name="Chef")
    with in_commune(app, commune):
        people = {}
        for key, first, phone, mail, consents in (
                # A mobile number and the SMS consent: an SMS.
                ("mobile", "Alice", "06 12 34 56 78", "alice@x.fr", [("sms", None), ("email", None)]),
                # A landline only: no SMS, the e-mail instead.
                ("fixe", "Bruno", "02 38 12 34 56", "bruno@x.fr", [("email", None)]),
                # A mobile number but the SMS consent withdrawn: the e-mail.
                ("stop", "Chloé", "06 98 76 54 32", "chloe@x.fr", [("sms", utcnow()), ("email", None)]),
                # Same mobile number as Alice (a shared phone): one SMS, the other excluded.
                ("meme", "Denis", "+33612345678", "", [("sms", None)]),
                # Nothing to reach: excluded, the last channel's reason.
                ("rien", "Émilie", "", "", [])):
            citizen = Citizen(first_name=first, last_name="Habitant", phone=phone, email=mail, quartier="Centre")
            db.session.add(citizen)
            db.session.flush()
            for channel, revoked in consents:
                db.session.add(Consent(citizen_id=citizen.id, channel=channel, purpose="information_municipale",
                                       revoked_at=revoked))
            people[key] = citizen.id
        segment = Segment(name="Centre", definition=CENTRE)
        db.session.add(segment)
        db.session.commit()
        return {"app": app, "commune": commune, "segment": segment.id, **people}


def _send(town, channels, basis="consent"):
    with in_commune(town["app"], town["commune"]):
        campaign = Campaign(name="Canicule", purpose="Prévenir", legal_basis=basis, segment_id=town["segment"],
                            channels=channels, subject="Canicule", body="Bonjour {prenom}, buvez de l'eau.",
                            status="sending", site_url="http://localhost/")
        db.session.add(campaign)
        db.session.commit()
        sending.send_job(campaign_id=campaign.id)
        rows = {r.citizen_id: (r.channel, r.status, r.reason) for r in db.session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign.id))}
        return campaign.id, rows


def test_sms_first_then_email_one_message_per_person(town):
    campaign, rows = _send(town, "sms,email")
    assert rows == {
        town["mobile"]: ("sms", "sent", ""),
        town["fixe"]: ("email", "sent", ""),
        town["stop"]: ("email", "sent", ""),
        town["meme"]: ("email", "excluded", "no_address"),
        town["rien"]: ("email", "excluded", "no_address"),
    }
    with in_commune(town["app"], town["commune"]):
        messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert sorted((m.channel, m.recipient) for m in messages) == [
            ("email", "bruno@x.fr"), ("email", "chloe@x.fr"), ("sms", "+33612345678")]
        text = next(m.body for m in messages if m.channel == "sms")
        assert text.startswith("Bonjour Alice, buvez de l'eau.")
        assert "Mairie de Villeneuve-sur-Loire, information municipale que vous avez acceptée." in text
        assert "STOP : http://localhost/campagnes/unsubscribe/" in text
    page = _client(town).get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert '<td data-result="sms-sent">1</td>' in page and '<td data-result="email-sent">2</td>' in page


def test_one_sms_per_number_and_the_sms_unsubscribe_withdraws_that_consent(town):
    campaign, rows = _send(town, "sms")
    assert rows[town["mobile"]] == ("sms", "sent", "")
    assert rows[town["meme"]] == ("sms", "excluded", "duplicate")
    assert rows[town["fixe"]] == ("sms", "excluded", "no_address")
    assert rows[town["stop"]] == ("sms", "excluded", "opted_out")
    with in_commune(town["app"], town["commune"]):
        text = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.channel == "sms"))
    path = text.rsplit("STOP : http://localhost", 1)[1].strip()
    assert _client(town, signed_in=False).post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with in_commune(town["app"], town["commune"]):
        consent = db.session.scalar(select(Consent).where(Consent.citizen_id == town["mobile"],
                                                          Consent.channel == "sms"))
        assert consent.revoked_at is not None
        email = db.session.scalar(select(Consent).where(Consent.citizen_id == town["mobile"],
                                                        Consent.channel == "email"))
        assert email.revoked_at is None  # only the channel the message came by


def _client(town, signed_in=True):
    client = town["app"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if signed_in:
        login(client, "chef@a.fr")
    return client
