"""A planning file's data and legal dates: created from the intake form, recomputed by rules/.

Every legal date is computed by :mod:`.rules` (never here) from the facts the
service records (deposit, request for pieces, completion, notification of a
modified delay, decision, display, DAACT), stored on the file and mirrored in
the request's data where the workflow timers read their anchor. A new file
gets its official number (:mod:`.numbering`) and, for a follow-up, its link
to the authorisation it concerns (:mod:`.linking`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from flask import current_app, g, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import LOCAL_TIMEZONE, db, is_alsace_moselle, local_date, utcnow

from . import linking, numbering, rules
from .models import Consultation, Dossier, Parcel
from .request_types import BODY_OF_CIRCUMSTANCE, BY_CODE, FOLLOW_UPS
from .workflows import ANCHOR_FAVOURABLE, ANCHOR_PIECES, ANCHOR_UNFAVOURABLE, FAVOURABLE_DECISIONS

PARCEL = re.compile(r"^\s*([0-9]{0,3}[A-Za-z]{1,2})\s*[- ]?\s*([0-9]{1,4})\s*$")
AUTHORISATIONS = {rules.Procedure.DECLARATION_PREALABLE, rules.Procedure.PERMIS_DE_CONSTRUIRE_MI,
                  rules.Procedure.PERMIS_DE_CONSTRUIRE, rules.Procedure.PERMIS_AMENAGER,
                  rules.Procedure.PERMIS_DEMOLIR, rules.Procedure.PERMIS_MODIFICATIF}
CERTIFICATES = {rules.Procedure.CERTIFICAT_URBANISME_A, rules.Procedure.CERTIFICAT_URBANISME_B}
# ABF opinions that make silence a refusal (R*424-3).
ABF_REFUSAL = {"defavorable", "prescriptions"}


def today() -> date:
    """Today in Paris (the day the law counts in)."""
    return local_date(utcnow())


def parse_parcels(text: str) -> list[tuple[str, str]] | None:
    """``"AB 123, ab124"`` → ``[("AB", "0123"), ("AB", "0124")]``; None when one reference is malformed."""
    parcels = []
    for part in re.split(r"[,;\n]+", text or ""):
        if not part.strip():
            continue
        match = PARCEL.match(part)
        if match is None:
            return None
        parcels.append((match.group(1).upper(), match.group(2).zfill(4)))
    return parcels


def _decimal(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def of_request(request) -> Dossier | None:
    """The request's planning file. Only a planning type's request has one
    (no query for the others), and a page asks for it once per transition
    it offers: found once per web request."""
    if request.request_type is not None and request.request_type.code not in BY_CODE:
        return None
    known = g.setdefault("urbanisme_dossiers", {}) if has_request_context() else {}
    if request.id not in known:
        dossier = db.session.scalar(select(Dossier).where(Dossier.request_id == request.id))
        if dossier is None:
            return None  # not kept: the file may be created later in this web request
        known[request.id] = dossier
    return known[request.id]


def create_from_request(request, commune) -> Dossier | None:
    """The file of a freshly filed request of a planning type (grc_request_submitted)."""
    kind = BY_CODE.get(request.request_type.code)
    if kind is None:
        return None
    data = request.data or {}
    circumstances = list(dict.fromkeys([*(data.get("protections") or ()), *(data.get("consultations") or ())]))
    deposit = _date(data.get("date_depot")) or local_date(request.received_at)
    dossier = Dossier(
        request_id=request.id, procedure=kind.procedure.value,
        cerfa=data.get("cerfa") or (rules.cerfa_numbers(kind.procedure) or ("",))[0],
        initial_procedure=data.get("procedure_initiale") or None,
        applicant_kind=data.get("demandeur_type") or "personne",
        applicant_name=(data.get("demandeur_nom") or "")[:200],
        company_siret=(data.get("siret") or "").replace(" ", "")[:14],
        land_address=(data.get("adresse_terrain") or "")[:250],
        land_area=_decimal(data.get("superficie_terrain")),
        works_nature=data.get("nature_travaux") or "",
        floor_area_created=_decimal(data.get("surface_plancher")),
        height=_decimal(data.get("hauteur")),
        plu_zone=(data.get("zone_plu") or "").upper()[:20],
        circumstances=circumstances,
        pieces_provided=data.get("pieces") or "",
        deposit_date=deposit,
        # The conformity delay runs from the DAACT's receipt in mairie (R462-6), not from the
        # completion date it declares (kept in the request's data).
        daact_date=deposit if kind.procedure is rules.Procedure.DAACT else None,
        works_started_on=_date(data.get("date_ouverture")),
        # Column defaults apply at INSERT only; recompute() reads these before.
        conformity_case="droit_commun", prorogations=0, pieces_request_count=0, decision="",
    )
    if kind.procedure in FOLLOW_UPS:
        linking.link(dossier, data.get("autorisation_initiale"), commune.id)
    numbering.assign(dossier, commune)
    for section, number in parse_parcels(data.get("parcelles") or "") or ():
        dossier.parcels.append(Parcel(section=section, number=number))
    for body in dict.fromkeys(BODY_OF_CIRCUMSTANCE[c] for c in circumstances if c in BODY_OF_CIRCUMSTANCE):
        dossier.consultations.append(Consultation(body=body))
    db.session.add(dossier)
    recompute(dossier, request)
    return dossier


def effective_circumstances(dossier: Dossier) -> list[rules.Circumstance]:
    """The file's circumstances, plus an unfavourable ABF opinion (R*424-3: silence = refusal)."""
    found = [rules.Circumstance(c) for c in dossier.circumstances or () if c in rules.Circumstance.__members__.values()]
    if any(c.body == "abf" and c.opinion in ABF_REFUSAL for c in dossier.consultations):
        found.append(rules.Circumstance.AVIS_ABF_DEFAVORABLE)
    return list(dict.fromkeys(found))


