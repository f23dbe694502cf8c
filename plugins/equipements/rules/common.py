"""Helpers the procedures share: French amounts and dates, half-open intervals."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal


def fmt_eur(amount: Decimal) -> str:
    """French formatting of an amount: ``1 000 €``, ``12,50 €``."""
    if amount == amount.to_integral_value():
        text = f"{int(amount):,}".replace(",", " ")
    else:
        text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} €"


def fmt_moment(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y à %H:%M}"


def fmt_day(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two half-open intervals [start, end) share a moment: a booking ending at
    14:00 and another starting at 14:00 do not conflict."""
    return a_start < b_end and b_start < a_end
