"""rules.py applied to a request's data before it is stored (grc_validate_request):
each message refuses the submission and nothing is stored."""
from __future__ import annotations

from datetime import date

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
        where = existing.school.name if existing.school else "école à affecter"
        errors.append(f"L'enfant est déjà inscrit pour l'année {existing.school_year.label} ({where}) : "
                      "pour un déménagement, faites une demande de changement d'école.")
    if code == CHANGEMENT and known_enrolment(data) is None:
        errors.append("Aucune inscription de cet enfant pour cette année scolaire dans la commune : pour un enfant "
                      "qui arrive d'une autre commune, faites une inscription scolaire.")
    if code == CHANGEMENT:
        try:
            moved = date.fromisoformat(data.get("date_demenagement") or "")
        except ValueError:
            moved = None
        if moved and moved > today and (moved - today).days > 90:
            errors.append("La date du déménagement est trop lointaine : déposez la demande dans les trois mois "
                          "qui précèdent.")
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
        errors.append(f"L'école demandée « {data.get('ecole_demandee')} » n'est pas une école de la commune"
                      + (f" (écoles : {names})." if names else "."))
    if scope == "entrante" and not (data.get("commune_residence") or "").strip():
        errors.append("Indiquez la commune de résidence de l'enfant.")
    if scope == "sortante" and not (data.get("commune_ecole") or "").strip():
        errors.append("Indiquez la commune de l'école demandée.")
    return errors


def _validate_activities(data) -> list[str]:
    kinds = activities_requested(data)
    if not kinds:
        return ["Cochez au moins un service : restauration scolaire, accueil du matin, du soir ou du mercredi."]
    enrolment = known_enrolment(data)
    if enrolment is None or enrolment.school_id is None:
        return ["L'enfant n'a pas d'inscription scolaire dans une école de la commune pour cette année : "
                "faites d'abord l'inscription scolaire."]
    return capacity_problems(enrolment, kinds)


def _validate_radiation(data) -> list[str]:
    if known_enrolment(data) is None:
        return ["Aucune inscription de cet enfant pour cette année scolaire : vérifiez le nom, la date de naissance "
                "et l'année."]
    return []
