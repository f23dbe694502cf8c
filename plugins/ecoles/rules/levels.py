"""Levels (niveaux) of the école maternelle and élémentaire, and the kinds of school (§3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from grc_core.plugin_api import LocalDate, RuleText, birthday
from grc_core.plugin_api import lazy_text as _l

from .school_year import SchoolYear, _as_school_year


class Level(StrEnum):
    """Levels of the primary school (école maternelle + école élémentaire)."""

    TOUTE_PETITE_SECTION = "toute_petite_section"
    PETITE_SECTION = "petite_section"
    MOYENNE_SECTION = "moyenne_section"
    GRANDE_SECTION = "grande_section"
    CP = "cp"
    CE1 = "ce1"
    CE2 = "ce2"
    CM1 = "cm1"
    CM2 = "cm2"

    @property
    def is_maternelle(self) -> bool:
        """True for TPS, PS, MS, GS (école maternelle)."""
        return self in _MATERNELLE_LEVELS

    @property
    def is_elementaire(self) -> bool:
        """True for CP … CM2 (école élémentaire)."""
        return not self.is_maternelle

    @property
    def label(self) -> str:
        """French display label."""
        return _LEVEL_LABELS[self]


#: Levels in school order.
LEVELS: Final[tuple[Level, ...]] = tuple(Level)

_MATERNELLE_LEVELS: Final = frozenset(
    {Level.TOUTE_PETITE_SECTION, Level.PETITE_SECTION, Level.MOYENNE_SECTION, Level.GRANDE_SECTION}
)

_LEVEL_LABELS: Final = {
    Level.TOUTE_PETITE_SECTION: "toute petite section",
    Level.PETITE_SECTION: "petite section",
    Level.MOYENNE_SECTION: "moyenne section",
    Level.GRANDE_SECTION: "grande section",
    Level.CP: "CP",
    Level.CE1: "CE1",
    Level.CE2: "CE2",
    Level.CM1: "CM1",
    Level.CM2: "CM2",
}

# age reached during the calendar year of the rentrée → level
_LEVEL_BY_CALENDAR_AGE: Final = {
    3: Level.PETITE_SECTION,
    4: Level.MOYENNE_SECTION,
    5: Level.GRANDE_SECTION,
    6: Level.CP,
    7: Level.CE1,
    8: Level.CE2,
    9: Level.CM1,
    10: Level.CM2,
}


class NotInPrimaryCode(StrEnum):
    """Why :func:`level_for` gives no level."""

    #: not yet of school age (and not admissible in toute petite section)
    TROP_JEUNE = "trop_jeune"
    #: 2 years old at the admission date: toute petite section possible only
    #: within available places (D113-1), not offered by the caller
    TPS_SOUS_RESERVE_DE_PLACES = "tps_sous_reserve_de_places"
    #: age of collège (6e) or above
    TROP_AGE = "trop_age_pour_le_primaire"


@dataclass(frozen=True)
class NotInPrimary:
    """No primary level for this child this school year, with the reason (a message translated when shown)."""

    code: NotInPrimaryCode
    reason: RuleText


def level_for(
    birth_date: date,
    school_year: SchoolYear | int,
    *,
    allow_toute_petite_section: bool = False,
    admission_date: date | None = None,
) -> Level | NotInPrimary:
    """Theoretical level of a child for a school year, from the birth date.

    Rules (§3.1):

    * petite section at the rentrée of the calendar year in which the child
      turns 3 (C. éduc. L131-5; service-public F1864, B); moyenne and grande
      section the next two years;
    * CP at the rentrée of the calendar year in which the child turns 6 —
      children turning 6 up to 31 December are admitted in élémentaire in
      September (service-public F1865, B); CE1, CE2, CM1, CM2 the next years
      (one level a year: theoretical progression; maintien or saut de classe
      are decided by the school, not by the mairie);
    * toute petite section: child of the cohort before petite section who is
      **2 years old on the day of the rentrée**, admitted only within
      available places (D113-1, B) — hence ``allow_toute_petite_section``,
      which the caller sets when the school has places.  ``admission_date``
      (default: the rentrée) lets a commune/DASEN that admits children during
      the year on their 2nd birthday check a later date; D113-1 itself only
      speaks of the rentrée.  It only matters for toute petite section.
    * born 31 December vs 1 January: the level depends on the calendar year
      of birth only (the 31 December child is one level ahead).
    * a child of the collège age (turning 11 or more in the calendar year of
      the rentrée) is out of the primary school — still under compulsory
      instruction until 16 (L131-1).

    Returns a :class:`Level` or a :class:`NotInPrimary` with its reason.
    Raises ``ValueError`` when ``admission_date`` is outside the school year.
    """
    year = _as_school_year(school_year)
    assert year.rentree is not None
    check_day = admission_date or year.rentree
    if admission_date is not None and not year.contains(admission_date):
        raise ValueError(f"date d'admission hors de l'année scolaire {year.label}")

    calendar_age = year.start_year - birth_date.year
    level = _LEVEL_BY_CALENDAR_AGE.get(calendar_age)
    if level is not None:
        return level

    ps_year = birth_date.year + 3
    if calendar_age >= 11:
        return NotInPrimary(
            NotInPrimaryCode.TROP_AGE,
            _l("born in %(birth_year)s: collège age (6e or above) in %(year)s, outside the école maternelle and "
               "élémentaire; instruction compulsory until 16 (C. éduc. L131-1).", birth_year=str(birth_date.year),
               year=year.label),
        )
    if calendar_age == 2:
        second_birthday = birthday(birth_date, 2)
        if second_birthday <= check_day:
            if allow_toute_petite_section:
                return Level.TOUTE_PETITE_SECTION
            return NotInPrimary(
                NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES,
                _l("2 years old on %(day)s: admission in toute petite section possible only within the places "
                   "available (C. éduc. D113-1), not offered; petite section at the rentrée %(ps_year)s (C. éduc. "
                   "L131-5).", day=LocalDate(check_day, "short"), ps_year=str(ps_year)),
            )
        values = dict(year=year.label, birthday=LocalDate(second_birthday, "short"),
                      day=LocalDate(check_day, "short"), ps_year=str(ps_year))
        return NotInPrimary(
            NotInPrimaryCode.TROP_JEUNE,
            _l("too young for %(year)s: 2 years old on %(birthday)s, after the admission date of %(day)s; the toute "
               "petite section welcomes children 2 years old on the day of the rentrée (C. éduc. D113-1); petite "
               "section at the rentrée %(ps_year)s (C. éduc. L131-5).", **values) if admission_date else
            _l("too young for %(year)s: 2 years old on %(birthday)s, after the rentrée of %(day)s; the toute "
               "petite section welcomes children 2 years old on the day of the rentrée (C. éduc. D113-1); petite "
               "section at the rentrée %(ps_year)s (C. éduc. L131-5).", **values),
        )
    return NotInPrimary(
        NotInPrimaryCode.TROP_JEUNE,
        _l("too young for %(year)s (born on %(born)s): petite section at the rentrée %(ps_year)s (C. éduc. L131-5), "
           "toute petite section at the earliest at the rentrée %(tps_year)s if 2 years old that day and within the "
           "places (C. éduc. D113-1).", year=year.label, born=LocalDate(birth_date, "short"), ps_year=str(ps_year),
           tps_year=str(ps_year - 1)),
    )


class SchoolKind(StrEnum):
    """Kind of public school."""

    MATERNELLE = "maternelle"
    ELEMENTAIRE = "elementaire"
    #: école primaire = maternelle and élémentaire classes in one school
    PRIMAIRE = "primaire"


def school_kind_accepts(
    kind: SchoolKind | str, level: Level | str, *, classe_enfantine: bool = False
) -> bool:
    """Whether a school of ``kind`` receives pupils of ``level``.

    École maternelle: TPS to GS; école élémentaire: CP to CM2; école
    primaire: all levels (§3.1, L113-1, F1865).  ``classe_enfantine=True``
    for an élémentaire with a classe/section enfantine: where no maternelle
    is available, children of 5 (grande section) may be admitted there
    (ac-dijon règlement on L113-1, §3.1, B).
    """
    kind = SchoolKind(kind)
    level = Level(level)
    if kind is SchoolKind.PRIMAIRE:
        return True
    if kind is SchoolKind.MATERNELLE:
        return level.is_maternelle
    if level.is_elementaire:
        return True
    return classe_enfantine and level is Level.GRANDE_SECTION
