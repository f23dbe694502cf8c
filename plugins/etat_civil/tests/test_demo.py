"""Demo data: a month of état civil, loaded twice without duplicates."""
from sqlalchemy import func, select

from grc_core.plugin_api import Citizen, Commune, Request, RequestEvent, db
from grc_core.plugin_api.testing import in_commune

from plugins.etat_civil.plugin import grc_demo_data

from .helpers import setup_town


def test_demo_data_loads_twice_without_duplicates(app):
    town = setup_town(app)
    with in_commune(app, town.id):
        grc_demo_data(db.session.get(Commune, town.id))
        db.session.commit()
        requests = db.session.scalar(select(func.count()).select_from(Request))
        events = db.session.scalar(select(func.count()).select_from(RequestEvent))
        citizens = db.session.scalar(select(func.count()).select_from(Citizen))
        states = set(db.session.scalars(select(Request.state)))
    assert requests >= 60  # 40 copies of acts and the other procedures
    assert {"delivree", "refusee", "celebration_fixee", "attestation_delivree", "orientee_tribunal"} <= states
    with in_commune(app, town.id):
        grc_demo_data(db.session.get(Commune, town.id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Request)) == requests
        assert db.session.scalar(select(func.count()).select_from(RequestEvent)) == events
        assert db.session.scalar(select(func.count()).select_from(Citizen)) == citizens
