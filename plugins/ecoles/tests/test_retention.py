"""The quotient familial is cleared two years (the commune's setting) after the school year."""
from datetime import date

from sqlalchemy import select

from grc_core.plugin_api import Citizen, Commune, db
from grc_core.plugin_api.testing import in_commune
from plugins.ecoles import retention
from plugins.ecoles.models import Enrolment, SchoolYear


def test_quotients_due_and_cleared(app, town):
    with in_commune(app, town.id):
        old = SchoolYear(start_year=2023, end=date(2024, 7, 5))
        db.session.add(old)
        db.session.flush()
        kid = Citizen(first_name="Tom", last_name="Garnier", birth_date=date(2017, 1, 1))
        db.session.add(kid)
        db.session.flush()
        rows = [Enrolment(child_id=kid.id, school_year_id=old.id, level="cp", quotient_familial=640),
                Enrolment(child_id=kid.id, school_year_id=old.id, level="cp"),
                Enrolment(child_id=kid.id, school_year_id=town.y26, level="ce2", quotient_familial=900)]
        db.session.add_all(rows)
        db.session.commit()
        commune = db.session.get(Commune, town.id)
        assert retention.quotients_due(commune, date(2026, 7, 4)) == []
        due = retention.quotients_due(commune, date(2026, 7, 5))
        assert [(c.key, c.due_on) for c in due] == [(str(rows[0].id), date(2026, 7, 5))]
        assert "Tom" not in due[0].label and "2023-2024" in due[0].label
        commune.settings = {**(commune.settings or {}), "ecoles.conservation_qf_annees": 5}
        assert retention.quotients_due(commune, date(2026, 7, 5)) == []
        assert retention.clear_quotients(commune, [c.key for c in due]) == 1
        db.session.commit()
        assert [e.quotient_familial for e in db.session.scalars(select(Enrolment).order_by(Enrolment.id))] == [
            None, None, 900]
