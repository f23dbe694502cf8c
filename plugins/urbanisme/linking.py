"""The authorisation a follow-up file concerns: found from what was typed, checked, linked.

The form's « autorisation initiale » field takes the authorisation's number
(national format, any spacing or case; a modificatif's or a transfer's number
stands for its permit) or the GRC reference of its request (``2026-00042``).
Both are looked up in the current commune only — the tenancy scoping, and an
explicit filter on top. A number that matches no file is an authorisation
issued before the commune used GRC (« hors GRC »): accepted without a link,
its dates unknown. That is also the answer for another commune's number, so
nothing tells that it exists elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import REFERENCE_PATTERN, Request, db, format_reference

from . import rules
from .models import Dossier
from .workflows import FAVOURABLE_DECISIONS


@dataclass(frozen=True)
class Original:
    """The authorisation a follow-up concerns: its file in GRC (None when hors GRC), its number as the
    follow-up stores it (``initial_reference``), and the procedures it may be."""

    dossier: Dossier | None
    reference: str
    procedures: tuple[rules.Procedure, ...]


def find_original(text: str, commune_id: int) -> tuple[Original | None, str | None]:
    """``(original, None)``, or ``(None, why)`` when ``text`` names no authorisation (French)."""
    text = (text or "").strip()
    number = rules.parse_file_number(text)
    if number is not None:
        own = number.original
        dossier = db.session.scalar(select(Dossier).where(Dossier.commune_id == commune_id,
                                                          Dossier.file_number == str(own)))
        procedures = (rules.Procedure(dossier.procedure),) if dossier is not None else own.procedures
        return Original(dossier, str(own), procedures), None
    match = REFERENCE_PATTERN.match(text)
    if match is None:
        return None, _("« %(text)s » is neither an authorisation number (for example PC 045 901 26 00012) nor "
                       "the reference of a request in GRC (for example 2026-00042).", text=text)
    reference = format_reference(int(match.group(1)), int(match.group(2)))
    dossier = db.session.scalar(select(Dossier).join(Request, Request.id == Dossier.request_id).where(
        Dossier.commune_id == commune_id, Request.commune_id == commune_id, Request.reference == reference))
    if dossier is None:
        return None, _("No planning file of the commune has the reference %(reference)s.", reference=reference)
    return Original(dossier, dossier.file_number or reference, (rules.Procedure(dossier.procedure),)), None


def is_granted(dossier: Dossier) -> bool:
    """Approved and in force: an express approval notified, or a tacit approval / non-opposition."""
    return dossier.decision in FAVOURABLE_DECISIONS and bool(dossier.notified_on or dossier.tacit_applied_on)


def follow_up_errors(procedure: rules.Procedure, data: dict, commune_id: int, filed_on: date) -> list[str]:
    """Why the follow-up in ``data``, filed on ``filed_on``, cannot be filed (in the reader's language), or []."""
    original, error = find_original(data.get("autorisation_initiale"), commune_id)
    if original is None:
        return [error]
    stated = data.get("procedure_initiale") or None
    if stated and rules.Procedure(stated) not in original.procedures:
        return [_("The original authorisation %(number)s is not a %(stated)s: correct its nature, or leave it "
                  "empty.", number=original.reference, stated=rules.Procedure(stated).label)]
    dossier = original.dossier
    if dossier is not None:
        refusal = rules.follow_up_refusal(
            procedure, dossier.procedure, granted=is_granted(dossier),
            filed_on=filed_on, validity_last_day=dossier.validity_end,
            prorogations=dossier.prorogations)
        return [str(refusal)] if refusal else []
    # Hors GRC: only its kind is known, from the number's letters (its dates are not).
    candidates = (rules.Procedure(stated),) if stated else original.procedures
    refusals = [rules.follow_up_type_refusal(procedure, candidate) for candidate in candidates]
    if all(refusals):
        return [str(refusals[0])]
    if procedure is rules.Procedure.PERMIS_MODIFICATIF and len(candidates) > 1:
        return [_("Give the nature of the original authorisation: it is not in GRC, and a permis modificatif "
                  "is instructed under the rules of its permit.")]
    return []


def link(dossier: Dossier, typed: str, commune_id: int) -> None:
    """Point a freshly filed follow-up at its authorisation (already accepted by :func:`follow_up_errors`)."""
    original, _error = find_original(typed, commune_id)
    if original is None:
        dossier.initial_reference = (typed or "")[:60]
        return
    dossier.initial_reference = original.reference
    if original.dossier is not None:
        dossier.initial_dossier = original.dossier
    if not dossier.initial_procedure and len(original.procedures) == 1:
        dossier.initial_procedure = original.procedures[0].value
