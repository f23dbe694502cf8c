"""The demo commune's campaigns: a heat-wave reminder sent (letters first,
with its PDF and results) and a newsletter awaiting approval; loaded once."""
from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Commune, db, storage
from grc_core.plugin_api.testing import in_commune, make_agent, make_commune
from plugins.campagnes import demo
from plugins.campagnes.models import Campaign, CampaignRecipient


def test_the_demo_has_a_sent_campaign_with_letters_and_a_draft_awaiting_approval(app):
    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["campagnes"])
    make_agent(app, commune_id, "admin@a.fr", "admin")
    make_agent(app, commune_id, "chef@a.fr", "manager")
    with in_commune(app, commune_id):
        db.session.add_all([
            Citizen(first_name="Jeanne", last_name="Ancienne", birth_date=date(1940, 5, 1), address_number="4",
                    address_street="rue du Port", postcode="45900", city="Villeneuve-sur-Loire"),
            Citizen(first_name="Paul", last_name="Jeune", birth_date=date(1990, 5, 1), email="paul@x.fr")])
        db.session.commit()
        commune = db.session.get(Commune, commune_id)
        demo.load(commune)
        demo.load(commune)  # idempotent
        campaigns = {c.name: c for c in db.session.scalars(select(Campaign))}
        assert len(campaigns) == 2
        heat = campaigns["Plan canicule : inscription au registre"]
        assert heat.status == "sent" and heat.channel_list == ["courrier", "email"]
        [(channel, status)] = db.session.execute(select(CampaignRecipient.channel, CampaignRecipient.status).where(
            CampaignRecipient.campaign_id == heat.id)).all()
        assert (channel, status) == ("courrier", "sent")
        [page] = PdfReader(io.BytesIO(storage().read(heat.letters_key))).pages
        assert "Jeanne ANCIENNE" in page.extract_text() and "4 rue du Port" in page.extract_text()
        assert [c.status for name, c in campaigns.items() if name != heat.name] == ["submitted"]
        assert db.session.scalar(select(func.count()).select_from(CampaignRecipient)) == 1
