"""How the closing surveys' results are cut and filtered (no database).

Results are read per type, per service, per channel and per month; a
confidential (CCAS) type with fewer answers than its threshold is hidden
from all of them, so that no person can be recognised. The comments
(verbatims) are filtered by score, « résolu ? » and words they contain."""
from __future__ import annotations

from datetime import date


def month_of(day: date) -> str:
    """The period a survey counts in: the month it was sent (``YYYY-MM``)."""
    return f"{day.year:04d}-{day.month:02d}"


def hidden_types(answers_per_type: dict, confidential: set, thresholds: dict, default: int = 5) -> set:
    """The types whose results are not shown: confidential ones with fewer
    answers than their threshold (``thresholds``: type → fewest answers)."""
    return {type_id for type_id, answered in answers_per_type.items()
            if type_id in confidential and answered < thresholds.get(type_id, default)}


def verbatim_matches(score: int | None, resolved: str, text: str, *, score_filter: int | None = None,
                     resolved_filter: str = "", words: str = "") -> bool:
    """Whether a comment passes the filters (each one empty: no filter);
    ``words`` is looked for case-insensitively in the comment's text."""
    if score_filter is not None and score != score_filter:
        return False
    if resolved_filter and resolved != resolved_filter:
        return False
    return not words.strip() or words.strip().casefold() in text.casefold()
