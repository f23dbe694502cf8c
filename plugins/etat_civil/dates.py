"""Days written in words for the reader, in the reader's language.

French keeps the civil status's own way (« 1er mars 2025 »,
``rules.format_date_fr``); any other language gets Babel's long format
(« March 1, 2025 »).
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date, get_locale

from . import rules


def day_in_words(day: date) -> str:
    if str(get_locale() or "fr").startswith("fr"):
        return rules.format_date_fr(day)
    return format_date(day, "long")
