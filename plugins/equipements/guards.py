"""The rules applied to a workflow transition (grc_check_transition): each
message refuses the transition and nothing changes; a FieldError is shown
next to the transition's field."""
from __future__ import annotations

from flask_babel import gettext as _

from grc_core.plugin_api import FieldError

from . import rules
from .models import aware
from .request_types import BUVETTE, CRENEAUX, PRET, RESERVATION
from .services import booking_of, buvette_decision, loan_of, season_conflicts, stock_problems


def check_transition(request, transition, fields) -> list:
    code, name = request.request_type.code, transition.code
    fields = fields or {}
    if code in (RESERVATION, CRENEAUX) and name in ("poser_option", "confirmer", "accorder"):
        booking = booking_of(request.id)
        if booking is None:
            return [_("No booking is linked to this request.")]
        problems = season_conflicts(booking)
        if name == "confirmer" and not request.data.get("attestation_assurance") \
                and not (fields.get("assurance_reference") or "").strip() and not booking.insurance_reference:
            problems.append(FieldError("assurance_reference", _(
                "Insurance certificate required before the confirmation: attach it to the request or give the "
                "insurer and the contract number.")))
        return problems
    if code == RESERVATION and name == "solder":
        booking = booking_of(request.id)
        kept = fields.get("montant_retenu")
        result = rules.settle_deposit(booking.deposit, "" if kept is None else kept, fields.get("motif_retenue") or "")
        if result.problem:
            field = "motif_retenue" if result.problem_input == "reason" else "montant_retenu"
            return [FieldError(field, str(result.problem))]
    if code == PRET and name == "accorder":
        loan = loan_of(request.id)
        start, end = aware(loan.start_at), aware(loan.end_at)
        return stock_problems([(line.item, line.quantity) for line in loan.lines], start, end, loan.id)
    if code == PRET and name == "rendre" and not fields.get("retour_complet") \
            and not (fields.get("remarques_retour") or "").strip():
        return [FieldError("remarques_retour", _("Say what is missing or damaged, or tick « everything is returned »."))]
    if code == BUVETTE and name == "autoriser":
        return [str(reason) for reason in buvette_decision(request.data or {}, exclude_request=request.id).reasons]
    return []
