"""The deposit (caution): its amount, and what is returned after the état des
lieux of exit.

Neither amount nor procedure is set by law: the commune's rules (règlement
intérieur des salles) fix them (domain_rules §7, practice, conf. C). Keeping
part of a deposit is a decision against the user: it states its reason
(CRPA L211-2, motivation of unfavourable individual decisions).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import fmt_eur


@dataclass(frozen=True)
class DepositSettlement:
    returned: Decimal
    kept: Decimal
    reason: str
    #: Why the input is refused (lazy text), and which input: ``kept`` (the amount) or ``reason``.
    problem: RuleText | str = ""
    problem_input: str = ""


def deposit_due(amount: Decimal, *, service_commune: bool = False) -> Decimal:
    """The deposit the grid asks; none from the commune's own services."""
    if amount < 0:
        raise ValueError(_l("A deposit cannot be negative."))
    return Decimal("0") if service_commune else amount


def settle_deposit(deposit: Decimal, kept: object, reason: str) -> DepositSettlement:
    """Split the deposit into returned and kept parts.

    ``kept`` is what the agent typed (text or Decimal); a kept part must lie
    between 0 and the deposit and needs a reason (CRPA L211-2). The result
    carries ``problem`` (a lazy text) and ``problem_input`` when the input is refused.
    """
    reason = (reason or "").strip()
    try:
        kept_amount = Decimal(str(kept).replace(",", ".").strip() or "0")
    except InvalidOperation:
        return DepositSettlement(deposit, Decimal("0"), reason, _l("Unreadable amount kept: give a number."), "kept")
    if not kept_amount.is_finite() or kept_amount < 0:
        return DepositSettlement(deposit, Decimal("0"), reason, _l("The amount kept cannot be negative."), "kept")
    if kept_amount > deposit:
        return DepositSettlement(deposit, Decimal("0"), reason,
                                 _l("The amount kept exceeds the deposit (%(deposit)s).", deposit=fmt_eur(deposit)),
                                 "kept")
    if kept_amount > 0 and not reason:
        return DepositSettlement(deposit, Decimal("0"), reason,
                                 _l("Give the reason for keeping part of the deposit (damage, cleaning…)."), "reason")
    return DepositSettlement(deposit - kept_amount, kept_amount, reason)
