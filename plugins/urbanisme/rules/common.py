"""Shared by the procedures: their error, the day delay, dates and months in words, a dated result.

The explanations are lazy (``flask_babel.lazy_gettext``): English sources, their
French in the plugin's catalog, written in the locale active when they are shown
(``str()``), dates by Babel. The rules stay pure functions of plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import LazyString, format_date, get_locale, gettext
from flask_babel import lazy_ngettext


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


def _short_date(d: date) -> str:
    if get_locale() is None:  # outside an application: no language to write in
        return d.isoformat()
    return format_date(d, "short")


def _fmt(d: date) -> LazyString:
    """The date as Babel writes it (short) in the locale active when shown: 07/12/2026 in French."""
    return LazyString(_short_date, d)


def _months(n: int) -> LazyString:
    return lazy_ngettext("%(num)d month", "%(num)d months", n)


def _joined(separator: str, parts) -> LazyString:
    """``separator.join(parts)`` of lazy parts, joined when shown."""
    parts = tuple(parts)
    return LazyString(lambda: separator.join(str(p) for p in parts))


def _capitalized(text) -> LazyString:
    """``text`` with its first letter in upper case, when shown."""
    return LazyString(lambda: (lambda s: s[:1].upper() + s[1:])(str(text)))


def _clamp_text(start: date) -> str:
    return " " + gettext(
        "(no %(day)d in the month of expiry: the delay ends on the last day of the month, C. proc. civ. art. 641)",
        day=start.day)


def _clamp_note(start: date, end: date) -> LazyString | str:
    """Note when month-end clamping moved the day-number (convention 2), with its leading space."""
    if end.day != start.day:
        return LazyString(_clamp_text, start)
    return ""


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleDate:
    """A computed date with its explanation (lazy) and its legal source."""

    value: date
    explanation: LazyString
    source: str
