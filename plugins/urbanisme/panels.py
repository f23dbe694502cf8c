"""Blocks on the request's page and on the citizen's page: the templates
``urbanisme/request_panel.html`` and ``urbanisme/citizen_panel.html``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, Request, RequestPanel, can, db, state_label

from . import rules
from .dossier import CERTIFICATES, explanations, instruction_delay, of_request, today
from .follow_ups import Linked, follow_ups_of, original_of, short_day
from .models import Dossier
from .request_types import FOLLOW_UPS, procedure_label
from .workflows import DECISION_LABELS


def alert_days(commune) -> int:
    from .settings import ALERT_DAYS

    try:
        return int((commune.settings or {}).get(ALERT_DAYS.code, ALERT_DAYS.default))
    except (TypeError, ValueError):
        return ALERT_DAYS.default


def number_text(dossier: Dossier) -> str:
    """The file's number, or for a follow-up without one, the number of the authorisation it concerns."""
    if dossier.file_number:
        return dossier.file_number
    if dossier.initial_reference:
        return _("concerns %(number)s", number=dossier.initial_reference)
    return ""


@dataclass(frozen=True)
class Links:
    """What links a file to others, as its panel shows them.

    ``original`` and ``follow_ups`` hold only the files the member may see (an
    instructor, within the queue's visibility); ``concerns`` is the number the
    follow-up names, ``outside_grc`` when no file of GRC has it."""

    concerns: str
    outside_grc: bool
    original: Linked | None
    follow_ups: list[Linked]

    @property
    def transfer(self) -> Linked | None:
        """The last transfer in force (it named the holder shown)."""
        granted = [f for f in self.follow_ups if f.dossier.procedure == rules.Procedure.TRANSFERT_PERMIS
                   and (f.dossier.notified_on or f.dossier.tacit_applied_on)]
        return granted[-1] if granted else None


def links_of(dossier: Dossier) -> Links:
    follow_up = rules.Procedure(dossier.procedure) in FOLLOW_UPS
    original, follow_ups = None, []
    if can("urbanisme.instruct"):
        from .admin import scope

        visible = scope()
        original = original_of(dossier, visible)
        follow_ups = follow_ups_of(dossier, visible)
    return Links(dossier.initial_reference if follow_up else "",
                 follow_up and bool(dossier.initial_reference) and dossier.initial_dossier_id is None,
                 original, follow_ups)


