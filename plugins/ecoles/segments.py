"""The plugin's criterion for the core's segments: the parents of pupils of
a level, a school, a school year — to tell next year's CP families about
enrolment, or a school's families about its works."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import Citizen, FieldSpec, HouseholdLink, SegmentCriterionDecl, db

from .models import LEVEL_CHOICES, Enrolment, School, SchoolYear

# A child taken off the school's roll is no longer its pupil.
LEFT = "radiee"


def _params(context):
    schools = db.session.execute(select(School.id, School.name).where(
        School.commune_id == context.commune_id, School.active.is_(True)).order_by(School.name)).all()
    years = db.session.scalars(select(SchoolYear.start_year).where(
        SchoolYear.commune_id == context.commune_id).order_by(SchoolYear.start_year.desc())).all()
    return (
        FieldSpec("levels", _l("Levels"), "multichoice", choices=LEVEL_CHOICES),
        FieldSpec("school", _l("School"), "choice", choices=tuple((str(i), name) for i, name in schools)),
        FieldSpec("school_year", _l("School year"), "choice",
                  choices=tuple((str(year), f"{year}-{year + 1}") for year in years)),
    )


def _parents_of_pupils(params, context):
    pupils = select(Enrolment.child_id).where(Enrolment.commune_id == context.commune_id, Enrolment.status != LEFT)
    if params["levels"]:
        pupils = pupils.where(Enrolment.level.in_(params["levels"]))
    if params["school"]:
        pupils = pupils.where(Enrolment.school_id == int(params["school"]))
    if params["school_year"]:
        pupils = pupils.join(SchoolYear, SchoolYear.id == Enrolment.school_year_id).where(
            SchoolYear.start_year == int(params["school_year"]))
    parents = select(HouseholdLink.citizen_id).where(HouseholdLink.relation == "child",
                                                     HouseholdLink.relative_id.in_(pupils))
    return Citizen.id.in_(parents)


CRITERIA = (
    SegmentCriterionDecl(
        "ecoles.parents_of_pupils", _l("Parent of a pupil"), _parents_of_pupils, _params,
        _l("Parents (in the household links) of children enrolled and not taken off the roll.")),
)
