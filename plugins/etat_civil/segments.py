"""The plugin's criterion for the core's segments: the young people to invite
to the recensement citoyen (16 this quarter or next)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import Citizen, FieldSpec, SegmentCriterionDecl

from . import rules

QUARTERS = (("current", _l("this quarter")), ("next", _l("next quarter")))


def _turning_sixteen(params, context):
    first, last = rules.births_turning_sixteen_in_quarter(context.today, next_quarter=params["quarter"] == "next")
    return Citizen.birth_date.between(first, last)


CRITERIA = (
    SegmentCriterionDecl(
        "etat_civil.turning_sixteen", _l("Turns 16 (recensement citoyen)"), _turning_sixteen,
        (FieldSpec("quarter", _l("Quarter"), "choice", required=True, choices=QUARTERS),),
        _l("Young people whose 16th birthday falls in the quarter: they must get recensed within three months "
           "(code du service national, L113-1).")),
)
