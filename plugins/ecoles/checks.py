"""rules.py applied to a request's data before it is stored (grc_validate_request):
each message refuses the submission and nothing is stored."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import db

from .models import School
from .request_types import CHANGEMENT, DEROGATION, INSCRIPTION, RADIATION, RESTAURATION
from .services import activities_requested, capacity_problems, find_school, known_enrolment, level_for_form


def validate(code: str, data, today: date) -> list[str]:
    """``today``: the day of the submission, on the engine's clock."""
    if code in (INSCRIPTION, CHANGEMENT):
        return _validate_inscription(code, data, today)
    if code == DEROGATION:
        return _validate_derogation(data)
    if code == RESTAURATION:
        return _validate_activities(data)
    if code == RADIATION:
        return _validate_radiation(data)
    return []


def _validate_inscription(code, data, today: date) -> list[str]:
    errors = []
    level, reason = level_for_form(data)
    if level is None and reason:
        errors.append(reason)
    existing = known_enrolment(data) if code == INSCRIPTION else None
    if existing is not None:
        where = existing.school.name if existing.school else _("school to be assigned")
        errors.append(_("The child is already enrolled for the year %(year)s (%(school)s): for a move, file a "
                        "change of school.", year=existing.school_year.label, school=where))
    if code == CHANGEMENT and known_enrolment(data) is None:
        errors.append(_("No enrolment of this child for this school year in the commune: for a child arriving "
                        "from another commune, file a school enrolment."))
    if code == CHANGEMENT:
        try:
            moved = date.fromisoformat(data.get("date_demenagement") or "")
        except ValueError:
            moved = None
        if moved and moved > today and (moved - today).days > 90:
            errors.append(_("The moving date is too far away: file the request within the three months "
                            "before it."))
    return errors


def _validate_derogation(data) -> list[str]:
    errors = []
    scope = data.get("perimetre")
    level, reason = level_for_form({**data, "toute_petite_section": True})
    if level is None and reason:
        errors.append(reason)
    if scope in ("intra", "entrante") and find_school(data.get("ecole_demandee") or "") is None:
        names = ", ".join(s.name for s in db.session.scalars(select(School).where(School.active.is_(True))
                                                              .order_by(School.name)))
        asked = data.get("ecole_demandee")
        errors.append(_("The school requested « %(school)s » is not a school of the commune (schools: %(names)s).",
                        school=asked, names=names) if names
                      else _("The school requested « %(school)s » is not a school of the commune.", school=asked))
    if scope == "entrante" and not (data.get("commune_residence") or "").strip():
        errors.append(_("Give the child's commune of residence."))
    if scope == "sortante" and not (data.get("commune_ecole") or "").strip():
        errors.append(_("Give the commune of the school requested."))
    return errors


def _validate_activities(data) -> list[str]:
    kinds = activities_requested(data)
    if not kinds:
        return [_("Tick at least one service: school meals, morning, evening or Wednesday care.")]
    enrolment = known_enrolment(data)
    if enrolment is None or enrolment.school_id is None:
        return [_("The child has no school enrolment in a school of the commune for this year: file the school "
                  "enrolment first.")]
    return capacity_problems(enrolment, kinds)


def _validate_radiation(data) -> list[str]:
    if known_enrolment(data) is None:
        return [_("No enrolment of this child for this school year: check the name, the date of birth and the "
                  "year.")]
    return []
