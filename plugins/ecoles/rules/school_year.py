"""The school year, from rentrée to the eve of the next (§3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class SchoolYear:
    """A French school year, identified by the calendar year of its rentrée.

    ``rentree`` defaults to 1 September of ``start_year`` and ``end`` to
    31 August of the following year.  The real dates are set every year by
    ministerial arrêté (calendrier scolaire, hors §3): pass them when the
    exact day matters (e.g. "2 years old on the day of the rentrée", D113-1,
    §3.1).  ``SchoolYear(2025)`` is the year 2025-2026.
    """

    start_year: int
    rentree: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        rentree = self.rentree or date(self.start_year, 9, 1)
        end = self.end or date(self.start_year + 1, 8, 31)
        if rentree.year != self.start_year:
            raise ValueError("la rentrée doit tomber dans l'année de début de l'année scolaire")
        if end <= rentree:
            raise ValueError("la fin de l'année scolaire doit suivre la rentrée")
        object.__setattr__(self, "rentree", rentree)
        object.__setattr__(self, "end", end)

    @property
    def end_year(self) -> int:
        return self.start_year + 1

    @property
    def label(self) -> str:
        """``"2025-2026"``."""
        return f"{self.start_year}-{self.end_year}"

    def contains(self, day: date) -> bool:
        """True when ``day`` lies between the rentrée and the end (inclusive)."""
        assert self.rentree is not None and self.end is not None
        return self.rentree <= day <= self.end

    def next(self) -> SchoolYear:
        """The following school year (default dates)."""
        return SchoolYear(self.start_year + 1)

    def previous(self) -> SchoolYear:
        """The preceding school year (default dates)."""
        return SchoolYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


def school_year_of(day: date, *, rentree_month: int = 9, rentree_day: int = 1) -> SchoolYear:
    """The school year ``day`` belongs to.

    A day on or after the rentrée (default 1 September) belongs to the year
    starting that calendar year, an earlier day to the previous one; summer
    holidays therefore belong to the year that is ending.  The returned year
    runs from the given rentrée day to the day before the same day of the
    following year.  Source: school year starting at the rentrée of September
    (C. éduc. L131-5 "rentrée scolaire", §3.1); exact dates per annual arrêté
    (hors §3), hence the parameters.
    """
    boundary = date(day.year, rentree_month, rentree_day)
    start = day.year if day >= boundary else day.year - 1
    rentree = date(start, rentree_month, rentree_day)
    end = date(start + 1, rentree_month, rentree_day) - timedelta(days=1)
    return SchoolYear(start, rentree=rentree, end=end)


def _as_school_year(school_year: SchoolYear | int) -> SchoolYear:
    return school_year if isinstance(school_year, SchoolYear) else SchoolYear(int(school_year))
