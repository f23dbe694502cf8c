"""Shared by the procedures: argument checks, French money and dates, the decision enum, overdue dates."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal


def _require_date(value: object, name: str) -> _dt.date:
    """Reject anything that is not a plain ``date`` (a ``datetime`` included)."""
    if not isinstance(value, _dt.date) or isinstance(value, _dt.datetime):
        raise TypeError(f"{name} must be a datetime.date, got {type(value).__name__}")
    return value


def _require_money(value: object, name: str) -> Decimal:
    """Money is ``Decimal`` only (never ``float``), non-negative and finite."""
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, got {type(value).__name__}")
    if not value.is_finite() or value < 0:
        raise ValueError(f"{name} must be a finite, non-negative amount, got {value}")
    return value


def _fr_money(amount: Decimal) -> str:
    """Format an amount the French way: ``1 234,50 €`` (plain spaces)."""
    text = f"{amount:,.2f}"  # 1,234.50
    return text.replace(",", " ").replace(".", ",") + " €"


def _fr_date(day: _dt.date) -> str:
    """Format a date as ``JJ/MM/AAAA``."""
    return day.strftime("%d/%m/%Y")


def is_overdue(due_on: _dt.date, on_date: _dt.date) -> bool:
    """True when ``on_date`` is after the deadline ``due_on`` (last day on time).

    Source: module convention (CPC art. 641: a period expires at the end of its
    last day, so acting on ``due_on`` itself is on time).
    """
    return _require_date(on_date, "on_date") > _require_date(due_on, "due_on")


@dataclass(frozen=True)
class Decision:
    """A yes/no answer with its French reason (shown to agents / citizens)."""

    allowed: bool
    reason_fr: str