def instruction_delay(dossier: Dossier) -> rules.InstructionDelay | None:
    """rules.instruction_delay for the file; None for procedures without an instruction delay."""
    try:
        return rules.instruction_delay(
            rules.Procedure(dossier.procedure), effective_circumstances(dossier), deposit_date=dossier.deposit_date,
            initial_procedure=dossier.initial_procedure or None)
    except rules.UrbanismeRuleError:
        return None


def is_incomplete(dossier: Dossier) -> bool:
    """A valid request for pieces is pending: the instruction delay does not run (R*423-39)."""
    if dossier.pieces_request_date is None or dossier.completion_date is not None:
        return False
    return rules.pieces_request_status(dossier.deposit_date, dossier.pieces_request_date).allowed


@dataclass(frozen=True)
class _Computed:
    """What the rules say of the file's instruction: the results, and how they are computed (lazy texts)."""

    explanations: list
    expiry: rules.CompletenessExpiry | None = None
    deadline: rules.LegalDeadline | None = None


def _compute(dossier: Dossier) -> _Computed:
    delay = instruction_delay(dossier)
    if delay is None:
        return _Computed([])
    explanations = list(delay.reasons)
    if is_incomplete(dossier):
        expiry = rules.completeness_expiry(rules.Procedure(dossier.procedure), dossier.pieces_request_date,
                                           initial_procedure=dossier.initial_procedure or None)
        return _Computed([*explanations, expiry.explanation], expiry=expiry)
    try:
        deadline = rules.legal_deadline(rules.LegalDeadlineInput(
            dossier.deposit_date, dossier.completion_date, delay,
            pieces_request_date=dossier.pieces_request_date,
            modification_notified_on=dossier.modification_notified_on))
    except rules.UrbanismeRuleError as error:  # pieces received after the 3 months
        return _Computed([*explanations, error.args[0]])
    return _Computed([*explanations, *deadline.reasons, deadline.explanation], deadline=deadline)


def explanations(dossier: Dossier) -> list[str]:
    """How the file's legal dates are computed, in the reader's language (the panel's list)."""
    return [text for text in map(str, _compute(dossier).explanations) if text]


def recompute(dossier: Dossier, request=None) -> None:
    """Recompute every legal date of the file from its facts, and the timers' anchors.

    ``dossier.explanation`` stores the explanations as written in the commune's
    language (what is stored is written in it); the panel writes them anew in
    the reader's (:func:`explanations`)."""
    dossier.deposit_notice_by = rules.deposit_notice_deadline(dossier.deposit_date).value
    dossier.pieces_request_by = rules.pieces_request_deadline(dossier.deposit_date)
    dossier.pieces_due_by = None
    dossier.delay_months = dossier.legal_deadline = dossier.tacit_decision_date = None
    dossier.tacit_outcome = ""
    computed = _compute(dossier)
    if computed.expiry is not None:
        dossier.pieces_due_by = computed.expiry.last_day_for_pieces
    deadline = computed.deadline
    if deadline is not None:
        dossier.delay_months = deadline.months
        dossier.legal_deadline = deadline.last_day
        dossier.tacit_decision_date = deadline.tacit_decision_date
        dossier.tacit_outcome = deadline.outcome.value if deadline.outcome else ""
    _decision_dates(dossier, request)
    with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):
        dossier.explanation = "\n".join(text for text in map(str, computed.explanations) if text)
    if request is not None:
        sync_anchors(dossier, request)
        sync_due_date(dossier, request)


def sync_due_date(dossier: Dossier, request) -> None:
    """The request's due date is the file's legal deadline (its last day,
    in the commune's time), so that the queue, the request page and the
    panel say the same date. Before the deadline is known (pieces awaited),
    the request keeps the due date its workflow gave it."""
    if dossier.legal_deadline is None:
        return
    due = datetime.combine(dossier.legal_deadline, time(23, 59, 59), tzinfo=LOCAL_TIMEZONE).astimezone(timezone.utc)
    if request.due_at is None or request.due_at.replace(tzinfo=request.due_at.tzinfo or timezone.utc) != due:
        request.due_at = due


