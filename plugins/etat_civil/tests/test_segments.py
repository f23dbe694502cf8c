"""The recensement criterion offered to the core's segments."""
from datetime import date

from grc_core.plugin_api import Citizen, SegmentContext, db
from grc_core.plugin_api.testing import in_commune, make_commune, segment_members


def test_young_people_turning_sixteen_this_quarter_or_next(app):
    commune = make_commune(app, "Villeneuve-sur-Loire", "45901", "villeneuve", plugins=["etat_civil"])
    with in_commune(app, commune):
        people = {name: Citizen(first_name=name, last_name="Jeune", birth_date=born) for name, born in (
            ("avant", date(2009, 12, 31)), ("premier", date(2010, 1, 1)), ("bissextile", date(2008, 2, 29)),
            ("dernier", date(2010, 3, 31)), ("suivant", date(2010, 4, 1)), ("fin", date(2010, 6, 30)))}
        db.session.add_all(people.values())
        db.session.commit()
        context = SegmentContext(commune_id=commune, today=date(2026, 2, 10))

        def reached(quarter):
            definition = {"match": "all", "items": [
                {"criterion": "etat_civil.turning_sixteen", "params": {"quarter": quarter}}]}
            ids = segment_members(definition, context)
            return {name for name, citizen in people.items() if citizen.id in ids}

        assert reached("current") == {"premier", "dernier"}
        assert reached("next") == {"suivant", "fin"}
