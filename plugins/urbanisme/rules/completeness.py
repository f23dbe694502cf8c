"""Completeness of a file: requests for missing pieces and their 3 months (DR §2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import UrbanismeRuleError, _clamp_note, _fmt
from .delays import Outcome, _resolve_procedure
from .procedures import _PERMITS, Procedure


@dataclass(frozen=True)
class PiecesRequestStatus:
    """Whether a request for missing pieces is a valid R*423-38 request (DR §2.3)."""

    allowed: bool
    last_allowed_day: date
    reason: RuleText
    source: str

    @property
    def changes_deadline(self) -> bool:
        """A valid request postpones the start of the instruction delay; others change nothing."""
        return self.allowed


@dataclass(frozen=True)
class CompletenessExpiry:
    """End of the 3 months given to the applicant to complete the file (R*423-39)."""

    last_day_for_pieces: date
    tacit_decision_date: date
    outcome: Outcome
    explanation: RuleText


def pieces_request_deadline(deposit_date: date) -> date:
    """Last day to notify the request for missing pieces (R*423-38; DR §2.3).

    One month from the deposit in mairie: ``add_months(deposit_date, 1)``. From the
    next day on, without a valid request, the file is réputé complet (R*423-22).
    """
    return add_months(deposit_date, 1)


def pieces_request_status(
    deposit_date: date,
    request_date: date,
    previous_requests: Sequence[date] | int = (),
    *,
    listed_in_code: bool = True,
) -> PiecesRequestStatus:
    """Is a request for missing pieces notified on ``request_date`` effective? (DR §2.3)

    Valid only if it is the **first** request, notified **within one month** of
    the deposit (R*423-38: one exhaustive list, by LRAR or electronically) and asks
    for pieces the code requires. Then the applicant has 3 months from its receipt
    to answer and the instruction delay starts on receipt of the last piece
    (R*423-39). A late request, a request for a piece not listed in the code
    (R*423-41), or a second request (interpretation of "liste exhaustive",
    R*423-38) changes nothing: ``allowed`` is False and ``reason`` says why.
    ``previous_requests``: dates (or number) of earlier requests on the same file.
    ``request_date`` is the notification date (first presentation of the LRAR).
    """
    if request_date < deposit_date:
        raise UrbanismeRuleError(_l("The request for pieces cannot precede the deposit of the file."))
    last = pieces_request_deadline(deposit_date)
    n_previous = previous_requests if isinstance(previous_requests, int) else len(previous_requests)
    if n_previous > 0:
        return PiecesRequestStatus(
            False,
            last,
            _l("Second request for pieces: the list of missing pieces is exhaustive and sent once (R*423-38); "
               "this request changes neither the instruction delay nor the date of the tacit decision "
               "(R*423-41)."),
            "R*423-38, R*423-41 (DR §2.3)",
        )
    if request_date > last:
        return PiecesRequestStatus(
            False,
            last,
            _l("Request for pieces notified on %(day)s, after the end of the one-month delay after the deposit "
               "(last day: %(last)s): it does not change the instruction delay (R*423-41); the file is deemed "
               "complete since its deposit on %(deposit)s (R*423-22).", day=_fmt(request_date), last=_fmt(last),
               deposit=_fmt(deposit_date)),
            "R*423-41, R*423-22 (DR §2.3)",
        )
    if not listed_in_code:
        return PiecesRequestStatus(
            False,
            last,
            _l("Piece not required by the Code de l'urbanisme: the request does not change the instruction delay "
               "(R*423-41); the tacit decision is born at the initial deadline."),
            "R*423-41 (DR §2.3)",
        )
    return PiecesRequestStatus(
        True,
        last,
        _l("Valid request (notified by %(last)s at the latest): the applicant has 3 months from its receipt to "
           "produce the pieces, failing which a tacit decision of rejection (permit) or of opposition (DP) is "
           "born; the instruction delay will run from the receipt of the last piece (R*423-39).", last=_fmt(last)),
        "R*423-38, R*423-39 (DR §2.3)",
    )


def deemed_complete_on(
    deposit_date: date,
    pieces_request_date: date | None = None,
    *,
    listed_in_code: bool = True,
) -> date | None:
    """Date from which the file is réputé complet, or None (R*423-22; DR §2.3).

    Without a valid request for pieces within the first month (none, late, or for
    a piece not required), the file is deemed complete **as of its deposit**: the
    deposit date is returned and the instruction delay runs from it. When a valid
    request was made, the file will be complete on receipt of the last piece:
    None is returned. While the first month has not elapsed the presumption is not
    yet certain; it becomes so the day after :func:`pieces_request_deadline`.
    """
    if pieces_request_date is None:
        return deposit_date
    status = pieces_request_status(deposit_date, pieces_request_date, listed_in_code=listed_in_code)
    return None if status.allowed else deposit_date


def _completeness_outcome(procedure: Procedure, initial_procedure: Procedure | None) -> Outcome:
    resolved, _ = _resolve_procedure(procedure, initial_procedure)
    if resolved is Procedure.DECLARATION_PREALABLE:
        return Outcome.OPPOSITION_TACITE
    if resolved in _PERMITS:
        return Outcome.REJET_TACITE
    raise UrbanismeRuleError(_l(
        "The completeness rule of R*423-38 to R*423-41 only concerns permits and prior declarations of works "
        "(not: %(procedure)s).", procedure=resolved.label,
    ))


def completeness_expiry(
    procedure: Procedure,
    request_received_on: date,
    *,
    initial_procedure: Procedure | None = None,
) -> CompletenessExpiry:
    """End of the 3 months to send the missing pieces and its outcome (R*423-39; DR §2.3).

    The pieces must reach the mairie within 3 months of the applicant's receipt of
    the request (``request_received_on``: first presentation of the LRAR or
    electronic receipt). Last day: ``add_months(request_received_on, 3)``; the next
    day a décision tacite de rejet (permit) or d'opposition (DP) is born.
    """
    outcome = _completeness_outcome(procedure, initial_procedure)
    last = add_months(request_received_on, 3)
    tacit = last + timedelta(days=1)
    return CompletenessExpiry(
        last_day_for_pieces=last,
        tacit_decision_date=tacit,
        outcome=outcome,
        explanation=_l(
            "Request for pieces received on %(day)s: the applicant has 3 months to produce them, that is until "
            "%(last)s included%(note)s; failing that, %(outcome)s on %(tacit)s (R*423-39).",
            day=_fmt(request_received_on), last=_fmt(last), note=_clamp_note(request_received_on, last),
            outcome=outcome.label, tacit=_fmt(tacit),
        ),
    )


def pieces_received_in_time(request_received_on: date, pieces_received_on: date) -> bool:
    """True if the last missing piece reached the mairie within the 3 months (R*423-39)."""
    return pieces_received_on <= add_months(request_received_on, 3)
