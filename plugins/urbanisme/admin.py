"""The plugin's back-office pages: files by legal deadline or by number, and a file's land, consultations, delays.

Access: signed in, in a commune where the plugin is active, holding
``urbanisme.instruct`` (SecureView). A file of another commune is invisible
(tenancy scoping): 404.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, or_, select

from grc_core.plugin_api import REFERENCE_PATTERN, Request, SecureView, db, format_reference, state_label

from . import rules
from .dossier import instruction_delay, parse_parcels, recompute, today
from .models import Consultation, Dossier, Parcel
from .numbering import search_condition
from .follow_ups import short_day
from .panels import deadline_status, number_text, request_panels
from .request_types import BODIES, CONSULTATIONS, OPINIONS, PROTECTIONS, procedure_label

PERIODS = (7, 15, 30)
BLANK_CONSULTATIONS = 2
SEARCH_LIMIT = 100
CONFORMITY_CASES = (
    ("droit_commun", _l("General case (3 months)")),
    ("immeuble_inscrit_mh", _l("Registered historic building (récolement, 5 months)")),
    ("site_patrimonial_remarquable", _l("Remarkable heritage site (récolement, 5 months)")),
    ("site_classe", _l("Listed site (récolement, 5 months)")),
    ("erp_igh", _l("ERP or IGH (récolement, 5 months)")),
    ("parc_national_reserve_naturelle", _l("National park or nature reserve (récolement, 5 months)")),
    ("plan_prevention_risques", _l("Risk prevention plan (récolement, 5 months)")),
)


@dataclass
class DeadlineRow:
    request: Request
    dossier: Dossier
    procedure: str
    status: str
    left: int
    red: bool
    outcome: str
    number: str


def scope():
    """The core's rule of what the signed-in member may read (his services'
    requests, grc_core.security.access), as one SQL condition on ``Request``."""
    from grc_core.plugin_api import readable_requests_conditions

    try:
        return and_(*readable_requests_conditions(current_user, g.get("grc_membership")))
    except LookupError:
        abort(403)


def running_files(until: date | None):
    """Files whose delay runs (not decided, request not closed), by legal deadline; up to ``until``.

    Only the requests the member may read (the core's access rule, :func:`scope`)."""
    query = (select(Dossier, Request).join(Request, Request.id == Dossier.request_id)
             .where(Dossier.legal_deadline.is_not(None), Dossier.notified_on.is_(None),
                    Dossier.tacit_applied_on.is_(None), Request.state_kind != "closed")
             .order_by(Dossier.legal_deadline, Request.id))
    if until is not None:
        query = query.where(Dossier.legal_deadline <= until)
    return db.session.execute(query.where(scope())).all()


def found_files(text: str):
    """Every file (running or not) whose number, or its authorisation's, is ``text`` — with or without
    spaces, or part of it — or whose request has that reference; newest first, for the member's queue."""
    match = REFERENCE_PATTERN.match(text)
    condition = search_condition(text)
    if match:
        condition = or_(condition, Request.reference == format_reference(int(match.group(1)), int(match.group(2))))
    query = (select(Dossier, Request).join(Request, Request.id == Dossier.request_id).where(condition)
             .order_by(Dossier.deposit_date.desc(), Dossier.id.desc()).limit(SEARCH_LIMIT))
    return db.session.execute(query.where(scope())).all()


def _date(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("« %(value)s » is not a date.", value=value)) from None


class UrbanismeView(SecureView):
    permission = "urbanisme.instruct"

    @expose("/")
    def index(self):
        raw = request.args.get("days", "30")
        days = None if raw == "all" else (int(raw) if raw.isdigit() and int(raw) in PERIODS else 30)
        until = today() + timedelta(days=days) if days is not None else None
        search = request.args.get("q", "").strip()[:60]
        commune = g.grc_commune
        rows = []
        for dossier, req in found_files(search) if search else running_files(until):
            left, red = deadline_status(dossier, commune, req)
            rows.append(DeadlineRow(
                req, dossier, procedure_label(dossier),
                state_label(req.workflow.definition if req.workflow else None, req.state), left, red,
                rules.Outcome(dossier.tacit_outcome).label if dossier.tacit_outcome else "", number_text(dossier)))
        return self.render("urbanisme/deadlines.html", rows=rows, days=days, search=search, short_day=short_day)

    def _load(self, request_id: int) -> tuple[Request, Dossier]:
        from grc_core.plugin_api import readable_request_or_404

        req = readable_request_or_404(request_id, act=request.method == "POST")
        dossier = db.session.scalar(select(Dossier).where(Dossier.request_id == req.id))
        if dossier is None:
            abort(404)
        return req, dossier

    def _form(self, dossier: Dossier) -> dict:
        rows = [{"body": c.body, "sent_on": c.sent_on or "", "answered_on": c.answered_on or "",
                 "opinion": c.opinion} for c in dossier.consultations]
        rows += [{"body": "", "sent_on": "", "answered_on": "", "opinion": ""}] * BLANK_CONSULTATIONS
        return {
            "parcels": ", ".join(f"{p.section} {p.number}" for p in dossier.parcels),
            "plu_zone": dossier.plu_zone, "circumstances": list(dossier.circumstances or ()),
            "conformity_case": dossier.conformity_case,
            "modification_notified_on": dossier.modification_notified_on or "",
            "pieces_request_date": dossier.pieces_request_date or "",
            "completion_date": dossier.completion_date or "",
            "consultations": rows,
        }

    def _render(self, req, dossier, form, errors=(), status=200):
        # The legal dates below the form are the request page's panel, included
        # with its own context.
        panel = next(iter(request_panels(req, g.grc_commune) or ()), None)
        return self.render("urbanisme/dossier.html", **{
            **(panel.context if panel else {}),
            "req": req, "dossier": dossier, "form": form, "errors": errors, "short_day": short_day,
            "procedure": procedure_label(dossier), "circumstances": PROTECTIONS + CONSULTATIONS, "bodies": BODIES,
            "opinions": OPINIONS, "conformity_cases": CONFORMITY_CASES,
            "modification_limit": rules.modified_delay_notification_deadline(dossier.deposit_date),
            "panel": panel,
        }), status

    @expose("/dossier/<id:request_id>/", methods=["GET", "POST"])
    def dossier(self, request_id):
        req, dossier = self._load(request_id)
        if request.method == "GET":
            return self._render(req, dossier, self._form(dossier))
        form = request.form
        errors = self._apply(dossier, form)
        if errors:
            db.session.rollback()
            req, dossier = self._load(request_id)
            shown = self._form(dossier) | {
                "parcels": form.get("parcels", ""), "plu_zone": form.get("plu_zone", ""),
                "circumstances": form.getlist("circumstances"),
                "modification_notified_on": form.get("modification_notified_on", ""),
                "pieces_request_date": form.get("pieces_request_date", ""),
                "completion_date": form.get("completion_date", "")}
            return self._render(req, dossier, shown, errors, 400)
        recompute(dossier, req)
        db.session.commit()
        flash(_("Planning file saved; its legal dates are recomputed."), "success")
        return redirect(url_for(".dossier", request_id=request_id))

    def _apply(self, dossier: Dossier, form) -> list[str]:
        """Copy the form onto the file; the reasons it cannot be saved, if any."""
        errors: list[str] = []
        parcels = parse_parcels(form.get("parcels", ""))
        if parcels is None:
            errors.append(_("Cadastral references must give a section and a number for each parcel, "
                            "separated by commas, for example: AB 123, AB 124."))
        allowed = {code for code, _label in PROTECTIONS + CONSULTATIONS}
        circumstances = [c for c in form.getlist("circumstances") if c in allowed]
        # Circumstances not offered on this page (set otherwise) are kept.
        dossier.circumstances = list(dict.fromkeys(
            [c for c in dossier.circumstances or () if c not in allowed] + circumstances))
        dossier.plu_zone = form.get("plu_zone", "").strip().upper()[:20]
        if form.get("conformity_case") in {code for code, _label in CONFORMITY_CASES}:
            dossier.conformity_case = form["conformity_case"]
        try:
            modified = _date(form.get("modification_notified_on"))
            pieces = _date(form.get("pieces_request_date"))
            completion = _date(form.get("completion_date"))
            consultations = self._consultations(form)
        except ValueError as error:
            return errors + [str(error)]
        if modified != dossier.modification_notified_on and modified is not None:
            delay = instruction_delay(dossier)
            if delay is None or not delay.is_modified:
                errors.append(_("No majoration applies to this file: there is no modified delay to notify."))
            elif not rules.may_still_notify_modified_delay(dossier.deposit_date, modified):
                errors.append(_("The modified delay can only be notified within the first month after the "
                                "deposit, until %(day)s: after that the delay can no longer be increased "
                                "(R423-42).", day=short_day(rules.modified_delay_notification_deadline(
                                    dossier.deposit_date))))
        if pieces != dossier.pieces_request_date and pieces is not None:
            if pieces < dossier.deposit_date:
                errors.append(_("The request for pieces cannot precede the deposit."))
            else:
                status = rules.pieces_request_status(dossier.deposit_date, pieces)
                if not status.allowed:
                    errors.append(str(status.reason))
        if completion is not None and (completion < dossier.deposit_date
                                       or (pieces is not None and completion < pieces)):
            errors.append(_("The last piece cannot be received before the deposit or the request for pieces."))
        if errors:
            return errors
        dossier.modification_notified_on = modified
        dossier.pieces_request_date = pieces
        if pieces is not None:
            dossier.pieces_request_count = max(dossier.pieces_request_count, 1)
        dossier.completion_date = completion
        dossier.parcels = [Parcel(section=s, number=n) for s, n in parcels]
        dossier.consultations = consultations
        return []

    def _consultations(self, form) -> list[Consultation]:
        known = {code for code, _label in BODIES}
        opinions = {code for code, _label in OPINIONS}
        rows = []
        n = 0
        while f"body_{n}" in form:
            body = form.get(f"body_{n}")
            if body in known:
                sent, answered = _date(form.get(f"sent_{n}")), _date(form.get(f"answered_{n}"))
                if answered is not None and (sent is None or answered < sent):
                    raise ValueError(_("A consultation cannot be answered before it is sent."))
                opinion = form.get(f"opinion_{n}") if form.get(f"opinion_{n}") in opinions else ""
                rows.append(Consultation(body=body, sent_on=sent, answered_on=answered, opinion=opinion))
            n += 1
        return rows
