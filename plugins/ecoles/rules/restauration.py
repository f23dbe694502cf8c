"""Restauration scolaire and accueil périscolaire: refusals, tariff grids, cantine à 1 € (§3.4, §3.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from typing import Final

from grc_core.plugin_api import Euros, RuleText, lazy_ngettext
from grc_core.plugin_api import lazy_text as _l

from .common import _fmt_eur, _to_decimal


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
) -> tuple[RuleText, ...]:
    """Problems of a tariff grid (messages translated when shown); empty tuple = valid.

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
    required = min_tranches
    if cantine_a_un_euro:
        required = max(required, _CANTINE_A_UN_EURO_MIN_TRANCHES)
    problems = _count_problems(grid.tranches, required, cantine_a_un_euro)
    tranche_problems, well_formed = _tranche_problems(grid.tranches, cost_per_user)
    problems += tranche_problems
    problems += _coverage_problems(well_formed, grid.unit)
    if cantine_a_un_euro and grid.tranches:
        problems += _cantine_a_un_euro_problems(grid.tranches, well_formed)
    return tuple(problems)


def _count_problems(tranches: tuple[Tranche, ...], required: int, cantine_a_un_euro: bool) -> list[RuleText]:
    """A grid without tranches, or with fewer than ``required``."""
    if not tranches:
        return [_l("the grid has no tranche")]
    if len(tranches) < required:
        if cantine_a_un_euro:
            return [lazy_ngettext(
                "the grid has %(num)d tranche: at least %(required)d tranches are required (condition of the "
                "« cantine à 1 € » aid)",
                "the grid has %(num)d tranches: at least %(required)d tranches are required (condition of the "
                "« cantine à 1 € » aid)", len(tranches), required=required)]
        return [lazy_ngettext("the grid has %(num)d tranche: at least %(required)d tranches are required",
                              "the grid has %(num)d tranches: at least %(required)d tranches are required",
                              len(tranches), required=required)]
    return []


def _tranche_problems(
    tranches: tuple[Tranche, ...], cost_per_user: Decimal | None
) -> tuple[list[RuleText], list[Tranche]]:
    """Each tranche's problems of bounds and price, and the tranches whose bounds are sound."""
    problems: list[RuleText] = []
    well_formed: list[Tranche] = []
    for t in tranches:
        ok = True
        if t.qf_min < 0:
            problems.append(_l("tranche « %(name)s »: negative lower bound", name=t.name))
            ok = False
        if t.qf_max is not None and t.qf_max < t.qf_min:
            problems.append(_l("tranche « %(name)s »: bounds inverted (%(low)s > %(high)s)", name=t.name,
                               low=Euros(t.qf_min, whole=True), high=Euros(t.qf_max, whole=True)))
            ok = False
        if t.price < 0:
            problems.append(_l("tranche « %(name)s »: negative price", name=t.name))
        if cost_per_user is not None and t.price > _to_decimal(cost_per_user, "cost_per_user"):
            problems.append(_l("tranche « %(name)s »: price of %(price)s above the cost per user (%(cost)s) — C. éduc. "
                               "R531-52/R531-53", name=t.name, price=Euros(t.price, whole=True),
                               cost=Euros(_to_decimal(cost_per_user, "cost_per_user"), whole=True)))
        if ok:
            well_formed.append(t)
    return problems, well_formed


def _coverage_problems(well_formed: list[Tranche], unit: Decimal) -> list[RuleText]:
    """Gaps and overlaps, scanning the tranches by lower bound: every QF from 0 up has exactly one price."""
    problems: list[RuleText] = []
    ordered = sorted(well_formed, key=lambda t: (t.qf_min, t.qf_max is None, t.qf_max or 0))
    if not ordered:
        return problems
    if ordered[0].qf_min > 0:
        problems.append(_l("no price for a QF below %(low)s (gap before the tranche « %(name)s »)",
                           low=Euros(ordered[0].qf_min, whole=True), name=ordered[0].name))
    reach: Decimal | None = ordered[0].qf_max  # highest QF covered so far (None = ∞)
    reacher = ordered[0]
    for t in ordered[1:]:
        if reach is None or t.qf_min <= reach:
            upper = t.qf_max if reach is None else (
                reach if t.qf_max is None else min(reach, t.qf_max)
            )
            problems.append(
                _l("overlap between the tranches « %(first)s » and « %(second)s » (from %(low)s)", first=reacher.name,
                   second=t.name, low=Euros(t.qf_min, whole=True)) if upper is None else
                _l("overlap between the tranches « %(first)s » and « %(second)s » (QF from %(low)s to %(high)s)",
                   first=reacher.name, second=t.name, low=Euros(t.qf_min, whole=True),
                   high=Euros(upper, whole=True)))
        elif t.qf_min > reach + unit:
            problems.append(_l("gap between the tranches « %(first)s » and « %(second)s »: no price for a QF from "
                               "%(low)s to %(high)s", first=reacher.name, second=t.name,
                               low=Euros(reach + unit, whole=True), high=Euros(t.qf_min - unit, whole=True)))
        if reach is not None and (t.qf_max is None or t.qf_max > reach):
            reach, reacher = t.qf_max, t
    if reach is not None:
        problems.append(_l("no price for a QF above %(high)s (the last tranche must have no upper bound)",
                           high=Euros(reach, whole=True)))
    return problems


def _cantine_a_un_euro_problems(tranches: tuple[Tranche, ...], well_formed: list[Tranche]) -> list[RuleText]:
    """The conditions of the State aid « cantine à 1 € » (§3.4, B)."""
    problems: list[RuleText] = []
    if not any(t.price <= CANTINE_A_UN_EURO_MAX_PRICE for t in tranches):
        problems.append(_l("cantine à 1 €: no tranche at 1 € or less (at least one tranche ≤ 1 € is required)"))
    if not any(t.price > CANTINE_A_UN_EURO_MAX_PRICE for t in tranches):
        problems.append(_l("cantine à 1 €: no tranche above 1 € (at least one tranche > 1 € is required)"))
    for t in well_formed:
        if t.qf_min <= CANTINE_A_UN_EURO_QF_CEILING and t.price > CANTINE_A_UN_EURO_MAX_PRICE:
            problems.append(_l("cantine à 1 €: the tranche « %(name)s » applies to QF ≤ %(ceiling)s with a price of "
                               "%(price)s (> 1 €); families with a QF ≤ 1,000 € must pay 1 € at most (since 1 August "
                               "2022)", name=t.name, ceiling=Euros(CANTINE_A_UN_EURO_QF_CEILING, whole=True),
                               price=Euros(t.price, whole=True)))
    return problems


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
