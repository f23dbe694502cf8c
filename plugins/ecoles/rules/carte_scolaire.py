"""Carte scolaire (sectorisation): streets, house numbers and the school of a sector (§3.3)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import _strip_accents


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
    """Result of :func:`sector_school`: a school, or a message asking for a
    manual assignment, translated when shown (``candidates`` lists the
    schools in conflict)."""

    school_code: str | None
    message: RuleText | str = ""
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.school_code is not None


#: Message when the street is absent from the carte scolaire.
UNKNOWN_STREET_MESSAGE: Final = _l("street unknown to the carte scolaire: manual assignment")

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
            _l("number missing or unreadable (%(number)s) for « %(street)s », street shared between several schools "
               "(%(schools)s): manual assignment", number=repr(number), street=shown, schools=", ".join(schools)),
            tuple(schools),
        )

    matching = [r for r in street_rules if r.covers(parsed)]
    if not matching:
        return SectorAssignment(
            None,
            _l("number %(number)s of « %(street)s » not covered by the carte scolaire: manual assignment",
               number=str(parsed), street=shown),
        )
    best = min(r.specificity for r in matching)
    schools = sorted({r.school_code for r in matching if r.specificity == best})
    if len(schools) == 1:
        return SectorAssignment(schools[0])
    return SectorAssignment(
        None,
        _l("several schools possible for %(number)s « %(street)s » (%(schools)s): manual assignment",
           number=str(parsed), street=shown, schools=", ".join(schools)),
        tuple(schools),
    )


def carte_scolaire_problems(rules: Iterable[SectorRule]) -> tuple[RuleText, ...]:
    """Problems in a carte scolaire (messages translated when shown), for data entry: empty street or
    school, non-positive or inverted ranges, and pairs of equally specific
    overlapping rules naming different schools (which :func:`sector_school`
    cannot decide).  Design check of this plugin (the carte itself is the
    délibération of L212-7, §3.3)."""
    rules = list(rules)
    problems: list[RuleText] = []
    for rule in rules:
        name = rule.street or "?"
        if not normalize_street(rule.street):
            problems.append(_l("rule without a street name"))
        if not rule.school_code:
            problems.append(_l("« %(street)s »: rule without a school", street=name))
        if rule.from_number < 1:
            problems.append(_l("« %(street)s »: first number %(number)s invalid", street=name,
                               number=str(rule.from_number)))
        if rule.to_number is not None and rule.to_number < rule.from_number:
            problems.append(_l("« %(street)s »: bounds inverted (%(low)s > %(high)s)", street=name,
                               low=str(rule.from_number), high=str(rule.to_number)))
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
                    _l("« %(street)s »: rules in conflict from n° %(number)s (%(first)s / %(second)s) — manual "
                       "assignment needed", street=a.street, number=str(shared), first=a.school_code,
                       second=b.school_code)
                )
    return tuple(problems)
