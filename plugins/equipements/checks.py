"""The rules applied to a request's data before it is stored
(grc_validate_request): each message refuses the submission and nothing is
stored; a FieldError is shown next to its field. The form has already
checked every date, number and choice."""
from __future__ import annotations

from datetime import date, timedelta

from grc_core.plugin_api import FieldError, local_date

from . import rules
from .request_types import BUVETTE, CRENEAUX, PRET, RESERVATION
from .services import (
    NOTICE_DAYS, SEASON_MAX_DAYS, booking_problems, buvette_decision, find_facility, local, parse_items, period_of,
    quote, season_slots, setting, stock_problems, unknown_facility,
)


def validate(code: str, data, commune, now) -> list:
    if code == RESERVATION:
        return _validate_reservation(data, commune, now)
    if code == CRENEAUX:
        return _validate_season(data, commune, now)
    if code == PRET:
        return _validate_loan(data, commune, now)
    if code == BUVETTE:
        return _validate_buvette(data, now)
    return []


def _validate_reservation(data, commune, now) -> list:
    facility = find_facility(data.get("equipement") or "")
    if facility is None:
        return [unknown_facility(data.get("equipement") or "")]
    start, end = period_of(data)
    errors = booking_problems(facility, start, end, data.get("participants"), now, commune, data.get("categorie"))
    if not errors:
        try:
            quote(facility, data.get("categorie"), start, end)
        except ValueError:
            errors.append(FieldError("categorie", f"La grille tarifaire de « {facility.name} » n'a pas de tarif pour "
                                                  "cette catégorie et cette durée."))
    return errors


def _validate_season(data, commune, now) -> list:
    facility = find_facility(data.get("equipement") or "")
    if facility is None:
        return [unknown_facility(data.get("equipement") or "")]
    first, last = date.fromisoformat(data["premier_jour"]), date.fromisoformat(data["dernier_jour"])
    if last < first:
        return [FieldError("dernier_jour", "Le dernier jour de la saison précède le premier.")]
    if (last - first).days >= SEASON_MAX_DAYS:
        return [FieldError("dernier_jour", "Une saison dure un an au plus.")]
    if rules.parse_hhmm(data["heure_fin"]) <= rules.parse_hhmm(data["heure_debut"]):
        return [FieldError("heure_fin", "L'heure de fin du créneau doit être après l'heure de début.")]
    slots = season_slots(data, facility)
    if not slots:
        return [FieldError("jour", "Aucun créneau ce jour-là dans la saison (fermetures comprises).")]
    errors = []
    for problem in rules.check_booking(rules.BookingInput(
            start=local(slots[0][0]), end=local(slots[0][1]), now=local(now), attendance=data.get("participants"),
            capacity=facility.capacity, opening=facility.opening(), notice_days=setting(commune, NOTICE_DAYS),
            facility=f"« {facility.name} »")):
        field = {"start": "premier_jour", "end": "heure_fin", "attendance": "participants"}[problem.field]
        errors.append(FieldError(field, problem.message))
    return errors


def _validate_loan(data, commune, now) -> list:
    start, end = period_of(data)
    if end <= start:
        return [FieldError("date_fin", "La fin du prêt doit être après son début.")]
    if start < now:
        return [FieldError("date_debut", "La date de début est passée.")]
    notice = setting(commune, NOTICE_DAYS)
    if local_date(now) > local(start).date() - timedelta(days=notice):
        return [FieldError("date_debut", f"Trop tard : un prêt se demande au moins {notice} jours à l'avance.")]
    if data.get("mode") == "livraison" and not (data.get("lieu") or "").strip():
        return [FieldError("lieu", "Indiquez le lieu de livraison.")]
    wanted, problems = parse_items(data.get("materiel"))
    problems += stock_problems(wanted, start, end)
    return [FieldError("materiel", p) for p in problems]


def _validate_buvette(data, now) -> list:
    start, _end = period_of(data)
    if start < now:
        return [FieldError("date_debut", "La date de début est passée.")]
    decision = buvette_decision(data)
    return list(decision.reasons)
