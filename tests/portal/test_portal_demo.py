"""The demo opens Villeneuve-sur-Loire's common démarches online and gives
it a demo citizen account, linked to one of its demo citizens."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from grc_core.extensions import db
from grc_core.models import Citizen, CitizenAccount, Commune, RequestType
from grc_core.plugin_api.testing import csrf_token, in_commune
from grc_core.portal.anonymous import SETTING
from grc_core.portal.demo import load_portal_demo
from tests.portal.portal_support import english_client, setup_portal_commune


def test_the_demo_commune_opens_its_types_online_with_a_demo_citizen(app):
    town = setup_portal_commune(app)
    other = setup_portal_commune(app, "Saint-Aubin-des-Prés", "45902", "saint-aubin")
    with in_commune(app, town.id):
        db.session.add(Citizen(first_name="Inès", last_name="Moreau", email="ines.moreau3@exemple.fr",
                               birth_date=date(1975, 6, 1)))
        db.session.commit()
        lines = load_portal_demo(db.session.get(Commune, town.id), "demo-grc-2026")
        again = load_portal_demo(db.session.get(Commune, town.id), "demo-grc-2026")  # idempotent
        assert lines == again == ["Portail des usagers : /c/villeneuve/portal/",
                                  "  usager de démonstration : ines.moreau3@exemple.fr (mot de passe : demo-grc-2026)"]
        channels = dict(db.session.execute(select(RequestType.code, RequestType.channels)).all())
        assert "web" in channels["attestation"] and channels["bacs"].count("web") == 1
        account = db.session.scalar(select(CitizenAccount))
        assert account.verified and account.citizen.last_name == "Moreau"
    with in_commune(app, other.id):
        assert load_portal_demo(db.session.get(Commune, other.id), "demo-grc-2026") == []
        assert SETTING not in (db.session.get(Commune, other.id).settings or {})
    # Villeneuve also takes démarches without an account.
    assert 'id="email"' in english_client(app).get("/c/villeneuve/portal/procedures/bacs/file").get_data(as_text=True)
    client = english_client(app)
    response = client.post("/c/villeneuve/portal/account/sign-in", data={
        "csrf_token": csrf_token(client, "/c/villeneuve/portal/account/sign-in"),
        "email": "ines.moreau3@exemple.fr", "password": "demo-grc-2026"})
    assert response.status_code == 302
