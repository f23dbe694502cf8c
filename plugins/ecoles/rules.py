"""Pure rules of the *écoles* plugin (inscription scolaire, carte scolaire,
dérogations, restauration scolaire and accueil périscolaire).

Every function here is a pure function of plain values (``datetime.date``,
``int``, ``str``, ``Decimal`` for money, ``StrEnum`` members, frozen
dataclasses and tuples).  Nothing here touches the database or Flask, and the
only ``grc_core`` import is :mod:`grc_core.calendar` (shared month and age
arithmetic): the workflows, forms and views call these functions and store
their results.

Every rule cites its source.  "§3.x" refers to the project reference
``domain_rules.md`` (section 3, ÉCOLES), whose confidence letters (A = legal
text read verbatim, B = official explanatory source, C = secondary sources,
? = not confirmed) are repeated where they matter.  A rule that does *not*
come from §3 says so explicitly and is marked "(hors §3)"; treat it as a
setting or a TODO.

Conventions
-----------
* **School year** — the French school year starts at the *rentrée*, early
  September; its exact dates are set each year by ministerial arrêté, so a
  :class:`SchoolYear` carries its rentrée and end dates, with the documented
  default of 1 September → 31 August.
* **Ages** are counted "de quantième à quantième" with
  :func:`grc_core.calendar.birthday` / ``age_on``: a child born on
  29 February has its birthday on **28 February** in common years (C. proc.
  civ. art. 641 al. 2 for delays expressed in years; the one convention of
  all plugins).  Month delays use :func:`grc_core.calendar.add_months`
  (month ends clamped).
* **Money** is ``Decimal``; floats are refused to avoid binary rounding.
* **Messages** meant for agents or families are in French; identifiers are in
  English, with French names for French things.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Final

from grc_core.plugin_api import add_months, birthday

__all__ = [
    # school year
    "SchoolYear",
    "school_year_of",
    # instruction obligation
    "INSTRUCTION_3_ANS_IN_FORCE",
    "InstructionPeriod",
    "instruction_obligation",
    "is_instruction_compulsory",
    # levels
    "Level",
    "LEVELS",
    "NotInPrimaryCode",
    "NotInPrimary",
    "level_for",
    "SchoolKind",
    "school_kind_accepts",
    # liste scolaire / inscription dates
    "recommended_inscription_deadline",
    "next_liste_scolaire_update",
    "director_declaration_deadline",
    "school_change_deadline",
    "school_change_overdue",
    "SchoolChange",
    "school_change_formalities",
    # pieces
    "Piece",
    "PieceSpec",
    "RejectedPiece",
    "PieceCheck",
    "DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION",
    "pieces_allowed",
    "check_requested_pieces",
    "missing_pieces",
    # vaccination (admission at school)
    "VACCINATION_2018_BIRTHS_FROM",
    "mandatory_vaccines",
    "vaccination_regularisation_deadline",
    # carte scolaire
    "Side",
    "SectorRule",
    "SectorAssignment",
    "UNKNOWN_STREET_MESSAGE",
    "normalize_street",
    "parse_house_number",
    "sector_school",
    "carte_scolaire_problems",
    # dérogations
    "DerogationReason",
    "DerogationScope",
    "Contribution",
    "DerogationCase",
    "derogation_case",
    "home_commune_information_deadline",
    # restauration / périscolaire
    "canteen_refusal_allowed",
    "periscolaire_refusal_allowed",
    "Tranche",
    "TariffGrid",
    "CANTINE_A_UN_EURO_MAX_PRICE",
    "CANTINE_A_UN_EURO_QF_CEILING",
    "tariff_for",
    "validate_grid",
    "cantine_a_un_euro_aid_per_meal",
]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _fmt_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _fmt_eur(amount: Decimal) -> str:
    """French formatting of an amount: ``1 000 €``, ``0,50 €``."""
    if amount == amount.to_integral_value():
        text = f"{int(amount):,}".replace(",", " ")
    else:
        text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} €"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slug(text: str) -> str:
    """Lower-case ASCII key with ``_`` separators (for codes typed by people)."""
    text = _strip_accents(text).casefold().replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _to_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} : utiliser Decimal ou int, pas {type(value).__name__}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        return Decimal(value)
    raise TypeError(f"{what} : type non pris en charge ({type(value).__name__})")


# ---------------------------------------------------------------------------
# School year
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Instruction obligation (3 → 16 years)
# ---------------------------------------------------------------------------

#: Entry into force of compulsory instruction from 3 years (loi 2019-791
#: art. 11; C. éduc. L131-1), §3.1 (A).
INSTRUCTION_3_ANS_IN_FORCE: Final = date(2019, 9, 2)


@dataclass(frozen=True)
class InstructionPeriod:
    """Period of compulsory instruction: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _default_rentree(year: int) -> date:
    rentree = SchoolYear(year).rentree
    assert rentree is not None
    return rentree


def instruction_obligation(
    birth_date: date, *, rentree_of: Callable[[int], date] | None = None
) -> InstructionPeriod:
    """Compulsory-instruction period of a child.

    * Start: the rentrée of the calendar year in which the child turns 3
      (C. éduc. L131-5, §3.1, B), never before 2 September 2019, date of entry
      into force of the 3-year age (L131-1 as amended by loi 2019-791, §3.1, A).
      For children already past that stage in 2019 the former rule applies:
      rentrée of the calendar year in which the child turns 6 (former L131-1
      "entre six ans et seize ans" — hors §3, confidence ?).
    * End: the 16th birthday (L131-1 "de trois à seize ans", §3.1, A),
      exclusive (:func:`grc_core.calendar.birthday`: 28 February in a common
      year for a child born on 29 February).

    ``rentree_of(year)`` gives the rentrée date of a calendar year (default
    1 September).  Instruction may be given at school or in the family
    (instruction en famille, since loi 2021-1109 under DASEN authorisation —
    §6 item 3.T2, not modelled here).
    """
    rentree = rentree_of or _default_rentree
    start = rentree(birth_date.year + 3)
    if start < INSTRUCTION_3_ANS_IN_FORCE:
        start = min(rentree(birth_date.year + 6), INSTRUCTION_3_ANS_IN_FORCE)
    return InstructionPeriod(start=start, end=birthday(birth_date, 16))


def is_instruction_compulsory(
    birth_date: date, day: date, *, rentree_of: Callable[[int], date] | None = None
) -> bool:
    """True when a child born on ``birth_date`` is subject to compulsory
    instruction on ``day`` (see :func:`instruction_obligation`; L131-1,
    L131-5, §3.1)."""
    return instruction_obligation(birth_date, rentree_of=rentree_of).contains(day)


