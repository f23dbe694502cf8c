"""Blocks on the request page (legal dates, eligibility) and on the citizen's
360° page (their état-civil requests, marriage/PACS files, recensement)."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from grc_core.plugin_api import (
    CitizenPanel, Request, RequestPanel, RequestType, add_months, age_on, db, local_date, state_label,
)

from . import checks, rules
from . import request_types as rt
from .guards import parse_day, today as current_day
from .views import STATUS_LABELS

fr = rules.format_date_fr


def _rows(rows) -> Markup:
    items = "".join(f"<dt class='col-sm-6'>{escape(label)}</dt><dd class='col-sm-6'>{escape(value)}</dd>"
                    for label, value in rows)
    return Markup(f"<dl class='row mb-0'>{items}</dl>")


def _alert(text, kind="warning") -> Markup:
    return Markup(f"<p class='alert alert-{kind} mb-2'>{escape(text)}</p>")


def _acte(req, commune) -> Markup:
    data = req.data or {}
    received = local_date(req.received_at)
    outcome = checks.acte_eligibility(data, commune, received)
    html = Markup()
    if outcome.allowed:
        html += _alert(_("Eligible: the requester may obtain this document."), "success")
    else:
        html += _alert(outcome.reason, "danger")
    if outcome.needs_manual_review:
        html += _alert(outcome.review_note)
    rows = []
    closed = checks.register_closed_on(data)
    if closed:
        rows.append((_("Register open to anyone from"), fr(rules.archives_open_on(closed))))
    if outcome.archive_access:
        rows.append((_("Access"), _("public archive (register closed more than 75 years ago)")))
    missing = checks.acte_missing_fields(data, commune)
    if missing:
        rows.append((_("Missing fields"), ", ".join(missing)))
    if req.closed_at is not None:
        rows.append((_("Anonymised from"), fr(rules.copy_request_anonymisable_from(local_date(req.closed_at)))))
    return html + _rows(rows)


def _mariage(req, commune) -> Markup:
    data = req.data or {}
    rows = []
    published = parse_day(data.get("date_publication"))
    html = Markup()
    if published:
        timeline = rules.marriage_bans_timeline(published)
        rows += [(_("Bans published on"), fr(published)),
                 (_("Posting ends on"), fr(timeline.posting_ends_on)),
                 (_("Earliest celebration"), fr(timeline.earliest_celebration)),
                 (_("Latest celebration without a new publication"), fr(timeline.latest_celebration))]
    else:
        rows.append((_("Bans"), _("not published yet")))
    celebration = parse_day(data.get("date_celebration"))
    if celebration:
        rows.append((_("Celebration"), fr(celebration)))
    since = checks.as_date(data.get("residence_depuis"))
    if since:
        rows.append((_("Residence long enough for a publication from"), fr(add_months(since, 1))))
    deposit = checks.as_date(data.get("date_depot"))
    if deposit:
        for problem in checks.stale_pieces(data, checks.MARIAGE_PARTIES, deposit, commune):
            html += _alert(problem)
    return html + _rows(rows)


def _pacs(req, commune) -> Markup:
    data = req.data or {}
    day = checks.as_date(data.get("date_enregistrement"))
    html = Markup()
    if day:
        for problem in checks.stale_pieces(data, checks.PACS_PARTIES, day, commune):
            html += _alert(problem)
    return html + _rows([(_("Registration appointment"), fr(day) if day else "—")])


def _naissance(req, commune) -> Markup:
    data = req.data or {}
    deadline = checks.birth_deadline(data, commune)
    outcome = checks.birth_declaration(data, commune)
    html = Markup()
    if outcome is not None and not outcome.allowed:
        html += _alert(outcome.reason, "danger")
    return html + _rows([(_("Last day to declare the birth"), fr(deadline) if deadline else "—")])


def _recensement(req, commune) -> Markup:
    data = req.data or {}
    born = checks.as_date(data.get("jeune_date_naissance"))
    if born is None:
        return Markup()
    recensed = local_date(req.received_at)
    try:
        window = rules.recensement_window(born, french_since=checks.as_date(data.get("francais_depuis")))
    except ValueError:
        return _alert(_("No recensement obligation."))
    status = checks.recensement_status(data, recensed)
    quarter = rules.recensement_quarter(recensed)
    rows = [(_("Window"), f"{fr(window.opens_on)} – {fr(window.closes_on)}"),
            (_("Regularisation possible until"), fr(window.regularisation_until)),
            (_("Situation on %(day)s", day=fr(recensed)), STATUS_LABELS.get(status, "")),
            (_("Quarterly list"), _("quarter %(quarter)s of %(year)s, sent by %(day)s", quarter=quarter.quarter,
                                    year=quarter.year, day=fr(quarter.list_sent_by)))]
    html = _rows(rows)
    if req.state == "attestation_delivree":
        url = url_for("etat_civil_recensement.attestation", request_id=req.id)
        label = _("Print the certificate of recensement")
        html += Markup(f"<p class='mt-2 mb-0'><a class='btn btn-sm btn-outline-primary' href='{escape(url)}' "
                       f"target='_blank'>{escape(label)}</a></p>")
    return html


def _prenom(req, commune) -> Markup:
    data = req.data or {}
    born = checks.as_date(data.get("beneficiaire_date_naissance"))
    if born is None:
        return Markup()
    received = local_date(req.received_at)
    consent = rules.child_consent_required(born, received) and age_on(born, received) < 18
    return _rows([(_("Personal consent of the child required"), _("yes") if consent else _("no"))])


def _nom(req, commune) -> Markup:
    received = local_date(req.received_at)
    earliest = rules.name_change_earliest_confirmation(received)
    return _rows([(_("Received on"), fr(received)), (_("Confirmation in person possible from"), fr(earliest))])


PANELS = {rt.ACTE: _acte, rt.MARIAGE: _mariage, rt.PACS: _pacs, rt.NAISSANCE: _naissance,
          rt.RECENSEMENT: _recensement, rt.PRENOM: _prenom, rt.NOM: _nom}


def request_panels(req, user, commune):
    builder = PANELS.get(req.request_type.code)
    if builder is None:
        return None
    return [RequestPanel(_("Civil status: legal dates"), str(builder(req, commune)), order=20)]


# --- citizen's 360° page ----------------------------------------------------------

def citizen_panels(citizen, user, commune, on_date: date | None = None):
    on_date = on_date or current_day()
    requests = list(db.session.scalars(
        select(Request).join(RequestType, Request.request_type_id == RequestType.id)
        .where(Request.citizen_id == citizen.id, RequestType.code.in_(rt.CODES))
        .order_by(Request.received_at.desc(), Request.id.desc())))
    # Confidential types are not ours, but an admin may have restricted one: respect it.
    from grc_core.plugin_api import can
    requests = [r for r in requests if not getattr(r.request_type, "read_permission", None)
                or can(r.request_type.read_permission)]
    html = Markup()
    if requests:
        rows = "".join(
            f"<li><a href='{escape(url_for('core_requests.details', request_id=r.id))}'>{escape(r.reference)}</a> "
            f"{escape(r.request_type.label)} — {escape(state_label(r.workflow.definition if r.workflow else None, r.state))}"
            "</li>"
            for r in requests)
        html += Markup(f"<ul class='mb-2'>{rows}</ul>")
    else:
        empty = _("No civil status request.")
        html += Markup(f"<p class='text-muted mb-2'>{escape(empty)}</p>")
    family = [r for r in requests if r.request_type.code in rt.FAMILY_FILE_TYPES and r.state_kind != "closed"]
    for r in family:
        data = r.data or {}
        when = parse_day(data.get("date_celebration")) or checks.as_date(data.get("date_enregistrement"))
        label = _("Marriage file") if r.request_type.code == rt.MARIAGE else _("PACS")
        html += Markup(f"<p class='mb-1'>{escape(label)} {escape(r.reference)}"
                       f"{escape(' : ' + fr(when)) if when else ''}</p>")
    html += _recensement_status(citizen, requests, on_date)
    return [CitizenPanel(_("Civil status"), str(html), order=40)]


def _recensement_status(citizen, requests, on_date) -> Markup:
    born = citizen.birth_date
    if born is None or not 15 <= age_on(born, on_date) < 25:
        return Markup()
    done = [r for r in requests if r.request_type.code == rt.RECENSEMENT and r.state not in ("refusee", "classee")]
    if done:
        text = _("Recensement: done on %(day)s.", day=fr(local_date(done[0].received_at)))
    else:
        window = rules.recensement_window(born)
        status = rules.recensement_status(born, on_date)
        text = {
            rules.RecensementStatus.TROP_TOT: _("Recensement: to do from %(day)s.", day=fr(window.opens_on)),
            rules.RecensementStatus.DANS_LES_DELAIS: _("Recensement: to do before %(day)s.",
                                                       day=fr(window.closes_on)),
            rules.RecensementStatus.REGULARISATION: _("Recensement: late, regularisation possible until %(day)s.",
                                                      day=fr(window.regularisation_until)),
        }.get(status, "")
    return Markup(f"<p class='mb-0'>{escape(text)}</p>") if text else Markup()