def legal_dates(dossier: Dossier) -> list[tuple[str, date | None, str]]:
    """(what, calendar date, what it means) for every legal date of the file, in order."""
    rows: list[tuple[str, date | None, str]] = [
        (_("Deposit"), dossier.deposit_date, _("File received in mairie: every delay runs from here.")),
        (_("Notice of deposit posted by"), dossier.deposit_notice_by,
         _("Notice of deposit to post in mairie within 15 days (R423-6).")),
    ]
    delay = instruction_delay(dossier)
    if delay is not None:
        past = dossier.pieces_request_by and today() > dossier.pieces_request_by
        rows.append((_("Request for missing pieces possible until"), dossier.pieces_request_by,
                     _("After this day a request for pieces no longer moves the deadline (R423-41); "
                       "the file is deemed complete.") if past else
                     _("One exhaustive list, notified within the first month (R423-38).")))
        if delay.is_modified:
            rows.append((_("Modified delay notifiable until"),
                         rules.modified_delay_notification_deadline(dossier.deposit_date),
                         _("A majorated delay notified after this day cannot be applied: the base delay stays "
                           "(R423-42).")))
    if dossier.pieces_request_date:
        rows.append((_("Pieces requested on"), dossier.pieces_request_date, ""))
    if dossier.pieces_due_by:
        rows.append((_("Missing pieces due by"), dossier.pieces_due_by,
                     _("Without the pieces by this day, the request is tacitly rejected (R423-39).")))
    if dossier.completion_date:
        rows.append((_("File complete on"), dossier.completion_date, _("The instruction delay runs from here.")))
    if dossier.legal_deadline:
        rows.append((_("Last day to notify the decision"), dossier.legal_deadline,
                     _("Instruction delay of %(n)d months.", n=dossier.delay_months or 0)))
        rows.append((_("Tacit decision on"), dossier.tacit_decision_date,
                     rules.Outcome(dossier.tacit_outcome).label if dossier.tacit_outcome else ""))
    if dossier.tacit_applied_on:
        rows.append((_("Tacit decision recorded"), dossier.tacit_applied_on,
                     DECISION_LABELS.get(dossier.decision, dossier.decision)))
    if dossier.decision_date and not dossier.tacit_applied_on:
        rows.append((_("Decision signed"), dossier.decision_date,
                     DECISION_LABELS.get(dossier.decision, dossier.decision)))
    if dossier.notified_on:
        rows.append((_("Decision notified"), dossier.notified_on, ""))
    if dossier.display_until:
        rows.append((_("Decision displayed in mairie until"), dossier.display_until,
                     _("Posted within 8 days of the decision, for 2 months (R424-15).")))
    if dossier.appeal_end:
        rows.append((_("Third-party appeal period ends"), dossier.appeal_end,
                     _("Two months from the first day of display on the land (R600-2).")))
    if dossier.withdrawal_end:
        rows.append((_("Withdrawal possible until"), dossier.withdrawal_end,
                     _("An illegal decision may be withdrawn within 3 months (L424-5).")))
    if dossier.validity_end:
        certificate = rules.Procedure(dossier.procedure) in CERTIFICATES
        meaning = (_("The certificate's rules and taxes hold until this day: 18 months, plus one year per prorogation "
                     "(L410-1, R410-17).") if certificate else
                   _("Works must start by this day: 3 years, plus one year per prorogation (R424-17)."))
        if dossier.prorogations:
            meaning += " " + ngettext("Prorogation granted: %(num)d.", "Prorogations granted: %(num)d.",
                                      dossier.prorogations)
        rows.append((_("Valid until"), dossier.validity_end, meaning))
    if dossier.works_started_on:
        rows.append((_("Works started on"), dossier.works_started_on, _("Declared opening of the works (DOC).")))
    if dossier.daact_date:
        rows.append((_("DAACT received"), dossier.daact_date, ""))
    if dossier.conformity_deadline:
        rows.append((_("Conformity can be contested until"), dossier.conformity_deadline,
                     _("3 months, or 5 when a visit is mandatory (R462-6).")))
    return rows


def deadline_status(dossier: Dossier, commune, request=None) -> tuple[int | None, bool]:
    """(days left before the last day to notify, red?) for a file whose delay runs."""
    if dossier.legal_deadline is None or dossier.notified_on or dossier.tacit_applied_on:
        return None, False
    if request is not None and request.state_kind == "closed":
        return None, False
    left = (dossier.legal_deadline - today()).days
    return left, left <= alert_days(commune)


def request_panels(request, commune):
    dossier = of_request(request)
    if dossier is None:
        return None
    left, red = deadline_status(dossier, commune, request)
    return [RequestPanel(str(_l("Legal dates of the planning file")), "urbanisme/request_panel.html", dict(
        dossier=dossier, rows=legal_dates(dossier), short_day=short_day, left=left, red=red, procedure=procedure_label(dossier),
        may_edit=can("urbanisme.instruct"), links=links_of(dossier),
        modificatif=dossier.procedure == rules.Procedure.PERMIS_MODIFICATIF,
        explanation=explanations(dossier)), order=10)]


def citizen_panels(citizen, requests):
    # Planning files are the instructors' business (a domain rule, not secrecy).
    if not can("urbanisme.instruct"):
        return None
    from .admin import scope

    readable = [r.id for r in requests]
    query = (select(Dossier, Request).join(Request, Request.id == Dossier.request_id)
             .where(Request.citizen_id == citizen.id, Request.id.in_(readable)).order_by(Dossier.deposit_date.desc()))
    visible = scope()
    if visible is not None:
        query = query.where(visible)
    rows = db.session.execute(query).all() if readable else []
    if not rows:
        return None
    files = [(request, dossier, procedure_label(dossier),
              state_label(request.workflow.definition if request.workflow else None, request.state),
              number_text(dossier))
             for dossier, request in rows]
    return [CitizenPanel(str(_l("Planning files")), "urbanisme/citizen_panel.html",
                         dict(files=files, short_day=short_day, decisions=DECISION_LABELS), order=40)]
