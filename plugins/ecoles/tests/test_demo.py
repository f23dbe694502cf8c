"""The demo data: a full school year of a 20,000-inhabitant commune, idempotent."""
from sqlalchemy import func, select

from grc_core.plugin_api import Commune, Request, db
from grc_core.plugin_api.testing import in_commune, make_commune
from plugins.ecoles import rules, services
from plugins.ecoles.models import Enrolment, School, SchoolYear


def test_demo_data_is_realistic_and_idempotent(app):
    commune_id = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["ecoles"])
    registry = app.extensions["grc"]
    with in_commune(app, commune_id):
        commune = db.session.get(Commune, commune_id)
        registry.demo_data("ecoles", commune)
        db.session.commit()
        year = db.session.scalar(select(SchoolYear).where(SchoolYear.start_year == 2026))
        pupils = db.session.scalar(select(func.count(Enrolment.id)).where(Enrolment.school_year_id == year.id))
        assert 1400 <= pupils <= 1700
        assert db.session.scalar(select(func.count(School.id))) == 6
        assert rules.carte_scolaire_problems(services.carte_scolaire("cp")) == ()
        assert rules.carte_scolaire_problems(services.carte_scolaire("petite_section")) == ()
        requests = db.session.scalar(select(func.count(Request.id)))
        assert requests >= 30
        states = set(db.session.scalars(select(Request.state)))
        assert {"affectee", "admise", "accordee", "refusee", "inscrite", "radiee"} <= states
        before = (db.session.scalar(select(func.count(Enrolment.id))), requests)
        registry.demo_data("ecoles", commune)
        db.session.commit()
        assert (db.session.scalar(select(func.count(Enrolment.id))),
                db.session.scalar(select(func.count(Request.id)))) == before