# ---------------------------------------------------------------------------
# Levels (niveaux) and kinds of school
# ---------------------------------------------------------------------------


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
    """No primary level for this child this school year, with a French reason."""

    code: NotInPrimaryCode
    reason: str


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

    Returns a :class:`Level` or a :class:`NotInPrimary` with a French reason.
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
            f"né(e) en {birth_date.year} : âge du collège (6e ou au-delà) en {year.label}, "
            "hors école maternelle et élémentaire ; instruction obligatoire jusqu'à 16 ans "
            "(C. éduc. L131-1).",
        )
    if calendar_age == 2:
        second_birthday = birthday(birth_date, 2)
        if second_birthday <= check_day:
            if allow_toute_petite_section:
                return Level.TOUTE_PETITE_SECTION
            return NotInPrimary(
                NotInPrimaryCode.TPS_SOUS_RESERVE_DE_PLACES,
                f"2 ans révolus le {_fmt_date(check_day)} : admission en toute petite section "
                "possible seulement dans la limite des places disponibles (C. éduc. D113-1), "
                f"non proposée ; petite section à la rentrée {ps_year} (C. éduc. L131-5).",
            )
        when = "la date d'admission" if admission_date else "la rentrée"
        return NotInPrimary(
            NotInPrimaryCode.TROP_JEUNE,
            f"trop jeune pour {year.label} : 2 ans le {_fmt_date(second_birthday)}, après "
            f"{when} du "
            f"{_fmt_date(check_day)} ; la toute petite section accueille les enfants de 2 ans "
            "révolus au jour de la rentrée (C. éduc. D113-1) ; petite section à la rentrée "
            f"{ps_year} (C. éduc. L131-5).",
        )
    return NotInPrimary(
        NotInPrimaryCode.TROP_JEUNE,
        f"trop jeune pour {year.label} (né(e) le {_fmt_date(birth_date)}) : petite section à la "
        f"rentrée {ps_year} (C. éduc. L131-5), toute petite section au plus tôt à la rentrée "
        f"{ps_year - 1} s'il a 2 ans révolus ce jour-là et dans la limite des places "
        "(C. éduc. D113-1).",
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


# ---------------------------------------------------------------------------
# Liste scolaire, inscription, change of school
# ---------------------------------------------------------------------------


def recommended_inscription_deadline(school_year: SchoolYear | int) -> date:
    """Last day recommended for the mairie inscription: 30 June before the
    rentrée ("au plus tard au mois de juin précédant la rentrée" —
    service-public F1864, §3.2, B; a practice, not a legal deadline: a late
    request is still registered)."""
    return date(_as_school_year(school_year).start_year, 6, 30)


def next_liste_scolaire_update(day: date) -> date:
    """Next monthly update (on or after ``day``) of the list of children
    subject to compulsory instruction kept by the maire: the 1st of each
    month (C. éduc. R131-3, §3.2, A)."""
    if day.day == 1:
        return day
    return add_months(day.replace(day=1), 1)


def director_declaration_deadline(school_year: SchoolYear | int) -> date:
    """Last day for school heads to declare their enrolled pupils to the
    maire: 8 days after the rentrée (C. éduc. R131-3, §3.2, A)."""
    year = _as_school_year(school_year)
    assert year.rentree is not None
    return year.rentree + timedelta(days=8)


def school_change_deadline(move_date: date) -> date:
    """Last day of the formalities (inscription / declaration) after a change
    of residence: within **8 days** of the move (C. éduc. L131-5, §3.1, A).

    The family's obligation, counted in calendar days from the day after the
    move; not extended for week-ends (no procedural rule in §3 says so).
    """
    return move_date + timedelta(days=8)


def school_change_overdue(move_date: date, today: date) -> bool:
    """True once the 8-day delay after a move has elapsed (L131-5, §3.1)."""
    return today > school_change_deadline(move_date)


@dataclass(frozen=True)
class SchoolChange:
    """What a family must do after a move, and by when."""

    deadline: date
    steps: tuple[str, ...]


def school_change_formalities(
    move_date: date, *, changes_commune: bool, changes_sector_school: bool = True
) -> SchoolChange:
    """Formalities after a move (changement d'école).

    * deadline: 8 days after the move (L131-5, §3.1, A);
    * radiation: the current school's director issues a *certificat de
      radiation*, which the new school asks at admission (règlement type
      départemental des écoles, circulaire 2014-088 — hors §3, confidence ?);
    * a new *certificat d'inscription* naming the school is issued by the
      mairie of the new residence (L131-5, §3.2, B) — needed when the commune
      or the sector school changes;
    * admission by the new school's director on the certificat d'inscription
      and the vaccination proof (§3.2, B).

    When neither the commune nor the sector school changes, only the address
    update remains.
    """
    deadline = school_change_deadline(move_date)
    if not changes_commune and not changes_sector_school:
        return SchoolChange(
            deadline,
            ("mettre à jour l'adresse des responsables auprès de la mairie et de l'école "
             "(même école de secteur)",),
        )
    where = "de la nouvelle commune" if changes_commune else "de la commune"
    return SchoolChange(
        deadline,
        (
            "demander le certificat de radiation au directeur de l'école actuelle",
            f"s'inscrire à la mairie {where} : certificat d'inscription désignant la nouvelle "
            "école (C. éduc. L131-5)",
            "admission par le directeur de la nouvelle école sur présentation du certificat "
            "d'inscription, du certificat de radiation et du justificatif des vaccinations",
        ),
    )


# ---------------------------------------------------------------------------
# Pieces that may be asked for the mairie inscription (D131-3-1)
# ---------------------------------------------------------------------------


class Piece(StrEnum):
    """The only pieces a commune may ask for the inscription scolaire
    (C. éduc. D131-3-1, décret 2020-811, since rentrée 2020 — §3.2, A)."""

    IDENTITE_ENFANT = "identite_enfant"
    IDENTITE_RESPONSABLES = "identite_responsables"
    JUSTIFICATIF_DOMICILE = "justificatif_domicile"


@dataclass(frozen=True)
class PieceSpec:
    """One allowed piece, how it may be proved, and the fallback."""

    piece: Piece
    label: str
    accepted_proofs: tuple[str, ...]
    attestation_sur_l_honneur_accepted: bool
    note: str


#: Maire may verify the domicile, but the verification can never block the
#: inscription (D131-3-1, §3.2, A).
DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION: Final = False

_IDENTITY_PROOFS: Final = (
    "livret de famille",
    "carte nationale d'identité",
    "passeport",
    "copie ou extrait d'acte de naissance",
    "tout autre document de la colonne A de l'art. R113-5 du CRPA",
)

_PIECE_SPECS: Final = (
    PieceSpec(
        Piece.IDENTITE_ENFANT,
        "document justifiant de l'identité de l'enfant",
        _IDENTITY_PROOFS,
        True,
        "à défaut, attestation sur l'honneur des responsables (nom, prénoms, date et lieu de "
        "naissance de l'enfant, identité des personnes responsables) — D131-3-1 1°",
    ),
    PieceSpec(
        Piece.IDENTITE_RESPONSABLES,
        "document justifiant de l'identité des personnes responsables de l'enfant",
        _IDENTITY_PROOFS,
        True,
        "à défaut, attestation sur l'honneur — D131-3-1 2°",
    ),
    PieceSpec(
        Piece.JUSTIFICATIF_DOMICILE,
        "document justifiant du domicile des personnes responsables",
        ("tout moyen", "attestation sur l'honneur"),
        True,
        "preuve par tout moyen, y compris une attestation sur l'honneur ; le maire peut "
        "vérifier le domicile mais cette vérification ne peut pas bloquer l'inscription "
        "— D131-3-1 3°",
    ),
)


def pieces_allowed() -> tuple[PieceSpec, ...]:
    """The complete list of pieces a mairie may ask for an inscription
    scolaire: identity of the child, identity of the responsables, their
    domicile — each replaceable by an attestation sur l'honneur
    (C. éduc. D131-3-1, §3.2, A).  Nothing else may be required."""
    return _PIECE_SPECS


@dataclass(frozen=True)
class RejectedPiece:
    """A requested piece the mairie may not require, with the reason."""

    name: str
    reason: str


@dataclass(frozen=True)
class PieceCheck:
    """Result of :func:`check_requested_pieces`."""

    accepted: tuple[Piece, ...]
    rejected: tuple[RejectedPiece, ...]

    @property
    def ok(self) -> bool:
        return not self.rejected


_D131_GENERIC: Final = (
    "pièce non prévue par l'article D131-3-1 du code de l'éducation : seuls peuvent être "
    "demandés un document justifiant de l'identité de l'enfant, un de l'identité des personnes "
    "responsables et un de leur domicile"
)

_PIECE_ALIASES: Final = {
    _slug(alias): piece
    for piece, aliases in {
        Piece.IDENTITE_ENFANT: (
            "identite_enfant", "identite de l'enfant", "piece d'identite de l'enfant",
            "justificatif d'identite de l'enfant",
        ),
        Piece.IDENTITE_RESPONSABLES: (
            "identite_responsables", "identite des responsables", "identite des parents",
            "piece d'identite des responsables", "piece d'identite des parents",
            "justificatif d'identite des responsables",
        ),
        Piece.JUSTIFICATIF_DOMICILE: (
            "justificatif_domicile", "justificatif de domicile", "domicile",
            "preuve de domicile",
        ),
    }.items()
    for alias in aliases
}

_SPECIFIC_DOCUMENT: Final = (
    "un document précis ne peut pas être exigé : demander la pièce « {piece} » (tout document "
    "de la colonne A de l'art. R113-5 du CRPA, ou à défaut une attestation sur l'honneur) "
    "— D131-3-1"
)
_SPECIFIC_DOMICILE: Final = (
    "un document précis ne peut pas être exigé : le domicile se prouve par tout moyen, y "
    "compris une attestation sur l'honneur (pièce « justificatif_domicile ») — D131-3-1 3°"
)

_KNOWN_EXTRA_PIECES: Final = {
    _slug(name): reason
    for names, reason in (
        (
            ("livret de famille", "carte d'identite", "carte nationale d'identite", "cni",
             "passeport", "acte de naissance", "extrait d'acte de naissance"),
            _SPECIFIC_DOCUMENT.format(piece="identite_enfant / identite_responsables"),
        ),
        (
            ("facture", "facture d'electricite", "facture d'energie", "quittance de loyer",
             "bail", "avis de taxe d'habitation", "taxe foncière", "taxe fonciere",
             "deux justificatifs de domicile"),
            _SPECIFIC_DOMICILE,
        ),
        (
            ("carnet de sante", "vaccinations", "justificatif des vaccinations",
             "certificat de vaccination", "certificat medical"),
            "le justificatif des vaccinations obligatoires est présenté au directeur d'école "
            "lors de l'admission (C. santé publ. L3111-2), pas à la mairie pour l'inscription "
            "(D131-3-1)",
        ),
        (
            ("certificat de radiation",),
            "le certificat de radiation est remis au directeur de la nouvelle école lors de "
            "l'admission, pas à la mairie pour l'inscription (D131-3-1)",
        ),
        (
            ("avis d'imposition", "attestation caf", "quotient familial",
             "attestation de quotient familial", "justificatif de ressources"),
            "sert seulement au calcul du tarif de restauration ou de périscolaire (démarche "
            "distincte, C. éduc. R531-52) ; ne peut pas conditionner l'inscription scolaire "
            "(D131-3-1)",
        ),
    )
    for name in names
}


def _piece_of(item: Piece | str) -> Piece | None:
    if isinstance(item, Piece):
        return item
    return _PIECE_ALIASES.get(_slug(item))


def check_requested_pieces(requested: Iterable[Piece | str]) -> PieceCheck:
    """Check the list of pieces a commune's form asks for the inscription.

    Accepted: the three categories of :class:`Piece` (given as members,
    values or common French wordings).  Rejected, each with its French
    reason: anything else (vaccinations, certificat de radiation, avis
    d'imposition / CAF, assurance, photos, judgments…), a *specific* document
    instead of the category (e.g. requiring the livret de famille, or a
    particular kind of bill: D131-3-1 accepts any identity document of
    column A of CRPA R113-5 and any proof of domicile, or an attestation sur
    l'honneur), and a category asked twice.  Source: C. éduc. D131-3-1,
    §3.2 (A).
    """
    accepted: list[Piece] = []
    rejected: list[RejectedPiece] = []
    for item in requested:
        name = str(item)
        piece = _piece_of(item)
        if piece is None:
            reason = _KNOWN_EXTRA_PIECES.get(_slug(name), _D131_GENERIC)
            rejected.append(RejectedPiece(name, reason))
        elif piece in accepted:
            rejected.append(
                RejectedPiece(
                    name,
                    f"pièce « {piece.value} » déjà demandée : un seul document par catégorie "
                    "(D131-3-1)",
                )
            )
        else:
            accepted.append(piece)
    return PieceCheck(tuple(accepted), tuple(rejected))


def missing_pieces(provided: Iterable[Piece | str]) -> tuple[str, ...]:
    """French messages for the D131-3-1 categories not yet provided.

    Each missing category can be replaced by an attestation sur l'honneur,
    so these are reminders, never grounds to refuse the inscription; the
    result of a domicile verification is not an input on purpose
    (:data:`DOMICILE_VERIFICATION_BLOCKS_INSCRIPTION`).  Source: D131-3-1,
    §3.2 (A).  Unknown items in ``provided`` are ignored.
    """
    have = {p for p in (_piece_of(item) for item in provided) if p is not None}
    return tuple(
        f"pièce manquante : {spec.label} — à défaut, une attestation sur l'honneur suffit "
        "(D131-3-1)"
        for spec in _PIECE_SPECS
        if spec.piece not in have
    )


# ---------------------------------------------------------------------------
# Vaccination (admission at school, by the director)
# ---------------------------------------------------------------------------

#: Children born on or after this date are subject to the 11 vaccinations
#: (loi 2017-1836 / décret 2018-42; C. santé publ. L3111-2), §3.2 (B).
VACCINATION_2018_BIRTHS_FROM: Final = date(2018, 1, 1)

_VACCINS_DTP: Final = ("diphtérie", "tétanos", "poliomyélite")
_VACCINS_2018: Final = _VACCINS_DTP + (
    "coqueluche",
    "Haemophilus influenzae b",
    "hépatite B",
    "pneumocoque",
    "méningocoque C",
    "rougeole",
    "oreillons",
    "rubéole",
)


def mandatory_vaccines(birth_date: date) -> tuple[str, ...]:
    """Mandatory vaccinations checked by the school director at admission.

    Born on or after 1 January 2018: the 11 vaccinations of C. santé publ.
    L3111-2 (DTP, coqueluche, Hib, hépatite B, pneumocoque, méningocoque C,
    ROR) — §3.2, B.  Born before: diphtérie, tétanos, poliomyélite (former
    L3111-2 — the "DTP" part of §3.2).  Later amendments (e.g. méningocoques
    for children born from 2025) are not in §3: TODO, check before relying
    on it for those children.
    """
    return _VACCINS_2018 if birth_date >= VACCINATION_2018_BIRTHS_FROM else _VACCINS_DTP


def vaccination_regularisation_deadline(admission_date: date) -> date:
    """Missing mandatory vaccinations must be done within **3 months** of a
    provisional admission (C. santé publ. R3111-17, §3.2, B)."""
    return add_months(admission_date, 3)


# ---------------------------------------------------------------------------
# Carte scolaire (sectorisation)
# ---------------------------------------------------------------------------


class Side(StrEnum):
    """Side of the street a :class:`SectorRule` covers."""

    PAIR = "pair"
    IMPAIR = "impair"
    TOUS = "tous"


@dataclass(frozen=True)
class SectorRule:
    """One line of the carte scolaire voted by the conseil municipal
    (C. éduc. L212-7, §3.3, A): house numbers ``from_number``..``to_number``
    (both inclusive; ``to_number=None`` = to the end of the street) on
    ``side`` of ``street`` belong to the *ressort* of ``school_code``.

    ``street`` is stored as typed; lookups compare :func:`normalize_street`
    forms.  ``side`` accepts ``"pair"``, ``"impair"``, ``"tous"``.
    """

    street: str
    from_number: int = 1
    to_number: int | None = None
    side: Side | str = Side.TOUS
    school_code: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "side", Side(self.side))

    def covers(self, number: int) -> bool:
        """True when house ``number`` falls in this rule's range and side."""
        if number < self.from_number:
            return False
        if self.to_number is not None and number > self.to_number:
            return False
        if self.side is Side.PAIR:
            return number % 2 == 0
        if self.side is Side.IMPAIR:
            return number % 2 == 1
        return True

    @property
    def specificity(self) -> float:
        """How many house numbers the rule covers (smaller = more specific)."""
        if self.to_number is None:
            return float("inf")
        count = max(self.to_number - self.from_number + 1, 0)
        return count / 2 if self.side is not Side.TOUS else float(count)


