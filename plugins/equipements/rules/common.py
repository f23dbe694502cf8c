"""Helpers the procedures share: amounts, days and moments written in the
reader's language when shown (lazy texts, ``grc_core.plugin_api``: no Flask
is loaded until they are rendered), half-open intervals."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from grc_core.plugin_api import Capitalized, Euros, Joined, LocalDate, RuleText
from grc_core.plugin_api import lazy_text as _l

_A_MONDAY = date(2024, 1, 1)


def fmt_eur(amount: Decimal) -> Euros:
    """An amount in euros, written when shown (Babel): ``1 000 €``, ``12,50 €`` in French; ``€1,000``, ``€12.50``
    in English — a whole amount without its cents, as the commune has always written it."""
    return Euros(amount, whole=True)


def fmt_moment(moment: datetime) -> RuleText:
    """A moment in the commune's time (``moment`` as given), written when shown: ``20/06/2026 à 10:00``."""
    return _l("%(day)s at %(time)s", day=LocalDate(moment.date(), "short"), time=f"{moment:%H:%M}")


def fmt_day(day: date) -> LocalDate:
    """A day, written when shown (Babel's short format): ``20/06/2026`` in French."""
    return LocalDate(day, "short")


def weekday_name(number: int) -> LocalDate:
    """The name of the day (0 = Monday), written when shown: ``lundi`` in French, ``Monday`` in English."""
    return LocalDate(_A_MONDAY + timedelta(days=number), "EEEE")


def joined(separator: str, parts) -> Joined:
    """``separator.join(parts)`` of lazy parts, joined when shown."""
    return Joined(*parts, sep=separator)


capitalized = Capitalized  # text with its first letter in upper case, when shown


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two half-open intervals [start, end) share a moment: a booking ending at
    14:00 and another starting at 14:00 do not conflict."""
    return a_start < b_end and b_start < a_end
