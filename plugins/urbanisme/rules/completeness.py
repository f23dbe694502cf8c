"""Completeness of a file: requests for missing pieces and their 3 months (DR §2.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import add_months

from .common import UrbanismeRuleError, _clamp_note, _fmt
from .delays import Outcome, _resolve_procedure
from .procedures import _PERMITS, Procedure


@dataclass(frozen=True)
class PiecesRequestStatus:
    """Whether a request for missing pieces is a valid R*423-38 request (DR §2.3)."""

    allowed: bool
    last_allowed_day: date
    reason: str
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
    explanation: str


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
        raise UrbanismeRuleError("La demande de pièces ne peut précéder le dépôt du dossier.")
    last = pieces_request_deadline(deposit_date)
    n_previous = previous_requests if isinstance(previous_requests, int) else len(previous_requests)
    if n_previous > 0:
        return PiecesRequestStatus(
            False,
            last,
            "Seconde demande de pièces : la liste des pièces manquantes est exhaustive et adressée en une "
            "seule fois (R*423-38) ; cette demande ne modifie pas le délai d'instruction ni la date de la "
            "décision tacite (R*423-41).",
            "R*423-38, R*423-41 (DR §2.3)",
        )
    if request_date > last:
        return PiecesRequestStatus(
            False,
            last,
            f"Demande de pièces notifiée le {_fmt(request_date)}, après la fin du délai d'un mois suivant le "
            f"dépôt (dernier jour : {_fmt(last)}) : elle ne modifie pas le délai d'instruction (R*423-41) ; "
            f"le dossier est réputé complet depuis son dépôt le {_fmt(deposit_date)} (R*423-22).",
            "R*423-41, R*423-22 (DR §2.3)",
        )
    if not listed_in_code:
        return PiecesRequestStatus(
            False,
            last,
            "Pièce non exigée par le code de l'urbanisme : la demande ne modifie pas le délai d'instruction "
            "(R*423-41) ; la décision tacite naît à l'échéance initiale.",
            "R*423-41 (DR §2.3)",
        )
    return PiecesRequestStatus(
        True,
        last,
        f"Demande régulière (notifiée au plus tard le {_fmt(last)}) : le demandeur dispose de 3 mois à compter "
        "de sa réception pour produire les pièces, faute de quoi naît une décision tacite de rejet "
        "(permis) ou d'opposition (DP) ; le délai d'instruction courra à compter de la réception de la "
        "dernière pièce (R*423-39).",
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
    raise UrbanismeRuleError(
        f"La règle de complétude des R*423-38 à R*423-41 ne vise que les permis et déclarations préalables "
        f"(pas : {resolved.label})."
    )


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
        explanation=(
            f"Demande de pièces reçue le {_fmt(request_received_on)} : le demandeur a 3 mois pour les produire, "
            f"soit jusqu'au {_fmt(last)} inclus{_clamp_note(request_received_on, last)} ; à défaut, "
            f"{outcome.label} le {_fmt(tacit)} (R*423-39)."
        ),
    )


def pieces_received_in_time(request_received_on: date, pieces_received_on: date) -> bool:
    """True if the last missing piece reached the mairie within the 3 months (R*423-39)."""
    return pieces_received_on <= add_months(request_received_on, 3)
