"""Channels in order with fallback, and the printable letters: one PDF, a
page per letter recipient, read back with pypdf; each person once."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from grc_core.plugin_api import Citizen, Consent, HouseholdLink, OutboxMessage, Segment, db, utcnow
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune, post_form
from plugins.campagnes import letters, sending
from plugins.campagnes.models import Campaign, CampaignRecipient

CENTRE = {"match": "all", "items": [{"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}]}
STREET = {"address_number": "12", "address_street": "rue des Tilleuls", "postcode": "45900",
          "city": "Villeneuve-sur-Loire"}


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["campagnes"])
    for email_, role in (("admin@a.fr", "admin"), ("chef@a.fr", "manager"), ("elu@a.fr", "elu")):
        make_agent(app, commune, email_, role, full_name=email_.split("@")[0].title())
    make_agent(app, other, "admin@b.fr", "admin")
    with in_commune(app, commune):
        people = {}
        for key, first, mail, address, consents in (
                # E-mail and its consent: an e-mail.
                ("mail", "Alice", "alice@x.fr", STREET, [("email", None)]),
                # No e-mail: a letter (public-service information needs no consent).
                ("lettre", "Bruno", "", STREET, []),
                # Same address as Bruno, another person: her own letter.
                ("voisine", "Émilie", "", STREET, []),
                # Neither address: excluded, the first channel's reason.
                ("rien", "Chloé", "", {}, []),
                # Unsubscribed from letters, no e-mail: excluded, absent from the PDF.
                ("refus", "Denis", "", {**STREET, "address_number": "14"}, [("courrier", utcnow())]),
                # Recorded twice (same name and address): one letter.
                ("double", "Bruno", "", STREET, [])):
            citizen = Citizen(civility="M." if first in ("Bruno", "Denis") else "Mme", first_name=first,
                              last_name="Habitant", email=mail, quartier="Centre", **address)
            db.session.add(citizen)
            db.session.flush()
            for channel, revoked in consents:
                db.session.add(Consent(citizen_id=citizen.id, channel=channel, purpose="information_municipale",
                                       revoked_at=revoked))
            people[key] = citizen.id
        db.session.add(HouseholdLink(citizen_id=people["lettre"], relative_id=people["voisine"], relation="spouse"))
        segment = Segment(name="Centre", definition=CENTRE)
        db.session.add(segment)
        db.session.commit()
        segment_id = segment.id
    return {"app": app, "commune": commune, "other": other, "segment": segment_id, **people}


def client_of(app, email_):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, email_)
    return client


def sent_campaign(town, channels, basis="public_task"):
    with in_commune(town["app"], town["commune"]):
        campaign = Campaign(name="Travaux", purpose="Prévenir", legal_basis=basis, segment_id=town["segment"],
                            channels=channels, subject="Travaux rue des Tilleuls",
                            body="Bonjour {prenom} {nom},\nles travaux commencent lundi à {commune}.",
                            status="sending", site_url="http://localhost/")
        db.session.add(campaign)
        db.session.commit()
        sending.send_job(campaign_id=campaign.id)
        return campaign.id


def recipients(town, campaign_id):
    with in_commune(town["app"], town["commune"]):
        return {r.citizen_id: (r.channel, r.status, r.reason) for r in db.session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_email_then_letter_one_message_per_person(town):
    app = town["app"]
    campaign = sent_campaign(town, "email,courrier")
    # One row per person: the channel that reaches them, or where the fallback ended and why.
    assert recipients(town, campaign) == {
        town["mail"]: ("email", "sent", ""),
        town["lettre"]: ("courrier", "sent", ""),
        town["voisine"]: ("courrier", "sent", ""),
        town["rien"]: ("courrier", "excluded", "no_address"),
        town["refus"]: ("courrier", "excluded", "opted_out"),
        town["double"]: ("courrier", "excluded", "duplicate"),
    }
    with in_commune(app, town["commune"]):
        assert db.session.scalars(select(OutboxMessage.recipient)).all() == ["alice@x.fr"]
    # Results per channel on the campaign's page.
    page = client_of(app, "chef@a.fr").get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert '<td data-result="email-sent">1</td>' in page and '<td data-result="courrier-sent">2</td>' in page
    assert '<td data-result="targeted">6</td>' in page and '<td data-result="sent">3</td>' in page


def test_the_letters_pdf_has_a_page_per_recipient_and_nobody_excluded(town):
    app = town["app"]
    campaign = sent_campaign(town, "courrier")
    rows = recipients(town, campaign)
    assert rows[town["refus"]] == ("courrier", "excluded", "opted_out")
    assert rows[town["rien"]] == ("courrier", "excluded", "no_address")
    # Alice has an address too: a letter-only campaign writes to her by post.
    letter_people = sorted(k for k in ("mail", "lettre", "voisine", "double") if rows[town[k]][1] == "sent")
    assert letter_people == ["lettre", "mail", "voisine"]
    assert rows[town["double"]] == ("courrier", "excluded", "duplicate")

    response = client_of(app, "chef@a.fr").get(f"/admin/campagnes/{campaign}/letters.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = pages_of(response.data)
    assert len(pages) == 3
    for page, name in zip(pages, ("Mme Alice HABITANT", "M. Bruno HABITANT", "Mme Émilie HABITANT")):
        assert name in page
        assert "12 rue des Tilleuls" in page and "45900 VILLENEUVE-SUR-LOIRE" in page
        assert "Mairie de Villeneuve-sur-Loire" in page
        assert "Objet : Travaux rue des Tilleuls" in page
        assert "les travaux commencent lundi à Villeneuve-sur-Loire" in page
        assert "mission d'information" in page and "RGPD art. 6-1-e" in page
        assert "Villeneuve-sur-Loire, le " in page
    text = "\n".join(pages)
    assert "Denis" not in text and "Chloé" not in text and "14 rue" not in text

    # Again: every letter recipient is already sent — no second PDF, nobody twice.
    with in_commune(app, town["commune"]):
        key = db.session.get(Campaign, campaign).letters_key
        db.session.get(Campaign, campaign).status = "sending"
        db.session.commit()
        assert sending.send_job(campaign_id=campaign) == {"sent": 0}
        assert db.session.get(Campaign, campaign).letters_key == key


def test_fixed_parts_follow_the_recipients_language(town):
    """Bruno's record says English: his letter's letterhead, date, subject line and legal basis are
    English, the author's words as written; the others' stay French. The e-mail's footer likewise."""
    app = town["app"]
    with in_commune(app, town["commune"]):
        for key in ("lettre", "mail"):
            db.session.get(Citizen, town[key]).language = "en"
        db.session.commit()
    campaign = sent_campaign(town, "courrier")
    pages = pages_of(client_of(app, "chef@a.fr").get(f"/admin/campagnes/{campaign}/letters.pdf").data)
    english = next(page for page in pages if "M. Bruno HABITANT" in page)
    french = next(page for page in pages if "Mme Émilie HABITANT" in page)
    assert "Town hall of Villeneuve-sur-Loire" in english and "Subject: Travaux rue des Tilleuls" in english
    assert "as part of its mission to inform the public (GDPR art. 6(1)(e))" in english
    assert "les travaux commencent lundi à Villeneuve-sur-Loire" in english
    assert "Mairie de" not in english and "Objet :" not in english and ", le " not in english
    assert "Mairie de Villeneuve-sur-Loire" in french and "Objet : Travaux rue des Tilleuls" in french
    sent_campaign(town, "email")
    with in_commune(app, town["commune"]):
        body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == "alice@x.fr")
                                  .order_by(OutboxMessage.id.desc())).first()
    assert "as part of its mission to inform the public (GDPR art. 6(1)(e))." in body
    assert "To stop receiving these messages: http://localhost/" in body and "Vous recevez" not in body


