"""Shared by the procedures: the outcome of a check, and the dates of messages and deadlines."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import RuleText, add_months, next_working_day


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Outcome of a rule check.

    ``allowed``: the decision.  ``reason``: the sentence explaining a
    refusal (``None`` when allowed), an English message translated when shown
    (``lazy_text``).  ``needs_manual_review`` / ``review_note``: the rule
    cannot decide alone and an agent must look (the note says why, a message
    too); this can accompany an allowed *or* a refused outcome.
    ``archive_access``: access is granted only because the register is a
    public archive (code du patrimoine, art. L213-2).
    """

    allowed: bool
    reason: RuleText | None = None
    needs_manual_review: bool = False
    review_note: RuleText | None = None
    archive_access: bool = False

    def __post_init__(self) -> None:
        if self.allowed and self.reason is not None:
            raise ValueError("an allowed outcome carries no refusal reason")
        if not self.allowed and not self.reason:
            raise ValueError("a refusal must carry a reason")
        if self.needs_manual_review and not self.review_note:
            raise ValueError("a manual review must carry a note")


_ALLOWED = Eligibility(allowed=True)


def _refuse(reason: RuleText) -> Eligibility:
    return Eligibility(allowed=False, reason=reason)


# ---------------------------------------------------------------------------
# Dates (months, ages and working days: grc_core.plugin_api)
# ---------------------------------------------------------------------------

def _deadline_day(
    last_day: date, is_non_working_day: Callable[[date], bool] | None
) -> date:
    """``last_day`` pushed to the next working day (C. proc. civ. art. 642 al. 2).

    ``None``: Saturdays, Sundays and national public holidays
    (:func:`grc_core.plugin_api.next_working_day`); otherwise the caller's
    predicate (Alsace-Moselle, overseas, a commune's « jour chômé »).
    """
    if is_non_working_day is None:
        return next_working_day(last_day)
    while is_non_working_day(last_day):
        last_day += timedelta(days=1)
    return last_day


def _last_day_of_month(year: int, month: int) -> date:
    return add_months(date(year, month, 1), 1) - timedelta(days=1)
