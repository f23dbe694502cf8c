"""What the citizens' portal says about the civil status démarches open
online (hook ``grc_portal_demarche_info``): copies and extracts of acts, and
the recensement citoyen.

Figures come from rules/: the years after which registers are open to all
(rules.ARCHIVES_OPEN_AFTER_YEARS) and the recensement window, shown on an
example computed by rules.recensement_window.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, gettext as _

from grc_core.plugin_api import DemarcheInfo

from . import request_types as rt
from . import rules

# The birth date of the recensement example: any date works, the rule gives the rest.
_EXAMPLE_BIRTH = date(2010, 3, 15)


def _acte() -> DemarcheInfo:
    return DemarcheInfo(
        description=_("Get a full copy or an extract of a birth, marriage or death certificate drawn up in the "
                      "commune. It is free of charge. No document is needed: give the surname and first names of "
                      "the person, the date and place of the birth, marriage or death and, for a full copy or an "
                      "extract with parentage, the surnames and first names of their parents."),
        who=_("Full copies and extracts with parentage of a birth or marriage certificate: the person concerned "
              "if of age, their spouse or civil partner, ascendants, descendants or legal representative "
              "(decree 2017-890, art. 30). Extracts without parentage and death certificates: anyone. Registers "
              "closed more than %(years)d years ago are open to everyone.",
              years=rules.ARCHIVES_OPEN_AFTER_YEARS),
    )


def _recensement() -> DemarcheInfo:
    window = rules.recensement_window(_EXAMPLE_BIRTH)
    return DemarcheInfo(
        description=_("Register for the citizen census. Its certificate is needed to sit exams and the driving "
                      "test before the age of 25, and it leads to the Defence and Citizenship Day."),
        who=_("Every French young person, from their 16th birthday, or their legal representative. Someone who "
              "became French between 16 and 25 registers within the month after."),
        pieces=(_("An identity card or passport proving French nationality"), _("The family record book")),
        delay=_("From the 16th birthday to the end of the third month after it: someone who turns 16 on "
                "%(opens)s registers by %(closes)s. Late, it is still possible until the day before the 25th "
                "birthday.", opens=format_date(window.opens_on, "long"), closes=format_date(window.closes_on, "long")),
    )


_INFOS = {rt.ACTE: _acte, rt.RECENSEMENT: _recensement}


def demarche_info(request_type) -> DemarcheInfo | None:
    build = _INFOS.get(request_type.code)
    return None if build is None else build()
