"""What a follow-up file changes on the authorisation it concerns, and the links the pages show.

Each change happens in the follow-up's own transaction — its filing
(grc_request_submitted) or its transition (grc_request_transitioned) — and
appends an event to the ORIGINAL request's history saying what changed and
which follow-up did it:

- prorogation granted (approval notified, or « prorogation acquise » applied by
  the timer): one more prorogation, the validity recomputed by rules/;
- transfert granted: the new holder;
- DOC filed: the day the works started, as declared;
- DAACT filed: the day it was received, hence the conformity deadline;
- permis modificatif granted: nothing — it does not extend the permit's
  validity; the history says so.

The original's workflow is not moved: its transitions stay the agents' acts
(and keep the dates a DOC or a DAACT recorded). Only a follow-up linked to a
file of GRC changes anything (an authorisation hors GRC has no file here).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import Request, RequestEvent, db, state_label

from . import rules
from .dossier import recompute
from .models import Dossier
from .request_types import procedure_label
from .workflows import FAVOURABLE_DECISIONS

P = rules.Procedure
# Transitions after which a follow-up's approval is in force.
GRANTING = ("notifier", "accord_tacite")


def short_day(day: date | None) -> str:
    """A date in the reader's short format (31/01/2026, 1/31/26), as the request page's other dates."""
    return format_date(day, "short") if day else ""


def _record(original: Dossier, follow_up_request, actor_id: int | None, message: str) -> None:
    """An event in the original request's history (in the commune's language, like its e-mails).

    The text names the follow-up, never a person: the history outlives the
    request's personal data (retention blanks only the keys it knows)."""
    db.session.add(RequestEvent(
        request_id=original.request_id, commune_id=original.commune_id, at=follow_up_request.state_entered_at,
        actor_id=actor_id, kind="field_changed",
        details={"reason": message, "follow_up": follow_up_request.reference,
                 "follow_up_request_id": follow_up_request.id}))


def _in_commune_language():
    return force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"])


def on_filed(dossier: Dossier, request) -> None:
    """A DOC or a DAACT just filed records its day on the authorisation (grc_request_submitted)."""
    original = dossier.initial_dossier
    procedure = P(dossier.procedure)
    if original is None or procedure not in (P.DECLARATION_OUVERTURE_CHANTIER, P.DAACT):
        return
    if procedure is P.DECLARATION_OUVERTURE_CHANTIER:
        original.works_started_on = dossier.works_started_on
        recompute(original, original.request)
        with _in_commune_language():
            message = _("Opening of the works on %(day)s declared (DOC, request %(reference)s).",
                        day=short_day(dossier.works_started_on), reference=request.reference)
    else:
        original.daact_date = dossier.daact_date
        recompute(original, original.request)
        with _in_commune_language():
            message = _("DAACT received on %(day)s (request %(reference)s): the conformity of the works can be "
                        "contested until %(deadline)s.", day=short_day(dossier.daact_date), reference=request.reference,
                        deadline=short_day(original.conformity_deadline))
    # The filing hook does not say who filed: the request's own history does.
    filed_by = next((event.actor_id for event in request.events if event.kind == "created"), None)
    _record(original, request, filed_by, message)


def on_transitioned(dossier: Dossier, request, code: str, actor) -> None:
    """A follow-up's approval now in force changes its authorisation (grc_request_transitioned)."""
    if code not in GRANTING or dossier.decision not in FAVOURABLE_DECISIONS or dossier.initial_dossier is None:
        return
    original = dossier.initial_dossier
    procedure = P(dossier.procedure)
    granted_on = dossier.notified_on or dossier.tacit_applied_on
    if procedure is P.PROROGATION:
        original.prorogations += 1
        recompute(original, original.request)
        with _in_commune_language():
            message = _("One-year prorogation granted (request %(reference)s): valid until %(day)s.",
                        reference=request.reference, day=short_day(original.validity_end))
    elif procedure is P.TRANSFERT_PERMIS:
        original.holder_name = dossier.applicant_name
        original.holder_since = granted_on
        with _in_commune_language():
            message = _("Permit transferred by file %(number)s (request %(reference)s): the new holder is "
                        "recorded on the planning file.", number=dossier.file_number, reference=request.reference)
    elif procedure is P.PERMIS_MODIFICATIF:
        with _in_commune_language():
            message = _("Permis modificatif %(number)s granted (request %(reference)s): it does not extend the "
                        "validity of this permit.", number=dossier.file_number, reference=request.reference)
    else:
        return
    _record(original, request, getattr(actor, "id", None), message)


def objection(dossier: Dossier, code: str) -> list[str]:
    """Why granting this prorogation now is impossible (from rules/, in the reader's language), or [].

    Two prorogations filed in time may both await a decision: only two can
    ever be granted (R424-21)."""
    if P(dossier.procedure) is not P.PROROGATION or code not in GRANTING or dossier.initial_dossier is None:
        return []
    original = dossier.initial_dossier
    refusal = rules.follow_up_refusal(P.PROROGATION, original.procedure, granted=True, filed_on=dossier.deposit_date,
                                      prorogations=original.prorogations)
    return [str(refusal)] if refusal else []


# --- the links shown on the pages -------------------------------------------------------

@dataclass(frozen=True)
class Linked:
    """A file linked to the one shown: its request, its procedure's label, its status and where it stands."""

    request: Request
    dossier: Dossier
    procedure: str
    status: str
    key_fact: str


def key_fact(dossier: Dossier) -> str:
    """Where a follow-up stands, with its date: the declared day, else its decision, else its deposit."""
    procedure = P(dossier.procedure)
    if procedure is P.DECLARATION_OUVERTURE_CHANTIER:
        return _("Works started on %(day)s", day=short_day(dossier.works_started_on))
    if procedure is P.DAACT:
        return _("DAACT received on %(day)s", day=short_day(dossier.daact_date))
    if dossier.notified_on:
        return _("Decision notified on %(day)s", day=short_day(dossier.notified_on))
    if dossier.tacit_applied_on:
        return _("Tacit decision on %(day)s", day=short_day(dossier.tacit_applied_on))
    return _("Filed on %(day)s", day=short_day(dossier.deposit_date))


def _linked(rows) -> list[Linked]:
    found = []
    for dossier, request in rows:
        definition = request.workflow.definition if request.workflow else None
        found.append(Linked(request, dossier, procedure_label(dossier), state_label(definition, request.state),
                            key_fact(dossier)))
    return found


def follow_ups_of(dossier: Dossier, visible) -> list[Linked]:
    """The follow-up files of ``dossier`` the member may see (``visible``: the queue's condition, or None)."""
    query = (select(Dossier, Request).join(Request, Request.id == Dossier.request_id)
             .where(Dossier.initial_dossier_id == dossier.id).order_by(Dossier.deposit_date, Dossier.id))
    if visible is not None:
        query = query.where(visible)
    return _linked(db.session.execute(query).all())


def original_of(dossier: Dossier, visible) -> Linked | None:
    """The file of the authorisation ``dossier`` follows, when in GRC and visible to the member."""
    if dossier.initial_dossier_id is None:
        return None
    query = (select(Dossier, Request).join(Request, Request.id == Dossier.request_id)
             .where(Dossier.id == dossier.initial_dossier_id))
    if visible is not None:
        query = query.where(visible)
    found = _linked(db.session.execute(query).all())
    return found[0] if found else None
