"""Calendar deadline of a file: last day to notify a decision and tacit decision date (DR §2.2–§2.4)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date, timedelta

from grc_core.plugin_api import RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import UrbanismeRuleError, _clamp_note, _fmt, _months
from .completeness import pieces_received_in_time, pieces_request_status
from .delays import (
    InstructionDelay, Outcome, may_still_notify_exceptional_prolongation,
    modified_delay_notification_deadline,
)


@dataclass(frozen=True)
class LegalDeadline:
    """Calendar result of an instruction delay (DR §2.2–§2.4).

    ``last_day``: last day on which an express decision can be *notified*.
    ``tacit_decision_date``: day the tacit decision is born (``last_day + 1``).
    """

    start_date: date
    months: int
    last_day: date
    tacit_decision_date: date
    outcome: Outcome | None
    reasons: tuple[RuleText, ...]
    explanation: RuleText


@dataclass(frozen=True)
class LegalDeadlineInput:
    """The facts of a file :func:`legal_deadline` counts from (their meaning: its docstring)."""

    deposit_date: date
    completion_date: date | None
    delay: InstructionDelay | int
    _: KW_ONLY
    pieces_request_date: date | None = None
    pieces_listed_in_code: bool = True
    modification_notified_on: date | None = None
    prolongation_notified_on: date | None = None
    inquiry_report_received_on: date | None = None


def legal_deadline(facts: LegalDeadlineInput) -> LegalDeadline:
    """Calendar deadline of a file: last day to notify a decision and tacit decision date.

    The dates and settings named below (``completion_date``, ``delay``…) are
    fields of ``facts``.

    Start of the delay (DR §2.2, §2.3):

    - the deposit date when the file was complete or is réputé complet (R*423-19,
      R*423-22) — ``completion_date=None``;
    - ``completion_date`` (receipt of the last missing piece, R*423-39) when a valid
      pieces request was made. If ``pieces_request_date`` is given and the request
      was late or asked for a piece not required (``pieces_listed_in_code=False``),
      ``completion_date`` is ignored (R*423-41) and the
      delay runs from the deposit; if it was valid but ``completion_date`` is None
      the delay has not started (:class:`UrbanismeRuleError`, see
      :func:`completeness_expiry`); pieces received after the 3 months also raise
      (``pieces_request_date`` is the notification date, i.e. the applicant's
      receipt — first presentation of the LRAR — from which R*423-39 counts);
    - ``inquiry_report_received_on`` overrides the start when a public inquiry is
      required (R*423-20: receipt of the commissaire-enquêteur's report).

    Length: ``delay`` in months (``int``: used as is) or an
    :class:`InstructionDelay`. A modified delay counts only if
    ``modification_notified_on`` is within the first month after the deposit
    (R*423-18 b, R*423-42) — otherwise, including when it is not (yet) notified,
    the base delay is used (prudent reading: no majoration without notification).
    An exceptional prolongation counts only if ``prolongation_notified_on`` is on or
    before the last day of the delay it prolongs (R*423-44).

    The last day is the same-number day (module conventions 1–3, 7); the tacit
    decision is born the next day. ``outcome`` is the delay's silence outcome when
    an :class:`InstructionDelay` is given.
    """
    if facts.completion_date is not None and facts.completion_date < facts.deposit_date:
        raise UrbanismeRuleError(_l("The completion date precedes the date of deposit."))
    reasons: list[RuleText] = []
    start, start_label = _delay_start(facts, reasons)
    months, outcome = _delay_months(facts, start, reasons)
    last = add_months(start, months)
    tacit = last + timedelta(days=1)
    outcome_text = (_l("%(outcome)s on %(day)s", outcome=outcome.label, day=_fmt(tacit)) if outcome
                    else _l("tacit decision on %(day)s", day=_fmt(tacit)))
    explanation = _l(
        "Instruction delay of %(delay)s running from %(start)s — %(start_label)s. Not a clear delay, counted from "
        "day-number to day-number: last day to notify an express decision %(last)s%(note)s. Without notification, "
        "%(outcome)s.", delay=_months(months), start=_fmt(start), start_label=start_label, last=_fmt(last),
        note=_clamp_note(start, last), outcome=outcome_text,
    )
    return LegalDeadline(
        start_date=start,
        months=months,
        last_day=last,
        tacit_decision_date=tacit,
        outcome=outcome,
        reasons=tuple(reasons),
        explanation=explanation,
    )


def _delay_start(facts: LegalDeadlineInput, reasons: list[RuleText]) -> tuple[date, RuleText]:
    """The day the delay runs from and why (R*423-19, R*423-20, R*423-22, R*423-39, R*423-41)."""
    deposit_date, completion_date = facts.deposit_date, facts.completion_date
    start = deposit_date
    start_label = _l("deposit of the complete file in mairie (R*423-19)")
    if facts.pieces_request_date is not None:
        status = pieces_request_status(deposit_date, facts.pieces_request_date,
                                       listed_in_code=facts.pieces_listed_in_code)
        if not status.allowed:
            reasons.append(status.reason)
            start_label = _l("deposit of the file, deemed complete (R*423-22, R*423-41)")
        elif completion_date is None:
            raise UrbanismeRuleError(_l(
                "Incomplete file: the instruction delay only runs from the receipt of the last missing piece "
                "(R*423-39); see completeness_expiry()."
            ))
        elif not pieces_received_in_time(facts.pieces_request_date, completion_date):
            expiry = add_months(facts.pieces_request_date, 3)
            raise UrbanismeRuleError(_l(
                "Pieces received on %(day)s, after the end of the 3-month delay (%(expiry)s): a tacit decision of "
                "rejection or opposition was born (R*423-39).", day=_fmt(completion_date), expiry=_fmt(expiry),
            ))
        else:
            start = completion_date
            start_label = _l("receipt of the last missing piece (R*423-39)")
    elif completion_date is not None and completion_date != deposit_date:
        start = completion_date
        start_label = _l("receipt of the last missing piece (R*423-39) — request for pieces assumed valid")
    if facts.inquiry_report_received_on is not None:
        start = facts.inquiry_report_received_on
        start_label = _l("receipt of the report of the public inquiry's commissioner (R*423-20)")
    return start, start_label


def _delay_months(facts: LegalDeadlineInput, start: date, reasons: list[RuleText]) -> tuple[int, Outcome | None]:
    """Length of the delay in months, and its silence outcome (for an :class:`InstructionDelay`)."""
    delay = facts.delay
    if not isinstance(delay, InstructionDelay):
        months = int(delay)
        if months < 0:
            raise UrbanismeRuleError(_l("An instruction delay cannot be negative."))
        return months, None
    months = _notified_months(delay, facts.deposit_date, facts.modification_notified_on, reasons)
    if delay.prolongation_months:
        months += _prolongation_months(delay, start, months, facts.prolongation_notified_on, reasons)
    return months, delay.silence_outcome


def _notified_months(
    delay: InstructionDelay, deposit_date: date, notified_on: date | None, reasons: list[RuleText]
) -> int:
    """The modified delay if notified within the month after the deposit, else the base delay (R*423-42)."""
    if not delay.is_modified:
        return delay.base_months
    limit = modified_delay_notification_deadline(deposit_date)
    if notified_on is None:
        reasons.append(_l(
            "Modified delay (%(modified)s) not notified: only the base delay of %(base)s can be applied; it may "
            "still be notified until %(day)s (R*423-42).", modified=_months(delay.modified_months),
            base=_months(delay.base_months), day=_fmt(limit),
        ))
        return delay.base_months
    if notified_on < deposit_date or notified_on > limit:
        reasons.append(_l(
            "Modified delay notified on %(day)s, outside the month after the deposit (last day: %(limit)s): it "
            "cannot be applied, the base delay of %(base)s applies (R*423-18 b, R*423-42).",
            day=_fmt(notified_on), limit=_fmt(limit), base=_months(delay.base_months),
        ))
        return delay.base_months
    reasons.append(_l(
        "Modified delay of %(modified)s [%(rule)s] notified on %(day)s, within the month after the deposit.",
        modified=_months(delay.modified_months), rule=delay.rule, day=_fmt(notified_on),
    ))
    return delay.modified_months


def _prolongation_months(
    delay: InstructionDelay, start: date, months: int, notified_on: date | None, reasons: list[RuleText]
) -> int:
    """The exceptional prolongation if notified before the end of the delay it prolongs, else 0 (R*423-44)."""
    before = add_months(start, months)
    if notified_on is None:
        reasons.append(_l(
            "Exceptional prolongation of %(delay)s not notified: not counted (to notify by %(day)s at the latest, "
            "R*423-44).", delay=_months(delay.prolongation_months), day=_fmt(before),
        ))
        return 0
    if may_still_notify_exceptional_prolongation(before, notified_on):
        reasons.append(_l(
            "Exceptional prolongation of %(delay)s notified on %(day)s, before the end of the delay (%(end)s).",
            delay=_months(delay.prolongation_months), day=_fmt(notified_on), end=_fmt(before),
        ))
        return delay.prolongation_months
    reasons.append(_l(
        "Exceptional prolongation notified on %(day)s, after the end of the delay (%(end)s): it cannot be applied "
        "(R*423-44).", day=_fmt(notified_on), end=_fmt(before),
    ))
    return 0