@dataclass(frozen=True)
class SectorAssignment:
    """Result of :func:`sector_school`: a school, or a French message asking
    for a manual assignment (``candidates`` lists the schools in conflict)."""

    school_code: str | None
    message: str = ""
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.school_code is not None


#: Message when the street is absent from the carte scolaire.
UNKNOWN_STREET_MESSAGE: Final = "rue inconnue de la carte scolaire : affectation manuelle"

# Street-type abbreviations, expanded only as the first word.
_STREET_TYPES: Final = {
    "r": "rue",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "bvd": "boulevard",
    "pl": "place",
    "ch": "chemin",
    "chem": "chemin",
    "imp": "impasse",
    "all": "allee",
    "rte": "route",
    "sq": "square",
    "fg": "faubourg",
    "fbg": "faubourg",
    "crs": "cours",
    "pass": "passage",
    "res": "residence",
    "lot": "lotissement",
}
# Abbreviations expanded wherever they appear.
_ANYWHERE: Final = {
    "st": "saint",
    "ste": "sainte",
    "gal": "general",
    "gen": "general",
    "mal": "marechal",
    "dr": "docteur",
}


def normalize_street(name: str | None) -> str:
    """Comparable form of a street name.

    Steps: an inverted form "Lilas (rue des)" becomes "rue des Lilas";
    accents removed, case folded, œ/æ expanded; hyphens, apostrophes, dots,
    commas and other punctuation become spaces; spaces collapsed; the first
    word's street-type abbreviation expanded (r./rue, av./avenue,
    bd/boulevard, pl./place, ch./chemin, imp./impasse, all./allée,
    rte/route, sq./square, fg/faubourg, crs/cours, res./résidence,
    lot./lotissement); and anywhere st/saint, ste/sainte, gal|gén/général,
    mal/maréchal, dr/docteur.  Articles are kept ("rue de la Paix" ≠ "rue
    Paix").  ``None`` or blank → ``""``.  Design choice of this plugin (no
    official normalisation in §3).
    """
    if not name:
        return ""
    text = str(name).strip()
    inverted = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    if inverted:
        text = f"{inverted.group(2)} {inverted.group(1)}"
    text = _strip_accents(text).casefold().replace("œ", "oe").replace("æ", "ae")
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    if not tokens:
        return ""
    tokens[0] = _STREET_TYPES.get(tokens[0], tokens[0])
    tokens = [_ANYWHERE.get(t, t) for t in tokens]
    return " ".join(tokens)


