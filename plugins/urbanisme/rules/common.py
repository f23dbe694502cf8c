"""Shared by the procedures: their error, the day delay, dates and months in French, a dated result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


class UrbanismeRuleError(ValueError):
    """A request the rules forbid or do not cover (message in French)."""


# ---------------------------------------------------------------------------
# Calendar helpers (month arithmetic, working days: grc_core.plugin_api)
# ---------------------------------------------------------------------------


def add_days(d: date, n: int) -> date:
    """Return the last day of an ``n``-day non-franc delay triggered on ``d``.

    The event day is not counted (convention 5): "within 15 days of a deposit on
    1 March" ends on 16 March.
    """
    return d + timedelta(days=n)


def _fmt(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _months_fr(n: int) -> str:
    return f"{n} mois"


def _clamp_note(start: date, end: date) -> str:
    """French note when month-end clamping moved the day-number (convention 2)."""
    if end.day != start.day:
        return (
            f" (pas de {start.day} dans le mois d'échéance : le délai expire le dernier jour du mois,"
            " C. proc. civ. art. 641)"
        )
    return ""


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDate:
    """A computed date with its French explanation and its legal source."""

    value: date
    explanation: str
    source: str
