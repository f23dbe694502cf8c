"""Aide sociale facultative: the commune's rules, the window of grants, the check of a request (§4.1)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from grc_core.plugin_api import Euros, RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import _require_date, _require_money


class AidWindow(StrEnum):
    """Period over which the yearly ceiling per household is counted."""

    CALENDAR_YEAR = "annee_civile"  # 1 January – 31 December of the request date
    ROLLING_12_MONTHS = "12_mois_glissants"  # the 12 months ending on the request date


@dataclass(frozen=True)
class AidRules:
    """The CCAS's own settings for one kind of aide facultative.

    Source: §4.1 'Aide sociale facultative' — the CCAS's own policy, set by its
    conseil d'administration (règlement des aides facultatives); nothing is
    fixed by law (conf. ?), hence every value is a commune setting.

    * ``kind`` — the aid kind these rules apply to (e.g. ``"secours_alimentaire"``).
    * ``qf_ceiling`` — highest quotient familial admitted (inclusive), or None.
    * ``resources_ceiling`` — highest monthly resources admitted (inclusive), or None.
      When both ceilings are set, both conditions must be met.
    * ``yearly_ceiling`` — most that may be granted to one household for this
      kind over the ``window``, or None for no ceiling.
    * ``window`` — calendar year (default) or rolling 12 months.
    * ``cap_partial`` — above the ceiling, grant the remainder (True, default)
      or refuse the whole request (False).
    """

    kind: str
    qf_ceiling: int | Decimal | None = None
    resources_ceiling: Decimal | None = None
    yearly_ceiling: Decimal | None = None
    window: AidWindow = AidWindow.CALENDAR_YEAR
    cap_partial: bool = True

    def __post_init__(self) -> None:
        if self.resources_ceiling is not None:
            _require_money(self.resources_ceiling, "resources_ceiling")
        if self.yearly_ceiling is not None:
            _require_money(self.yearly_ceiling, "yearly_ceiling")
        if self.qf_ceiling is not None and (
            isinstance(self.qf_ceiling, bool) or not isinstance(self.qf_ceiling, int | Decimal)
        ):
            raise TypeError("qf_ceiling must be an int or a Decimal")
        object.__setattr__(self, "window", AidWindow(self.window))


class AidOutcome(StrEnum):
    """Outcome of :func:`check_aid`."""

    ALLOWED = "accordee"
    CAPPED = "plafonnee"
    REFUSED = "refusee"


@dataclass(frozen=True)
class AidDecision:
    """Result of :func:`check_aid`: ``amount`` is what may be granted (0 if refused)."""

    outcome: AidOutcome
    amount: Decimal
    reason: RuleText

    @property
    def allowed(self) -> bool:
        """True when some amount may be granted (ALLOWED or CAPPED)."""
        return self.outcome is not AidOutcome.REFUSED


def aid_window(
    on_date: _dt.date, window: AidWindow | str = AidWindow.CALENDAR_YEAR
) -> tuple[_dt.date, _dt.date]:
    """First and last day (inclusive) of the ceiling window containing ``on_date``.

    Source: §4.1 'Aide sociale facultative' (CCAS setting).  Calendar year:
    1 January – 31 December of ``on_date``'s year (default, the usual reading
    of "par an" in a règlement).  Rolling: the 12 months ending on ``on_date``,
    i.e. from the day after ``on_date`` - 12 months (:func:`add_months`):
    15 March 2025 → 16 March 2024 – 15 March 2025.
    """
    _require_date(on_date, "on_date")
    if AidWindow(window) is AidWindow.CALENDAR_YEAR:
        return _dt.date(on_date.year, 1, 1), _dt.date(on_date.year, 12, 31)
    return add_months(on_date, -12) + _dt.timedelta(days=1), on_date


def granted_in_window(
    grants: Iterable[tuple[_dt.date, Decimal]],
    on_date: _dt.date,
    window: AidWindow | str = AidWindow.CALENDAR_YEAR,
) -> Decimal:
    """Sum of a household's grants ``(granted_on, amount)`` inside the window.

    Grants dated after ``on_date`` are ignored.  Feed only the grants of the
    household for the aid kind of the :class:`AidRules` used.
    """
    start, end = aid_window(on_date, window)
    end = min(end, on_date)
    total = Decimal("0")
    for granted_on, amount in grants:
        if start <= _require_date(granted_on, "granted_on") <= end:
            total += _require_money(amount, "amount")
    return total


_ZERO = Decimal("0.00")


def check_aid(
    request_amount: Decimal,
    qf: int | Decimal | None,
    granted_this_year: Decimal,
    rules: AidRules,
    *,
    resources: Decimal | None = None,
) -> AidDecision:
    """Check an aide facultative request against the CCAS's rules.

    Source: §4.1 'Aide sociale facultative' (CCAS's own règlement); §3.5 for
    the QF (use the CAF value, do not recompute).  ``granted_this_year`` is
    what the household already received for this kind within the rules'
    window (see :func:`granted_in_window`).  Order: QF ceiling, resources
    ceiling, then yearly ceiling per household — exactly reaching the ceiling
    is allowed; above it the request is capped to the remainder (or refused
    if ``rules.cap_partial`` is False); nothing left → refused.
    """
    _require_money(request_amount, "request_amount")
    if request_amount == 0:
        raise ValueError("request_amount must be positive")
    _require_money(granted_this_year, "granted_this_year")
    if qf is not None and (isinstance(qf, bool) or not isinstance(qf, int | Decimal)):
        raise TypeError("qf must be an int, a Decimal or None")
    refusal = _means_refusal(qf, resources, rules)
    if refusal is not None:
        return refusal
    if rules.yearly_ceiling is None:
        return AidDecision(AidOutcome.ALLOWED, request_amount, _l("Granted: conditions met."))
    return _within_yearly_ceiling(request_amount, granted_this_year, rules)


def _means_refusal(qf: int | Decimal | None, resources: Decimal | None, rules: AidRules) -> AidDecision | None:
    """Refusal for a QF or resources missing or above the rules' ceilings, ``None`` when they pass."""
    if rules.qf_ceiling is not None:
        if qf is None:
            return AidDecision(
                AidOutcome.REFUSED,
                _ZERO,
                _l("Refused: quotient familial not given, required by the rules of the optional aids."),
            )
        if qf > rules.qf_ceiling:
            return AidDecision(
                AidOutcome.REFUSED,
                _ZERO,
                _l("Refused: quotient familial %(qf)s above the ceiling of %(ceiling)s set by the rules of the "
                   "optional aids.", qf=qf, ceiling=rules.qf_ceiling),
            )
    if rules.resources_ceiling is not None:
        if resources is None:
            return AidDecision(
                AidOutcome.REFUSED,
                _ZERO,
                _l("Refused: resources not given, required by the rules of the optional aids."),
            )
        _require_money(resources, "resources")
        if resources > rules.resources_ceiling:
            return AidDecision(
                AidOutcome.REFUSED,
                _ZERO,
                _l("Refused: resources of %(resources)s above the ceiling of %(ceiling)s set by the rules of the "
                   "optional aids.", resources=Euros(resources), ceiling=Euros(rules.resources_ceiling)),
            )
    return None


def _within_yearly_ceiling(request_amount: Decimal, granted_this_year: Decimal, rules: AidRules) -> AidDecision:
    """The request against what remains of the yearly ceiling per household: allowed, capped or refused."""
    calendar_year = rules.window is AidWindow.CALENDAR_YEAR
    ceiling = Euros(rules.yearly_ceiling)
    remaining = rules.yearly_ceiling - granted_this_year
    if remaining <= 0:
        return AidDecision(
            AidOutcome.REFUSED,
            _ZERO,
            _l("Refused: ceiling of %(ceiling)s per household already reached over the calendar year.", ceiling=ceiling)
            if calendar_year else
            _l("Refused: ceiling of %(ceiling)s per household already reached over the last 12 months.",
               ceiling=ceiling),
        )
    if request_amount <= remaining:
        return AidDecision(
            AidOutcome.ALLOWED,
            request_amount,
            _l("Granted: %(amount)s within the ceiling of %(ceiling)s per household over the calendar year.",
               amount=Euros(request_amount), ceiling=ceiling) if calendar_year else
            _l("Granted: %(amount)s within the ceiling of %(ceiling)s per household over the last 12 months.",
               amount=Euros(request_amount), ceiling=ceiling),
        )
    if not rules.cap_partial:
        return AidDecision(
            AidOutcome.REFUSED,
            _ZERO,
            _l("Refused: the request for %(amount)s exceeds the %(remaining)s left (ceiling of %(ceiling)s per "
               "household over the calendar year).", amount=Euros(request_amount), remaining=Euros(remaining),
               ceiling=ceiling) if calendar_year else
            _l("Refused: the request for %(amount)s exceeds the %(remaining)s left (ceiling of %(ceiling)s per "
               "household over the last 12 months).", amount=Euros(request_amount), remaining=Euros(remaining),
               ceiling=ceiling),
        )
    return AidDecision(
        AidOutcome.CAPPED,
        remaining,
        _l("Capped at %(remaining)s: ceiling of %(ceiling)s per household over the calendar year, %(granted)s "
           "already granted.", remaining=Euros(remaining), ceiling=ceiling, granted=Euros(granted_this_year))
        if calendar_year else
        _l("Capped at %(remaining)s: ceiling of %(ceiling)s per household over the last 12 months, %(granted)s "
           "already granted.", remaining=Euros(remaining), ceiling=ceiling, granted=Euros(granted_this_year)),
    )