def parse_house_number(number: int | str | None) -> int | None:
    """House number as an ``int``: ``12``, ``"12"``, ``"12 bis"``, ``"12B"``,
    ``"12-14"`` → 12 (a bis/ter number lies with its base number; a range
    counts by its first number).  ``None``, non-positive or unreadable →
    ``None``."""
    if number is None or isinstance(number, bool):
        return None
    if isinstance(number, int):
        return number if number > 0 else None
    match = re.match(r"\s*(\d+)", str(number))
    if not match:
        return None
    value = int(match.group(1))
    return value if value > 0 else None


def sector_school(
    rules: Iterable[SectorRule], street: str | None, number: int | str | None
) -> SectorAssignment:
    """Sector school for an address, from the carte scolaire (C. éduc.
    L212-7, §3.3, A).  Never raises for unknown or malformed input.

    * street compared in :func:`normalize_street` form; absent →
      :data:`UNKNOWN_STREET_MESSAGE`;
    * number parsed by :func:`parse_house_number`; range bounds inclusive;
      ``pair``/``impair`` sides honoured;
    * overlapping rules: the most specific one wins (fewest house numbers
      covered — a side-restricted or shorter range beats a whole-street
      rule); equally specific rules naming different schools → manual
      assignment listing the candidates.  Rules naming the same school never
      conflict;
    * no number: if every rule of the street names the same school, that
      school; otherwise manual assignment.

    The maire alone may assign another school (dérogation, §3.3): this
    function only gives the sector school.
    """
    key = normalize_street(street)
    street_rules = [r for r in rules if key and normalize_street(r.street) == key]
    if not street_rules:
        return SectorAssignment(None, UNKNOWN_STREET_MESSAGE)

    shown = str(street).strip()
    parsed = parse_house_number(number)
    if parsed is None:
        schools = sorted({r.school_code for r in street_rules})
        if len(schools) == 1:
            return SectorAssignment(schools[0])
        return SectorAssignment(
            None,
            f"numéro absent ou illisible ({number!r}) pour « {shown} », rue partagée entre "
            f"plusieurs écoles ({', '.join(schools)}) : affectation manuelle",
            tuple(schools),
        )

    matching = [r for r in street_rules if r.covers(parsed)]
    if not matching:
        return SectorAssignment(
            None,
            f"numéro {parsed} de « {shown} » non couvert par la carte scolaire : "
            "affectation manuelle",
        )
    best = min(r.specificity for r in matching)
    schools = sorted({r.school_code for r in matching if r.specificity == best})
    if len(schools) == 1:
        return SectorAssignment(schools[0])
    return SectorAssignment(
        None,
        f"plusieurs écoles possibles pour le {parsed} « {shown} » ({', '.join(schools)}) : "
        "affectation manuelle",
        tuple(schools),
    )


