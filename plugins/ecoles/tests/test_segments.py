"""The "parent of a pupil" criterion offered to the core's segments."""
from datetime import date

from grc_core.plugin_api import Citizen, HouseholdLink, SegmentContext, db
from grc_core.plugin_api.testing import in_commune, segment_members
from plugins.ecoles.models import Enrolment


def test_parents_of_pupils_by_level_school_and_year(app, town):
    with in_commune(app, town.id):
        people = {}
        for name, level, school, year, status in (
                ("cp_mou", "cp", town.MOU, town.y27, "affectee"),
                ("gs_lil", "grande_section", town.LIL, town.y26, "admise"),
                ("cp_radie", "cp", town.MOU, town.y27, "radiee")):
            parent = Citizen(first_name="Parent", last_name=name)
            child = Citizen(first_name="Enfant", last_name=name, birth_date=date(2021, 1, 1))
            db.session.add_all([parent, child])
            db.session.flush()
            db.session.add_all([HouseholdLink(citizen_id=parent.id, relative_id=child.id, relation="child"),
                                HouseholdLink(citizen_id=child.id, relative_id=parent.id, relation="parent"),
                                Enrolment(child_id=child.id, level=level, school_id=school, school_year_id=year,
                                          status=status)])
            people[name] = parent.id
        db.session.commit()
        context = SegmentContext(commune_id=town.id, today=date(2027, 6, 1))

        def reached(**params):
            definition = {"match": "all", "items": [{"criterion": "ecoles.parents_of_pupils", "params": params}]}
            return {name for name, parent in people.items() if parent in segment_members(definition, context)}

        # A child taken off the roll makes no parent of a pupil.
        assert reached() == {"cp_mou", "gs_lil"}
        assert reached(levels=["cp"]) == {"cp_mou"}
        assert reached(school=str(town.LIL)) == {"gs_lil"}
        assert reached(school_year="2027") == {"cp_mou"}
        assert reached(levels=["cp"], school_year="2026") == set()
