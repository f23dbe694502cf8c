"""A report about the public road and the intervention that repairs it.

The commune keeps its roads in a state fit for traffic: their upkeep is a
compulsory expense (CGCT L2321-2 20°) and the maire's police covers what
endangers passage (CGCT L2212-2 1°).
"""
from __future__ import annotations

from datetime import date
from enum import StrEnum

# Below this, a hole is a crack the team fills on its round, not an intervention.
MIN_POTHOLE_WIDTH_CM = 5


class Nature(StrEnum):
    POTHOLE = "nid_de_poule"
    LIGHTING = "eclairage"
    SIGNAGE = "signalisation"
    OTHER = "autre"


def pothole_width_missing(nature: str, width_cm: int | None) -> bool:
    """A pothole is reported with its width, so that the team brings the right
    amount of asphalt (the crew's intervention sheet asks for it)."""
    return nature == Nature.POTHOLE and (width_cm is None or width_cm < MIN_POTHOLE_WIDTH_CM)


def intervention_too_early(planned_on: date, today: date) -> bool:
    """An intervention is planned for today or later: a day gone by cannot be
    promised to the citizen (CGCT L2212-2: the danger lasts until repaired)."""
    return planned_on < today