def carte_scolaire_problems(rules: Iterable[SectorRule]) -> tuple[str, ...]:
    """French problems in a carte scolaire, for data entry: empty street or
    school, non-positive or inverted ranges, and pairs of equally specific
    overlapping rules naming different schools (which :func:`sector_school`
    cannot decide).  Design check of this plugin (the carte itself is the
    délibération of L212-7, §3.3)."""
    rules = list(rules)
    problems: list[str] = []
    for rule in rules:
        name = rule.street or "?"
        if not normalize_street(rule.street):
            problems.append("règle sans nom de rue")
        if not rule.school_code:
            problems.append(f"« {name} » : règle sans école")
        if rule.from_number < 1:
            problems.append(f"« {name} » : numéro de début {rule.from_number} invalide")
        if rule.to_number is not None and rule.to_number < rule.from_number:
            problems.append(
                f"« {name} » : bornes inversées ({rule.from_number} > {rule.to_number})"
            )
    for i, a in enumerate(rules):
        for b in rules[i + 1:]:
            if a.school_code == b.school_code or a.specificity != b.specificity:
                continue
            if normalize_street(a.street) != normalize_street(b.street):
                continue
            low = max(a.from_number, b.from_number)
            high = min(
                a.to_number if a.to_number is not None else 10**9,
                b.to_number if b.to_number is not None else 10**9,
            )
            # an overlap exists when some number in [low, high] is covered by both
            shared = next(
                (n for n in (low, low + 1) if n <= high and a.covers(n) and b.covers(n)), None
            )
            if shared is not None:
                problems.append(
                    f"« {a.street} » : règles en conflit à partir du n° {shared} "
                    f"({a.school_code} / {b.school_code}) — affectation manuelle nécessaire"
                )
    return tuple(problems)


# ---------------------------------------------------------------------------
# Dérogations de secteur
# ---------------------------------------------------------------------------


class DerogationReason(StrEnum):
    """Reasons of a dérogation request (§3.3)."""

    #: R212-21 1°: parents (or tutor) both working and the commune de
    #: résidence provides neither restauration nor garde (or only one of
    #: them), or no organised service d'assistantes maternelles
    PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE = (
        "parents_travaillent_sans_restauration_ni_garde"
    )
    #: R212-21 2°: frère/sœur enrolled the same year in a public maternelle /
    #: élémentaire of the commune d'accueil (schools only, CE 6 juin 2018)
    FRERE_OU_SOEUR_SCOLARISE = "frere_ou_soeur_scolarise"
    #: R212-21 3°: frequent hospitalisation / regular care in the commune
    #: d'accueil, attested by the médecin scolaire or a médecin agréé
    RAISON_MEDICALE = "raison_medicale"
    #: the commune de résidence has no capacity to receive the child
    #: (L212-8 al. 3 — hors §3 tables, referred to in the R212-21 2° row)
    CAPACITE_INSUFFISANTE = "capacite_insuffisante"
    #: continuing a maternelle/élémentaire cycle started in the commune
    #: d'accueil (L212-8 last al., §3.3 C)
    CONTINUITE_DE_CYCLE = "continuite_de_cycle"
    #: any other reason (convenance personnelle, mode de garde chosen by the
    #: family, work place…)
    CONVENANCE_PERSONNELLE = "convenance_personnelle"


