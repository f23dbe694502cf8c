"""Pause and cancel during a sending: nothing more leaves while paused, the
rest leaves once resumed (nobody twice); a cancelled campaign sends nothing
more."""
from __future__ import annotations

from sqlalchemy import select

from grc_core.plugin_api import Citizen, OutboxMessage, db, utcnow
from grc_core.plugin_api.testing import in_commune, post_form
from plugins.campagnes import sending
from plugins.campagnes.models import Campaign
from plugins.campagnes.tests.test_campaigns import client_of, town  # noqa: F401  (the fixture)


def half_sent(town) -> int:
    """A campaign to eleven people, three of them sent."""
    with in_commune(town["app"], town["commune"]):
        db.session.add_all([Citizen(first_name=f"P{i}", last_name="Habitant", email=f"p{i}@x.fr",
                                    quartier="Centre") for i in range(9)])
        campaign = Campaign(name="Longue", purpose="p", legal_basis="public_task", segment_id=town["segment"],
                            subject="S", body="B", status="sending", site_url="http://localhost/")
        db.session.add(campaign)
        db.session.commit()
        sending.prepare(campaign, utcnow())
        db.session.commit()
        assert sending.send_batch(campaign, utcnow(), limit=3) == 3
        return campaign.id


def outbox(town) -> list[str]:
    with in_commune(town["app"], town["commune"]):
        return db.session.scalars(select(OutboxMessage.recipient)).all()


def status(town, campaign_id) -> str:
    with in_commune(town["app"], town["commune"]):
        return db.session.get(Campaign, campaign_id).status


def test_pause_then_resume_sends_the_rest_once(town):
    campaign = half_sent(town)
    author, chief = client_of(town["app"], "admin@a.fr"), client_of(town["app"], "chef@a.fr")
    assert post_form(author, f"/admin/campagnes/{campaign}/pause").status_code == 302
    assert status(town, campaign) == "paused"
    # The job (a worker still running, or started again) sends nothing while paused.
    with in_commune(town["app"], town["commune"]):
        assert sending.send_job(campaign_id=campaign) == {"sent": 0}
    assert len(outbox(town)) == 3
    page = chief.get(f"/admin/campagnes/{campaign}").get_data(as_text=True)
    assert '<td data-result="pending">8</td>' in page
    # Resumed by an approver: the rest, each once (Alice, Bruno and the nine; see test_campaigns).
    assert post_form(chief, f"/admin/campagnes/{campaign}/resume").status_code == 302
    assert status(town, campaign) == "sent"
    sent = outbox(town)
    assert len(sent) == 11 and len(set(sent)) == 11


def test_a_cancelled_campaign_sends_nothing_more(town):
    campaign = half_sent(town)
    author = client_of(town["app"], "admin@a.fr")
    # Cancelling while it sends is refused: pause first (the button says so by its absence).
    assert post_form(author, f"/admin/campagnes/{campaign}/cancel").status_code == 409
    post_form(author, f"/admin/campagnes/{campaign}/pause")
    assert post_form(author, f"/admin/campagnes/{campaign}/cancel").status_code == 302
    assert status(town, campaign) == "cancelled"
    with in_commune(town["app"], town["commune"]):
        assert sending.send_job(campaign_id=campaign) == {"sent": 0}
    assert len(outbox(town)) == 3
    # Resuming a cancelled campaign is refused.
    assert post_form(client_of(town["app"], "chef@a.fr"), f"/admin/campagnes/{campaign}/resume").status_code == 409
    assert len(outbox(town)) == 3
