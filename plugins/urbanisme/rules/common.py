"""Shared by the procedures: their error, the day delay, dates and months in words, a dated result.

The explanations are lazy texts (``lazy_text``, ``grc_core.plugin_api``): English
sources, their French in the plugin's catalog, written in the locale active when
they are shown (``str()``), dates by Babel. The rules stay pure functions of plain
values and load no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import Capitalized, Joined, LocalDate, RuleText, lazy_ngettext
from grc_core.plugin_api import lazy_text as _l


class UrbanismeRuleError(ValueError):
    """A request the rules forbid or do not cover (its message is lazy: ``str(error)`` in the active locale)."""


# ---------------------------------------------------------------------------
# Calendar helpers (month arithmetic, working days: grc_core.plugin_api)
# ---------------------------------------------------------------------------


def add_days(d: date, n: int) -> date:
    """Return the last day of an ``n``-day non-franc delay triggered on ``d``.

    The event day is not counted (convention 5): "within 15 days of a deposit on
    1 March" ends on 16 March.
    """
    return d + timedelta(days=n)


def _fmt(d: date) -> LocalDate:
    """The date as Babel writes it (short) in the locale active when shown: 07/12/2026 in French."""
    return LocalDate(d, "short")


def _months(n: int) -> RuleText:
    return lazy_ngettext("%(num)d month", "%(num)d months", n)


def _joined(separator: str, parts) -> Joined:
    """``separator.join(parts)`` of lazy parts, joined when shown."""
    return Joined(*parts, sep=separator)


_capitalized = Capitalized  # text with its first letter in upper case, when shown


def _clamp_note(start: date, end: date) -> Joined | str:
    """Note when month-end clamping moved the day-number (convention 2), with its leading space."""
    if end.day != start.day:
        return Joined("", _l(
            "(no %(day)d in the month of expiry: the delay ends on the last day of the month, C. proc. civ. art. 641)",
            day=start.day))  # "" then the note: the leading space
    return ""


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDate:
    """A computed date with its explanation (lazy) and its legal source."""

    value: date
    explanation: RuleText
    source: str
