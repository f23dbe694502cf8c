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

from .common import fmt_eur


@dataclass(frozen=True)
class DepositSettlement:
    returned: Decimal
    kept: Decimal
    reason: str
    problem: str = ""


def deposit_due(amount: Decimal, *, service_commune: bool = False) -> Decimal:
    """The deposit the grid asks; none from the commune's own services."""
    if amount < 0:
        raise ValueError("Une caution ne peut pas être négative.")
    return Decimal("0") if service_commune else amount


def settle_deposit(deposit: Decimal, kept: object, reason: str) -> DepositSettlement:
    """Split the deposit into returned and kept parts.

    ``kept`` is what the agent typed (text or Decimal); a kept part must lie
    between 0 and the deposit and needs a reason (CRPA L211-2). The result
    carries ``problem`` (a French sentence) when the input is refused.
    """
    reason = (reason or "").strip()
    try:
        kept_amount = Decimal(str(kept).replace(",", ".").strip() or "0")
    except InvalidOperation:
        return DepositSettlement(deposit, Decimal("0"), reason, "Montant retenu illisible : indiquez un nombre.")
    if not kept_amount.is_finite() or kept_amount < 0:
        return DepositSettlement(deposit, Decimal("0"), reason, "Le montant retenu ne peut pas être négatif.")
    if kept_amount > deposit:
        return DepositSettlement(deposit, Decimal("0"), reason,
                                 f"Le montant retenu dépasse la caution ({fmt_eur(deposit)}).")
    if kept_amount > 0 and not reason:
        return DepositSettlement(deposit, Decimal("0"), reason,
                                 "Indiquez le motif de la retenue sur la caution (dégâts, ménage…).")
    return DepositSettlement(deposit - kept_amount, kept_amount, reason)