_R212_21_CASES: Final = {
    DerogationReason.PARENTS_TRAVAILLENT_SANS_RESTAURATION_NI_GARDE: 1,
    DerogationReason.FRERE_OU_SOEUR_SCOLARISE: 2,
    DerogationReason.RAISON_MEDICALE: 3,
}

_R212_21_NOTES: Final = {
    1: "vérifier : les deux parents (ou le tuteur) travaillent et la commune de résidence "
       "n'assure pas à la fois la restauration et la garde (ou n'a pas de service "
       "d'assistantes maternelles organisé)",
    2: "vérifier : frère ou sœur inscrit la même année dans une école maternelle ou élémentaire "
       "publique de la commune d'accueil, son inscription étant elle-même justifiée (R212-21 1°, "
       "2°, insuffisance de capacité ou dernier alinéa de L212-8) ; écoles seulement, pas "
       "collège/lycée (CE 6 juin 2018 n°410463)",
    3: "vérifier : hospitalisations fréquentes ou soins réguliers dans la commune d'accueil, "
       "attestés par le médecin scolaire ou un médecin agréé",
}


class DerogationScope(StrEnum):
    INTRA_COMMUNE = "intra_commune"
    INTER_COMMUNE = "inter_commune"


class Contribution(StrEnum):
    """Financial contribution of the commune de résidence (L212-8)."""

    #: same commune: no cost sharing between communes
    SANS_OBJET = "sans_objet"
    #: the commune de résidence must pay even without its maire's agreement
    OBLIGATOIRE = "obligatoire"
    #: the commune de résidence pays only if its maire agreed
    SUR_ACCORD = "sur_accord"
    #: schooling already started cannot be challenged before the end of the
    #: cycle; the existing arrangement goes on
    MAINTENUE = "maintenue"


@dataclass(frozen=True)
class DerogationCase:
    """Qualification of a dérogation request (see :func:`derogation_case`)."""

    scope: DerogationScope
    reason: DerogationReason
    decided_by: str
    contribution: Contribution
    r212_21_case: int | None
    legal_basis: str
    notes: tuple[str, ...] = field(default=())

    @property
    def home_commune_must_contribute(self) -> bool:
        """True when the commune de résidence must share the costs even
        without its agreement (R212-21 cases, or lack of capacity)."""
        return self.contribution is Contribution.OBLIGATOIRE


def _commune_key(commune: str) -> str:
    key = _slug(commune)
    if not key:
        raise ValueError("commune non renseignée")
    return key


def derogation_case(
    home_commune: str, school_commune: str, reason: DerogationReason | str
) -> DerogationCase:
    """Qualify a dérogation de secteur (§3.3).

    ``home_commune`` / ``school_commune``: INSEE codes (recommended) or names
    — compared case-, accent- and hyphen-insensitively; pass the same kind of
    identifier for both.

    * Same commune → *intra-commune*: the maire alone decides (he may
      derogate from the sectorisation délibération when issuing the
      certificat d'inscription — RM JO AN 30/06/2009 n°41437, RM JO AN
      01/11/2016 n°96746, B); no cost sharing.
    * Different communes → *inter-commune*: agreement of the maire of the
      commune d'accueil, and of the maire of the commune de résidence for the
      cost sharing (L212-8, B), except in the three cases of R212-21 (A)
      where the commune de résidence must pay without its agreement
      (``r212_21_case`` = 1, 2 or 3, ``home_commune_must_contribute``):
      1° working parents without restauration/garde, 2° frère/sœur,
      3° health.  Lack of capacity of the commune de résidence also obliges
      it to pay (L212-8 al. 3 — hors §3 tables).  A cycle started in the
      commune d'accueil cannot be interrupted (L212-8 last al., C).

    The function qualifies the request from its declared reason; the notes
    list what the agent must verify.
    """
    reason = DerogationReason(reason)
    if _commune_key(home_commune) == _commune_key(school_commune):
        notes: tuple[str, ...] = ()
        if reason in _R212_21_CASES:
            notes = (
                "les cas de l'article R212-21 ne règlent que la répartition des charges entre "
                "communes : sans objet à l'intérieur de la commune, le maire apprécie le motif",
            )
        return DerogationCase(
            scope=DerogationScope.INTRA_COMMUNE,
            reason=reason,
            decided_by="le maire de la commune, seul compétent pour déroger à la sectorisation "
                       "en délivrant le certificat d'inscription",
            contribution=Contribution.SANS_OBJET,
            r212_21_case=None,
            legal_basis="C. éduc. L212-7 ; RM JO AN 30/06/2009 n°41437 ; RM JO AN 01/11/2016 "
                        "n°96746",
            notes=notes,
        )

    decided_by = (
        "le maire de la commune d'accueil, avec l'accord du maire de la commune de résidence "
        "pour la participation aux frais (C. éduc. L212-8)"
    )
    case = _R212_21_CASES.get(reason)
    if case is not None:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by="le maire de la commune d'accueil ; l'accord du maire de la commune de "
                       "résidence n'est pas requis pour la participation aux frais "
                       "(C. éduc. L212-8 al. 5, R212-21)",
            contribution=Contribution.OBLIGATOIRE,
            r212_21_case=case,
            legal_basis=f"C. éduc. L212-8 al. 5 ; R212-21 {case}°",
            notes=(
                _R212_21_NOTES[case],
                "la commune de résidence participe aux frais même sans l'accord de son maire",
                "le maire de la commune d'accueil informe le maire de la commune de résidence "
                "dans les 2 semaines suivant l'inscription (décret 98-45)",
            ),
        )
    if reason is DerogationReason.CAPACITE_INSUFFISANTE:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by="le maire de la commune d'accueil ; l'accord du maire de la commune de "
                       "résidence n'est pas requis pour la participation aux frais si elle "
                       "n'a pas la capacité d'accueil (C. éduc. L212-8 al. 3)",
            contribution=Contribution.OBLIGATOIRE,
            r212_21_case=None,
            legal_basis="C. éduc. L212-8 al. 3",
            notes=(
                "vérifier : la capacité d'accueil des écoles de la commune de résidence ne "
                "permet pas de scolariser l'enfant ; sinon la participation suppose l'accord "
                "de son maire",
            ),
        )
    if reason is DerogationReason.CONTINUITE_DE_CYCLE:
        return DerogationCase(
            scope=DerogationScope.INTER_COMMUNE,
            reason=reason,
            decided_by=decided_by,
            contribution=Contribution.MAINTENUE,
            r212_21_case=None,
            legal_basis="C. éduc. L212-8 dernier alinéa",
            notes=(
                "la scolarité maternelle ou élémentaire commencée ou poursuivie l'année "
                "précédente dans la commune d'accueil ne peut pas être remise en cause avant "
                "la fin du cycle",
            ),
        )
    return DerogationCase(
        scope=DerogationScope.INTER_COMMUNE,
        reason=reason,
        decided_by=decided_by,
        contribution=Contribution.SUR_ACCORD,
        r212_21_case=None,
        legal_basis="C. éduc. L212-8",
        notes=(
            "hors cas de l'article R212-21 : la commune de résidence ne participe aux frais "
            "que si son maire a donné son accord",
        ),
    )


