"""Helpers the procedures share: amounts, days and moments written in the
reader's language when shown (lazy texts), half-open intervals."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import get_day_names
from flask_babel import LazyString, format_currency, format_date, format_time, get_locale, gettext


def _french_eur(amount: Decimal) -> str:
    if amount == amount.to_integral_value():
        text = f"{int(amount):,}".replace(",", " ")
    else:
        text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} €"


def _eur(amount: Decimal) -> str:
    locale = get_locale()
    if locale is None or locale.language == "fr":
        return _french_eur(amount)  # as the commune has always written it: ``1 000 €``, ``12,50 €``
    whole = amount == amount.to_integral_value()
    return format_currency(amount, "EUR", format="¤#,##0" if whole else "¤#,##0.00", currency_digits=False)


def fmt_eur(amount: Decimal) -> LazyString:
    """An amount in euros, written when shown: ``1 000 €``, ``12,50 €`` in French; ``€1,000``, ``€12.50`` in English."""
    return LazyString(_eur, amount)


def _day(day: date) -> str:
    if get_locale() is None:  # outside an application: no language to write in
        return day.isoformat()
    return format_date(day, "short")


def _moment(moment: datetime) -> str:
    if get_locale() is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return gettext("%(day)s at %(time)s", day=format_date(moment.date(), "short"),
                   time=format_time(moment, "HH:mm", rebase=False))


def fmt_moment(moment: datetime) -> LazyString:
    """A moment in the commune's time (``moment`` as given), written when shown: ``20/06/2026 à 10:00``."""
    return LazyString(_moment, moment)


def fmt_day(day: date) -> LazyString:
    """A day, written when shown (Babel's short format): ``20/06/2026`` in French."""
    return LazyString(_day, day)


def _weekday(number: int) -> str:
    locale = get_locale()
    return str(get_day_names("wide", "format", locale=locale or "en")[number])


def weekday_name(number: int) -> LazyString:
    """The name of the day (0 = Monday), written when shown: ``lundi`` in French, ``Monday`` in English."""
    return LazyString(_weekday, number)


def joined(separator: str, parts) -> LazyString:
    """``separator.join(parts)`` of lazy parts, joined when shown."""
    parts = tuple(parts)
    return LazyString(lambda: separator.join(str(p) for p in parts))


def capitalized(text) -> LazyString:
    """``text`` with its first letter in upper case, when shown."""
    return LazyString(lambda: (lambda s: s[:1].upper() + s[1:])(str(text)))


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    """Two half-open intervals [start, end) share a moment: a booking ending at
    14:00 and another starting at 14:00 do not conflict."""
    return a_start < b_end and b_start < a_end
