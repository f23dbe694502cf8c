"""Blocks on the request page (legal dates, eligibility) and on the citizen's
360° page (their état-civil requests, marriage/PACS files, recensement).

Each builder returns the context of ``etat_civil/panels/request.html``:
alerts (kind, text), rows (label, value) and at most one action link."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from grc_core.plugin_api import CitizenPanel, RequestPanel, add_months, age_on, local_date, state_label, utcnow

from . import checks, rules
from . import request_types as rt
from .dates import day_in_words
from .guards import parse_day
from .views import STATUS_LABELS



def current_day():
    """The day the page is shown: panels are pages, given no engine clock."""
    return local_date(utcnow())


def _block(alerts=(), rows=(), action=None) -> dict:
    return {"alerts": list(alerts), "rows": list(rows), "action": action}


def _acte(req, commune) -> dict:
    data = req.data or {}
    received = local_date(req.received_at)
    try:
        outcome = checks.acte_eligibility(data, commune, received)
    except ValueError:
        # Stored without the act, the document or the requester's quality (an
        # import, an older version): said, never a broken page.
        outcome = None
        alerts = [("warning", _("The request does not say which act, which document or who asks: "
                                "eligibility cannot be assessed."))]
    else:
        alerts = [("success", _("Eligible: the requester may obtain this document.")) if outcome.allowed
                  else ("danger", str(outcome.reason))]
        if outcome.needs_manual_review:
            alerts.append(("warning", str(outcome.review_note)))
    rows = []
    closed = checks.register_closed_on(data)
    if closed:
        rows.append((_("Register open to anyone from"),
                     day_in_words(rules.archives_open_on(closed, person_died_on=checks.person_died_on(data)))))
    if outcome is not None and outcome.archive_access:
        rows.append((_("Access"), _("public archive (register closed more than 75 years ago, or person "
                                    "concerned dead for more than 25 years)")))
    missing = checks.acte_missing_fields(data, commune)
    if missing:
        rows.append((_("Missing fields"), ", ".join(missing)))
    if req.closed_at is not None:
        anonymised = rules.copy_request_anonymisable_from(local_date(req.closed_at))
        rows.append((_("Anonymised from"), day_in_words(anonymised)))
    return _block(alerts, rows)


def _mariage(req, commune) -> dict:
    data = req.data or {}
    rows = []
    published = parse_day(data.get("date_publication"))
    if published:
        timeline = rules.marriage_bans_timeline(published)
        rows += [(_("Bans published on"), day_in_words(published)),
                 (_("Posting ends on"), day_in_words(timeline.posting_ends_on)),
                 (_("Earliest celebration"), day_in_words(timeline.earliest_celebration)),
                 (_("Latest celebration without a new publication"), day_in_words(timeline.latest_celebration))]
    else:
        rows.append((_("Bans"), _("not published yet")))
    celebration = parse_day(data.get("date_celebration"))
    if celebration:
        rows.append((_("Celebration"), day_in_words(celebration)))
    since = checks.as_date(data.get("residence_depuis"))
    if since:
        rows.append((_("Residence long enough for a publication from"), day_in_words(add_months(since, 1))))
    deposit = checks.as_date(data.get("date_depot"))
    if deposit:
        alerts = [("warning", problem) for problem in checks.stale_pieces(data, checks.MARIAGE_PARTIES, deposit,
                                                                         commune)]
    else:
        alerts = []
    return _block(alerts, rows)


def _pacs(req, commune) -> dict:
    data = req.data or {}
    day = checks.as_date(data.get("date_enregistrement"))
    alerts = [("warning", problem) for problem in checks.stale_pieces(data, checks.PACS_PARTIES, day, commune)] \
        if day else []
    return _block(alerts, [(_("Registration appointment"), day_in_words(day) if day else "—")])


def _naissance(req, commune) -> dict:
    data = req.data or {}
    deadline = checks.birth_deadline(data, commune)
    outcome = checks.birth_declaration(data, commune)
    alerts = [("danger", str(outcome.reason))] if outcome is not None and not outcome.allowed else []
    return _block(alerts, [(_("Last day to declare the birth"), day_in_words(deadline) if deadline else "—")])


def _recensement(req, commune) -> dict:
    data = req.data or {}
    born = checks.as_date(data.get("jeune_date_naissance"))
    if born is None:
        return _block()
    recensed = local_date(req.received_at)
    try:
        window = rules.recensement_window(born, french_since=checks.as_date(data.get("francais_depuis")))
    except ValueError:
        return _block([("warning", _("No recensement obligation."))])
    status = checks.recensement_status(data, recensed)
    quarter = rules.recensement_quarter(recensed)
    rows = [(_("Window"), f"{day_in_words(window.opens_on)} – {day_in_words(window.closes_on)}"),
            (_("Regularisation possible until"), day_in_words(window.regularisation_until)),
            (_("Situation on %(day)s", day=day_in_words(recensed)), STATUS_LABELS.get(status, "")),
            (_("Quarterly list"), _("quarter %(quarter)s of %(year)s, sent by %(day)s", quarter=quarter.quarter,
                                    year=quarter.year, day=day_in_words(quarter.list_sent_by)))]
    action = None
    if req.state == "attestation_delivree":
        action = (url_for("etat_civil_recensement.attestation", request_id=req.id),
                  _("Print the certificate of recensement"))
    return _block(rows=rows, action=action)


def _prenom(req, commune) -> dict:
    data = req.data or {}
    born = checks.as_date(data.get("beneficiaire_date_naissance"))
    if born is None:
        return _block()
    received = local_date(req.received_at)
    consent = rules.child_consent_required(born, received) and age_on(born, received) < 18
    return _block(rows=[(_("Personal consent of the child required"), _("yes") if consent else _("no"))])


def _nom(req, commune) -> dict:
    received = local_date(req.received_at)
    earliest = rules.name_change_earliest_confirmation(received)
    return _block(rows=[(_("Received on"), day_in_words(received)),
                        (_("Confirmation in person possible from"), day_in_words(earliest))])


PANELS = {rt.ACTE: _acte, rt.MARIAGE: _mariage, rt.PACS: _pacs, rt.NAISSANCE: _naissance,
          rt.RECENSEMENT: _recensement, rt.PRENOM: _prenom, rt.NOM: _nom}


def request_panels(req, user, commune):
    builder = PANELS.get(req.request_type.code)
    if builder is None:
        return None
    return [RequestPanel(_("Civil status: legal dates"), "etat_civil/panels/request.html", builder(req, commune),
                         order=20)]


# --- citizen's 360° page ----------------------------------------------------------

def citizen_panels(citizen, requests, on_date: date | None = None):
    on_date = on_date or current_day()
    requests = [r for r in requests if r.request_type.code in rt.CODES]
    listed = [(r, state_label(r.workflow.definition if r.workflow else None, r.state)) for r in requests]
    family = []
    for r in requests:
        if r.request_type.code in rt.FAMILY_FILE_TYPES and r.state_kind != "closed":
            data = r.data or {}
            when = parse_day(data.get("date_celebration")) or checks.as_date(data.get("date_enregistrement"))
            family.append((_("Marriage file") if r.request_type.code == rt.MARIAGE else _("PACS"), r.reference,
                           day_in_words(when) if when else ""))
    return [CitizenPanel(_("Civil status"), "etat_civil/panels/citizen.html", {
        "requests": listed, "family": family, "recensement": _recensement_status(citizen, requests, on_date),
    }, order=40)]


def _recensement_status(citizen, requests, on_date) -> str:
    born = citizen.birth_date
    if born is None or not 15 <= age_on(born, on_date) < 25:
        return ""
    done = [r for r in requests if r.request_type.code == rt.RECENSEMENT and r.state not in ("refusee", "classee")]
    if done:
        text = _("Recensement: done on %(day)s.", day=day_in_words(local_date(done[0].received_at)))
    else:
        window = rules.recensement_window(born)
        status = rules.recensement_status(born, on_date)
        text = {
            rules.RecensementStatus.TROP_TOT: _("Recensement: to do from %(day)s.", day=day_in_words(window.opens_on)),
            rules.RecensementStatus.DANS_LES_DELAIS: _("Recensement: to do before %(day)s.",
                                                       day=day_in_words(window.closes_on)),
            rules.RecensementStatus.REGULARISATION: _("Recensement: late, regularisation possible until %(day)s.",
                                                      day=day_in_words(window.regularisation_until)),
        }.get(status, "")
    return text