def home_commune_information_deadline(inscription_date: date) -> date:
    """Last day for the maire of the commune d'accueil to inform the commune
    de résidence of an inscription under an R212-21 case: 2 weeks
    (décret 98-45, §3.3, confidence C)."""
    return inscription_date + timedelta(weeks=2)


# ---------------------------------------------------------------------------
# Restauration scolaire and accueil périscolaire
# ---------------------------------------------------------------------------


def _check_counts(enrolled: int, capacity: int) -> None:
    if enrolled < 0 or capacity < 0:
        raise ValueError("effectif et capacité doivent être positifs ou nuls")


def canteen_refusal_allowed(enrolled: int, capacity: int) -> bool:
    """Whether the commune may refuse a canteen enrolment.

    Enrolment in the canteen of primary schools, where the service exists,
    is a right for every pupil without discrimination (C. éduc. L131-13,
    §3.4, A); a refusal is lawful **only** when, at the date of the decision,
    the maximum capacity of the service is reached (CE 22 mars 2021
    n°429361, §3.4, B).  ``enrolled`` = pupils already enrolled on the
    decision date; True iff ``enrolled >= capacity``.  Any other ground
    (parents not working, unpaid bills of another service…) is not lawful.
    """
    _check_counts(enrolled, capacity)
    return enrolled >= capacity


def periscolaire_refusal_allowed(enrolled: int, capacity: int) -> bool:
    """Whether a refusal of the accueil périscolaire (matin/soir) for lack of
    places is lawful: True iff ``enrolled >= capacity``.

    No statutory right equivalent to L131-13 exists; refusals for lack of
    places were judged legal (TA Besançon 2017, §3.4, C).  Below capacity
    §3 gives no lawful ground, so this returns False; a commune wanting other
    (non-discriminatory) priority rules sets them in its règlement.
    """
    _check_counts(enrolled, capacity)
    return enrolled >= capacity


@dataclass(frozen=True)
class Tranche:
    """One tranche of a tariff grid: quotient familial from ``qf_min`` to
    ``qf_max`` (both inclusive, euros; ``qf_max=None`` = no upper bound) →
    ``price`` (euros per meal/unit).  Amounts are ``Decimal`` (``int`` and
    ``str`` converted, ``float`` refused)."""

    qf_min: Decimal
    qf_max: Decimal | None
    price: Decimal
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "qf_min", _to_decimal(self.qf_min, "qf_min"))
        if self.qf_max is not None:
            object.__setattr__(self, "qf_max", _to_decimal(self.qf_max, "qf_max"))
        object.__setattr__(self, "price", _to_decimal(self.price, "price"))

    def contains(self, qf: Decimal) -> bool:
        return self.qf_min <= qf and (self.qf_max is None or qf <= self.qf_max)

    @property
    def name(self) -> str:
        """Label, or "QF a – b €" when no label."""
        if self.label:
            return self.label
        if self.qf_max is None:
            return f"QF ≥ {_fmt_eur(self.qf_min)}"
        return f"QF {_fmt_eur(self.qf_min)} – {_fmt_eur(self.qf_max)}"


@dataclass(frozen=True)
class TariffGrid:
    """A commune's tariff grid by quotient familial (délibération, C. éduc.
    R531-52/R531-53, §3.4).

    ``unit`` is the precision of QF values and bounds (default 1 €: the CAF
    QF is a whole number of euros, §3.5): two tranches are contiguous when
    the next ``qf_min`` equals the previous ``qf_max + unit`` ("0–500",
    "501–1 000"), and :func:`tariff_for` rounds a QF down to the unit.  Use
    ``Decimal("0.01")`` for grids written in cents.
    """

    tranches: tuple[Tranche, ...]
    unit: Decimal = Decimal("1")

    def __post_init__(self) -> None:
        object.__setattr__(self, "tranches", tuple(self.tranches))
        unit = _to_decimal(self.unit, "unit")
        if unit <= 0:
            raise ValueError("unit doit être positif")
        object.__setattr__(self, "unit", unit)


#: "Cantine à 1 €": the social tranche(s) cost at most 1 € (§3.4, B).
CANTINE_A_UN_EURO_MAX_PRICE: Final = Decimal("1")
#: "Cantine à 1 €": families with a CAF QF ≤ 1 000 € pay at most 1 € (since
#: 1 August 2022, §3.4, B).
CANTINE_A_UN_EURO_QF_CEILING: Final = Decimal("1000")
_CANTINE_A_UN_EURO_MIN_TRANCHES: Final = 3


def tariff_for(qf: int | Decimal | None, grid: TariffGrid) -> Tranche | None:
    """The tranche applying to a household's quotient familial.

    ``qf`` (CAF QF, §3.5 — use the CAF value, do not recompute it) is
    rounded down to ``grid.unit``; bounds are inclusive.  Returns ``None``
    when the QF is unknown (``None``) or falls in a gap of the grid: the
    délibération's default (often the highest tranche) is the caller's
    decision, not a rule of §3.  Raises ``ValueError`` for a negative QF or
    when several tranches apply (overlapping grid — see
    :func:`validate_grid`).  Source: R531-52/R531-53 (tariffs modulated on
    social criteria such as the QF), §3.4.
    """
    if qf is None:
        return None
    value = _to_decimal(qf, "qf")
    if value < 0:
        raise ValueError("quotient familial négatif")
    value = (value / grid.unit).to_integral_value(rounding=ROUND_FLOOR) * grid.unit
    found = [t for t in grid.tranches if t.contains(value)]
    if len(found) > 1:
        raise ValueError(
            f"grille invalide : plusieurs tranches pour un QF de {_fmt_eur(value)} "
            f"({', '.join(t.name for t in found)})"
        )
    return found[0] if found else None


