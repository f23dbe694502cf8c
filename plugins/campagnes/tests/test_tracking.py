"""Link tracking: off by default; when the commune turns it on, links go
through a signed redirect that counts each person's first click and leads
only to the stored URL (no open redirect); a forged token, or another
commune's, is a 404."""
from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from grc_core.plugin_api import Citizen, Commune, OutboxMessage, Segment, db
from grc_core.plugin_api.testing import in_commune, login, make_agent, make_commune
from plugins.campagnes import sending, tracking
from plugins.campagnes.models import Campaign, CampaignRecipient, TrackedLink

CENTRE = {"match": "all", "items": [{"criterion": "core.quartier", "params": {"quartiers": ["Centre"]}}]}
BODY = ("Bonjour {prenom},\ninscriptions sur https://villeneuve.example/inscriptions?annee=2027.\n"
        "Le programme : https://villeneuve.example/programme.pdf")


def french_notice(app) -> str:
    """The tracking notice as a French recipient reads it (the message is in its reader's language)."""
    with app.app_context(), force_locale("fr"):
        return str(tracking.NOTICE)


@pytest.fixture
def town(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    other = make_commune(app, "Saint-Aubin", "45902", "saint-aubin", plugins=["campagnes"])
    make_agent(app, commune, "chef@a.fr", "manager")
    with in_commune(app, commune):
        for first in ("Alice", "Bruno"):
            db.session.add(Citizen(first_name=first, last_name="Habitant", email=f"{first.lower()}@x.fr",
                                   quartier="Centre"))
        segment = Segment(name="Centre", definition=CENTRE)
        db.session.add(segment)
        db.session.commit()
        segment_id = segment.id
    return {"app": app, "commune": commune, "other": other, "segment": segment_id}


def track(town, on: bool):
    with town["app"].app_context():
        commune = db.session.get(Commune, town["commune"])
        commune.settings = {**(commune.settings or {}), tracking.SETTING.code: on}
        db.session.commit()


def send(town):
    with in_commune(town["app"], town["commune"]):
        campaign = Campaign(name="Rentrée", purpose="Inscriptions", legal_basis="public_task",
                            segment_id=town["segment"], channels="email", subject="Inscriptions", body=BODY,
                            status="sending", site_url="http://localhost/")
        db.session.add(campaign)
        db.session.commit()
        sending.send_job(campaign_id=campaign.id)
        bodies = {m.recipient: m.body for m in db.session.scalars(select(OutboxMessage))}
        return campaign.id, bodies


def tracked_paths(body: str) -> list[str]:
    return [url.rstrip(".").replace("http://localhost", "") for url in re.findall(r"http://localhost/c/\S+", body)]


def clicks(town, campaign_id) -> dict[str, bool]:
    with in_commune(town["app"], town["commune"]):
        return {r.address: r.clicked_at is not None for r in db.session.scalars(
            select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id))}


def results_page(town, campaign_id) -> str:
    client = town["app"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login(client, "chef@a.fr")
    return client.get(f"/admin/campagnes/{campaign_id}").get_data(as_text=True)


def test_off_by_default_links_are_left_alone(town):
    campaign, bodies = send(town)
    body = bodies["alice@x.fr"]
    assert "https://villeneuve.example/inscriptions?annee=2027." in body
    assert "/campagnes/l/" not in body and french_notice(town["app"]) not in body
    with in_commune(town["app"], town["commune"]):
        assert db.session.scalar(select(TrackedLink.id)) is None
    assert "Clicked a link" not in results_page(town, campaign)


def test_first_click_per_recipient_and_only_to_the_stored_url(town):
    track(town, True)
    campaign, bodies = send(town)
    alice, bruno = bodies["alice@x.fr"], bodies["bruno@x.fr"]
    # The links are replaced (the sentence's full stop kept), and the message says so.
    assert "https://villeneuve.example" not in alice and french_notice(town["app"]) in alice
    assert re.search(r"/campagnes/l/\S+\.\n", alice)
    first, second = tracked_paths(alice)
    anonymous = town["app"].test_client()
    response = anonymous.get(first)
    assert response.status_code == 302
    assert response.headers["Location"] == "https://villeneuve.example/inscriptions?annee=2027"
    # A URL in the request changes nothing: only the stored one is followed.
    response = anonymous.get(second + "?next=https://evil.example/")
    assert response.headers["Location"] == "https://villeneuve.example/programme.pdf"
    anonymous.get(first)
    assert clicks(town, campaign) == {"alice@x.fr": True, "bruno@x.fr": False}
    assert '<td data-result="clicked">1</td>' in results_page(town, campaign)
    anonymous.get(tracked_paths(bruno)[0])
    assert '<td data-result="clicked">2</td>' in results_page(town, campaign)


def test_forged_or_other_commune_tokens_are_404(town):
    track(town, True)
    campaign, bodies = send(town)
    path = tracked_paths(bodies["alice@x.fr"])[0]
    client = town["app"].test_client()
    token = path.rsplit("/", 1)[1]
    assert client.get(path[:-4] + "abcd").status_code == 404
    assert client.get(f"/c/saint-aubin/campagnes/l/{token}").status_code == 404
    assert client.get(f"/c/nowhere/campagnes/l/{token}").status_code == 404
    # Well signed, but the link belongs to another campaign than the recipient's.
    with in_commune(town["app"], town["commune"]):
        recipient = db.session.scalar(select(CampaignRecipient).where(CampaignRecipient.address == "alice@x.fr"))
        other = Campaign(name="Autre", purpose="p", legal_basis="public_task", subject="S", body="B")
        db.session.add(other)
        db.session.flush()
        link = TrackedLink(campaign_id=other.id, url="https://evil.example/")
        db.session.add(link)
        db.session.commit()
        mixed = tracking.tracked_url(recipient.campaign, db.session.get(Commune, town["commune"]), recipient,
                                     link.id)
    assert client.get(mixed.replace("http://localhost", "")).status_code == 404
    assert clicks(town, campaign) == {"alice@x.fr": False, "bruno@x.fr": False}
