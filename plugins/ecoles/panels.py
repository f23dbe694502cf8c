"""Blocks on the core's pages: a parent's record (each child's schooling) and
the plugin's requests (level, sector school, capacity, certificates), as the
contexts of the templates ``ecoles/panels/*.html``."""
from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, RequestPanel, RequestType, can, db

from . import rules, services
from .models import Enrolment, School
from .request_types import CHANGEMENT, DEROGATION, INSCRIPTION, RADIATION, RESTAURATION


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _after_school(enrolment: Enrolment) -> str:
    parts = [label for flag, label in ((enrolment.matin, _("morning")), (enrolment.soir, _("evening")),
                                       (enrolment.mercredi, _("Wednesday"))) if flag]
    return ", ".join(parts) or _("none")


def enrolment_rows(child) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.child_id == child.id)
                                   .order_by(Enrolment.school_year_id.desc(), Enrolment.id.desc())))


def citizen_panels(citizen) -> list[CitizenPanel]:
    children = services.children_of(citizen)
    people = ([citizen] if enrolment_rows(citizen) else []) + children
    if not people:
        return []
    schooling = []
    for child in people:
        lines = []
        for enrolment in enrolment_rows(child)[:2]:
            canteen = _yes(enrolment.canteen) + (f" ({enrolment.tariff_label})" if enrolment.canteen and
                                                 enrolment.tariff_label else "")
            lines.append({"year": enrolment.school_year.label, "level": enrolment.level_label,
                          "school": enrolment.school.name if enrolment.school else _("to be assigned"),
                          "status": enrolment.status_label, "canteen": canteen,
                          "after_school": _after_school(enrolment)})
        schooling.append((child.full_name, lines))
    inscription = db.session.scalar(select(RequestType.id).where(RequestType.code == INSCRIPTION,
                                                                 RequestType.active.is_(True)))
    enrol_url = url_for("core_intake.index", citizen=citizen.id, type=inscription) \
        if inscription is not None and can("core.backoffice") else None
    return [CitizenPanel(_("Schooling"), "ecoles/panels/citizen.html",
                         {"schooling": schooling, "enrol_url": enrol_url}, order=40)]


def _capacity_line(school: School, year_id: int | None, level: str) -> str:
    capacity = school.capacity_for(level)
    taken = services.enrolled_count(school.id, year_id, level) if year_id else 0
    return _("%(school)s: %(taken)d enrolled for %(capacity)d places in %(level)s", school=school.name,
             taken=taken, capacity=capacity, level=dict(((lv.value, lv.label) for lv in rules.LEVELS)).get(level, level))


def request_panels(request, commune) -> list[RequestPanel]:
    code = request.request_type.code
    data = request.data or {}
    items = []
    level, reason = services.level_for_form(data)
    if level is None and code == DEROGATION:
        level, reason = services.level_for_form({**data, "toute_petite_section": True})
    year = services.school_year_row(data.get("annee_scolaire") or 0)
    if level is not None:
        items.append((_("Level"), level.label))
    elif reason:
        items.append((_("Level"), reason))
    links = []
    if code in (INSCRIPTION, CHANGEMENT):
        enrolment = services.enrolment_of_request(request.id)
        if enrolment is not None:
            items.append((_("Child"), enrolment.child.full_name))
            items.append((_("Legal guardians"), ", ".join(p.full_name for p in services.responsables_of(
                enrolment.child)) or _("none recorded")))
            items.append((_("School"), enrolment.school.name if enrolment.school else _("to be assigned")))
            if enrolment.sector_message:
                items.append((_("Carte scolaire"), enrolment.sector_message))
            if enrolment.school is not None:
                items.append((_("Capacity"), _capacity_line(enrolment.school, enrolment.school_year_id,
                                                            enrolment.level)))
            if can("ecoles.assign"):
                links.append((url_for("ecoles_enrolments.edit_view", id=enrolment.id), _("Assign a school")))
            if enrolment.status in ("affectee", "admise"):
                links.append((url_for("ecoles_certificates.inscription", request_id=request.id),
                              _("Print the enrolment certificate")))
        if code == CHANGEMENT and data.get("date_demenagement"):
            moved = date.fromisoformat(data["date_demenagement"])
            deadline = rules.school_change_deadline(moved)
            late = rules.school_change_overdue(moved, date.today())
            items.append((_("Deadline (8 days after the move)"), deadline.strftime("%d/%m/%Y")
                          + (" — " + _("overdue") if late else "")))
    elif code == DEROGATION and data.get("motif") not in set(rules.DerogationReason):
        # Filed without its reason (an import, an API call on an older form): nothing to qualify yet.
        items.append((_("Reason"), _("not given: ask the family for it before deciding")))
    elif code == DEROGATION:
        case = rules.derogation_case(*_communes(commune, data), data.get("motif"))
        items.append((_("Scope"), _("inside the commune") if case.scope is rules.DerogationScope.INTRA_COMMUNE
                      else _("between communes")))
        items.append((_("Decided by"), str(case.decided_by)))
        if case.r212_21_case:
            items.append((_("R212-21 case"), _("Case %(n)d: the home commune must contribute.", n=case.r212_21_case)))
        items.append((_("Legal basis"), case.legal_basis))
        for note in case.notes:
            items.append((_("To check"), str(note)))
        school = services.find_school(data.get("ecole_demandee") or "")
        if school is not None and level is not None:
            items.append((_("Requested school"), _capacity_line(school, year.id if year else None, level.value)))
    elif code in (RESTAURATION, RADIATION):
        statuses = ("radiee",) if code == RADIATION and request.state_kind == "closed" else services.LIVE
        enrolment = services.known_enrolment(data, statuses)
        if enrolment is not None:
            items.append((_("School"), enrolment.school.name if enrolment.school else _("to be assigned")))
            if code == RESTAURATION:
                for kind in services.activities_requested(data):
                    activity = services.activity_of(kind, enrolment.school_id, enrolment.school_year_id)
                    if activity is not None:
                        items.append((services.ACTIVITY_NAMES[kind].capitalize(), _(
                            "%(taken)d enrolled for %(capacity)d places", taken=services.activity_taken(activity),
                            capacity=activity.capacity)))
                grid = services.grid_for("cantine", enrolment.school_year_id)
                tranche = services.tranche_for(data.get("quotient_familial"), grid)
                if tranche is not None:
                    items.append((_("Tariff tranche"), f"{tranche.name} — {tranche.price} €"))
            elif enrolment.status == "radiee":
                links.append((url_for("ecoles_certificates.radiation", request_id=request.id),
                              _("Print the certificate of removal")))
    return [RequestPanel(_("Schooling"), "ecoles/panels/request.html",
                         {"items": [(label, value) for label, value in items if value != ""], "links": links},
                         order=20)]


def _communes(commune, data) -> tuple[str, str]:
    here = commune.name
    scope = data.get("perimetre")
    if scope == "entrante":
        return data.get("commune_residence") or "autre commune", here
    if scope == "sortante":
        return here, data.get("commune_ecole") or "autre commune"
    return here, here