def validate_grid(
    grid: TariffGrid,
    *,
    cantine_a_un_euro: bool = False,
    min_tranches: int = 3,
    cost_per_user: Decimal | None = None,
) -> tuple[str, ...]:
    """French problems of a tariff grid; empty tuple = valid.

    Checks:

    * at least ``min_tranches`` tranches (default 3, as the issue requires
      for commune grids; §3.4 imposes ≥ 3 only for the "cantine à 1 €" aid,
      so a commune with a flat tariff may pass ``min_tranches=1`` — with
      ``cantine_a_un_euro`` the minimum is never below 3);
    * bounds: negative or inverted bounds, negative prices;
    * coverage of every QF from 0 upwards: nothing below the first tranche,
      no gap, no overlap (bounds inclusive, contiguity by ``grid.unit``), an
      open-ended last tranche;
    * ``cost_per_user``: no price above the cost per user after subsidies
      (R531-52/R531-53, §3.4, A/B);
    * ``cantine_a_un_euro`` (State aid, §3.4, B — current rules, since
      1 August 2022): ≥ 3 tranches, at least one tranche ≤ 1 €, at least one
      tranche > 1 €, and every tranche reaching a QF ≤ 1 000 € priced ≤ 1 €
      (families with a CAF QF ≤ 1 000 € pay at most 1 €).  The grid must also
      apply to all pupils, residents or not (not checkable here).
    """
    problems: list[str] = []
    tranches = grid.tranches
    unit = grid.unit
    required = min_tranches
    if cantine_a_un_euro:
        required = max(required, _CANTINE_A_UN_EURO_MIN_TRANCHES)

    if not tranches:
        problems.append("la grille ne comporte aucune tranche")
    elif len(tranches) < required:
        source = (
            " (condition de l'aide « cantine à 1 € »)" if cantine_a_un_euro else ""
        )
        problems.append(
            f"la grille comporte {len(tranches)} tranche(s) : au moins {required} tranches "
            f"sont requises{source}"
        )

    well_formed: list[Tranche] = []
    for t in tranches:
        ok = True
        if t.qf_min < 0:
            problems.append(f"tranche « {t.name} » : borne inférieure négative")
            ok = False
        if t.qf_max is not None and t.qf_max < t.qf_min:
            problems.append(
                f"tranche « {t.name} » : bornes inversées ({_fmt_eur(t.qf_min)} > "
                f"{_fmt_eur(t.qf_max)})"
            )
            ok = False
        if t.price < 0:
            problems.append(f"tranche « {t.name} » : tarif négatif")
        if cost_per_user is not None and t.price > _to_decimal(cost_per_user, "cost_per_user"):
            problems.append(
                f"tranche « {t.name} » : tarif de {_fmt_eur(t.price)} supérieur au coût par "
                f"usager ({_fmt_eur(_to_decimal(cost_per_user, 'cost_per_user'))}) — "
                "C. éduc. R531-52/R531-53"
            )
        if ok:
            well_formed.append(t)

    # coverage: gaps and overlaps, scanning tranches by lower bound
    ordered = sorted(well_formed, key=lambda t: (t.qf_min, t.qf_max is None, t.qf_max or 0))
    if ordered:
        if ordered[0].qf_min > 0:
            problems.append(
                f"aucun tarif pour un QF inférieur à {_fmt_eur(ordered[0].qf_min)} "
                f"(trou avant la tranche « {ordered[0].name} »)"
            )
        reach: Decimal | None = ordered[0].qf_max  # highest QF covered so far (None = ∞)
        reacher = ordered[0]
        for t in ordered[1:]:
            if reach is None or t.qf_min <= reach:
                upper = t.qf_max if reach is None else (
                    reach if t.qf_max is None else min(reach, t.qf_max)
                )
                span = (
                    f"à partir de {_fmt_eur(t.qf_min)}" if upper is None
                    else f"QF de {_fmt_eur(t.qf_min)} à {_fmt_eur(upper)}"
                )
                problems.append(
                    f"chevauchement entre les tranches « {reacher.name} » et « {t.name} » "
                    f"({span})"
                )
            elif t.qf_min > reach + unit:
                problems.append(
                    f"trou entre les tranches « {reacher.name} » et « {t.name} » : aucun tarif "
                    f"pour un QF de {_fmt_eur(reach + unit)} à {_fmt_eur(t.qf_min - unit)}"
                )
            if reach is not None and (t.qf_max is None or t.qf_max > reach):
                reach, reacher = t.qf_max, t
        if reach is not None:
            problems.append(
                f"aucun tarif pour un QF supérieur à {_fmt_eur(reach)} (la dernière tranche "
                "doit être sans borne supérieure)"
            )

    if cantine_a_un_euro and tranches:
        if not any(t.price <= CANTINE_A_UN_EURO_MAX_PRICE for t in tranches):
            problems.append(
                "cantine à 1 € : aucune tranche à 1 € ou moins (au moins une tranche ≤ 1 € "
                "est requise)"
            )
        if not any(t.price > CANTINE_A_UN_EURO_MAX_PRICE for t in tranches):
            problems.append(
                "cantine à 1 € : aucune tranche à plus de 1 € (au moins une tranche > 1 € est "
                "requise)"
            )
        for t in well_formed:
            if t.qf_min <= CANTINE_A_UN_EURO_QF_CEILING and t.price > CANTINE_A_UN_EURO_MAX_PRICE:
                problems.append(
                    f"cantine à 1 € : la tranche « {t.name} » s'applique à des QF ≤ "
                    f"{_fmt_eur(CANTINE_A_UN_EURO_QF_CEILING)} avec un tarif de "
                    f"{_fmt_eur(t.price)} (> 1 €) ; les familles de QF ≤ 1 000 € doivent payer "
                    "1 € au plus (depuis le 1er août 2022)"
                )
    return tuple(problems)


_AID_3_EUROS_FROM: Final = date(2021, 1, 1)
_AID_EGALIM_BONUS_FROM: Final = date(2024, 1, 1)


def cantine_a_un_euro_aid_per_meal(day: date, *, egalim: bool = False) -> Decimal | None:
    """State aid per meal billed ≤ 1 € under the "cantine à 1 €" scheme.

    3 € since 1 January 2021; + 1 € since January 2024 (taken as 1 January
    2024) when the commune has EGAlim commitments (§3.4, B).  Earlier dates
    → ``None`` (the amount before 2021 is not in §3).
    """
    if day < _AID_3_EUROS_FROM:
        return None
    aid = Decimal("3")
    if egalim and day >= _AID_EGALIM_BONUS_FROM:
        aid += Decimal("1")
    return aid
