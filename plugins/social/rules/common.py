"""Shared by the procedures: argument checks, the decision, overdue dates."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from decimal import Decimal

from grc_core.plugin_api import RuleText


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


def is_overdue(due_on: _dt.date, on_date: _dt.date) -> bool:
    """True when ``on_date`` is after the deadline ``due_on`` (last day on time).

    Source: module convention (CPC art. 641: a period expires at the end of its
    last day, so acting on ``due_on`` itself is on time).
    """
    return _require_date(on_date, "on_date") > _require_date(due_on, "due_on")


@dataclass(frozen=True)
class Decision:
    """A yes/no answer with its reason (shown to agents / citizens): an English
    message translated when rendered (``lazy_text``)."""

    allowed: bool
    reason: RuleText
