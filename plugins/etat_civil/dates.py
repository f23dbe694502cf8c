"""Days written in words for the reader, in the reader's language.

Babel's long format (« March 1, 2025 »); French keeps the civil status's own
way of the first of a month (« 1er mars 2025 »): ``LocalDate`` of the plugin
API, which also writes the dates of the rules' explanations.
"""
from __future__ import annotations

from datetime import date

from grc_core.plugin_api import LocalDate


def day_in_words(day: date) -> str:
    return str(LocalDate(day))