def test_letters_are_downloaded_by_author_or_approver_only(town):
    app = town["app"]
    campaign = sent_campaign(town, "courrier")
    assert client_of(app, "admin@a.fr").get(f"/admin/campagnes/{campaign}/letters.pdf").status_code == 200
    page = client_of(app, "chef@a.fr").get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert "Download the letters" in page
    elu = client_of(app, "elu@a.fr")
    assert elu.get(f"/admin/campagnes/{campaign}/letters.pdf").status_code == 403
    assert "Download the letters" not in elu.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert client_of(app, "admin@b.fr").get(f"/admin/campagnes/{campaign}/letters.pdf").status_code == 404
    # An e-mail-only campaign has no letters.
    assert client_of(app, "chef@a.fr").get(
        f"/admin/campagnes/{sent_campaign(town, 'email')}/letters.pdf").status_code == 404


def test_the_address_block_sits_in_the_envelope_window(town):
    """The block's first line is drawn 110 mm from the left, 55 mm from the top (letters.py)."""
    app = town["app"]
    with in_commune(app, town["commune"]):
        campaign = db.session.get(Campaign, sent_campaign(town, "courrier"))
        recipient = db.session.scalar(select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.status == "sent"))
        from grc_core.plugin_api import Commune

        pdf = letters.render(campaign, db.session.get(Commune, campaign.commune_id), [recipient],
                             utcnow().date())
    positions = []
    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        visitor_text=lambda text, cm, tm, font, size: positions.append((text, tm[4], tm[5])) if text.strip() else None)
    mm = 72 / 25.4
    x, y = next((x, y) for text, x, y in positions if "HABITANT" in text)
    # fpdf2 starts a cell's text after its 1 mm inner margin.
    assert 110 <= x / mm <= 111.5
    # PDF coordinates start at the bottom: 297 mm − 55 mm, less the first line's height.
    assert 297 - 55 - 8 < y / mm < 297 - 55


@pytest.mark.parametrize("channels, message", [("fax", "Choose the channels."), ("email,email", "Choose the channels."),
                                               ("", "Choose the channels.")])
def test_unknown_channels_are_refused(town, channels, message):
    client = client_of(town["app"], "admin@a.fr")
    page = post_form(client, "/admin/campagnes/new", {
        "name": "N", "purpose": "P", "legal_basis": "public_task", "segment_id": town["segment"],
        "channels": channels, "subject": "S", "body": "B"})
    assert message in page.get_data(as_text=True)
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalar(select(Campaign.id)) is None