def _decision_dates(dossier: Dossier, request) -> None:
    decided = dossier.notified_on or dossier.tacit_applied_on
    procedure = rules.Procedure(dossier.procedure)
    # Display, appeal and withdrawal are those of an authorisation (DP, permits, modificatif);
    # a certificate, a transfer or a prorogation has no such dates of its own here.
    granted = dossier.decision in FAVOURABLE_DECISIONS
    favourable = granted and procedure in AUTHORISATIONS
    dossier.validity_end = dossier.withdrawal_end = dossier.display_until = dossier.appeal_end = None
    # A permis modificatif has no validity of its own: its permit's runs on (it does not extend it).
    if decided and favourable and procedure is not rules.Procedure.PERMIS_MODIFICATIF:
        dossier.validity_end = rules.validity_end(decided, min(dossier.prorogations, rules.MAX_PROROGATIONS)).value
    elif decided and granted and procedure in CERTIFICATES:
        dossier.validity_end = rules.certificate_validity_end(decided, dossier.prorogations).value
    if decided and favourable:
        dossier.withdrawal_end = rules.withdrawal_window_end(decided).value
        dossier.display_until = rules.decision_display_deadlines(decided, dossier.display_start).display_until
    if dossier.display_start and favourable:
        from grc_core.plugin_api import Commune

        commune = db.session.get(Commune, request.commune_id) if request is not None else None
        dossier.appeal_end = rules.third_party_appeal_end(
            dossier.display_start, alsace_moselle=bool(commune and is_alsace_moselle(commune))).value
    dossier.conformity_deadline = (
        rules.conformity_check_deadline(dossier.daact_date, rules.ConformityCase(dossier.conformity_case)).value
        if dossier.daact_date else None)


def sync_anchors(dossier: Dossier, request) -> None:
    """Mirror the tacit dates into the request's data, where the workflow timers read them."""
    data = dict(request.data or {})
    favourable = unfavourable = pieces = None
    if dossier.tacit_decision_date and not dossier.notified_on:
        outcome = rules.Outcome(dossier.tacit_outcome)
        if outcome.is_favourable:
            favourable = dossier.tacit_decision_date.isoformat()
        else:
            unfavourable = dossier.tacit_decision_date.isoformat()
    if dossier.pieces_due_by:
        pieces = rules.add_days(dossier.pieces_due_by, 1).isoformat()
    wanted = {ANCHOR_FAVOURABLE: favourable, ANCHOR_UNFAVOURABLE: unfavourable, ANCHOR_PIECES: pieces}
    if any(data.get(key) != value for key, value in wanted.items()):
        data.update(wanted)
        request.data = data


# --- facts recorded by the workflow (grc_request_transitioned) -------------------------

def on_transition(dossier: Dossier, request, code: str, on: date) -> None:
    """Record what a transition means for the file, then recompute its dates."""
    from .workflows import PROPOSALS

    if code == "demander_pieces":
        status = rules.pieces_request_status(dossier.deposit_date, on, dossier.pieces_request_count)
        dossier.pieces_request_count += 1
        if status.allowed:
            dossier.pieces_request_date = on
    elif code == "recevoir_pieces":
        dossier.completion_date = on
    elif code in PROPOSALS:
        dossier.decision = PROPOSALS[code]
    elif code == "signer":
        dossier.decision_date = on
    elif code in ("notifier", "notifier_refus"):
        dossier.notified_on = on
    elif code in ("accord_tacite", "refus_tacite", "rejet_pieces"):
        # The tacit decision is born on its legal day, even if `grc tick` ran later.
        born = (rules.add_days(dossier.pieces_due_by, 1) if code == "rejet_pieces" and dossier.pieces_due_by
                else dossier.tacit_decision_date if code != "rejet_pieces" else None)
        dossier.decision = code
        dossier.tacit_applied_on = born or on
        dossier.decision_date = born or on
    elif code == "afficher":
        dossier.display_start = on
    # A DOC or a DAACT filed as its own file has already recorded the declared day: it stays.
    elif code == "ouvrir_chantier":
        dossier.works_started_on = dossier.works_started_on or on
    elif code == "declarer_achevement":
        dossier.daact_date = dossier.daact_date or on
    elif code in ("constater_conformite", "contester_conformite"):
        dossier.conformity_date = on
    recompute(dossier, request)


def transition_objection(dossier: Dossier, code: str, on: date) -> list[str]:
    """Why a transition cannot be applied to the file now (from rules/, in the reader's language), or []."""
    if code == "demander_pieces":
        status = rules.pieces_request_status(dossier.deposit_date, on, dossier.pieces_request_count)
        if not status.allowed:
            return [str(status.reason)]
    if code == "notifier" and dossier.decision not in ("accord", "accord_prescriptions"):
        return [_("The signed decision is not an approval: use « Notify the refusal or the stay ».")]
    if code == "notifier_refus" and dossier.decision not in ("refus", "sursis"):
        return [_("The signed decision is an approval: use « Notify the approval ».")]
    return []
