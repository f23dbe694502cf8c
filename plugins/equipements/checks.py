"""The rules applied to a request's data before it is stored
(grc_validate_request): each message refuses the submission and nothing is
stored; a FieldError is shown next to its field. The form has already
checked every date, number and choice."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

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
            errors.append(FieldError("categorie", _("The price list of « %(facility)s » has no fee for this category "
                                                    "and this length.", facility=facility.name)))
    return errors


def _validate_season(data, commune, now) -> list:
    facility = find_facility(data.get("equipement") or "")
    if facility is None:
        return [unknown_facility(data.get("equipement") or "")]
    first, last = date.fromisoformat(data["premier_jour"]), date.fromisoformat(data["dernier_jour"])
    if last < first:
        return [FieldError("dernier_jour", _("The last day of the season is before the first."))]
    if (last - first).days >= SEASON_MAX_DAYS:
        return [FieldError("dernier_jour", _("A season lasts one year at most."))]
    if rules.parse_hhmm(data["heure_fin"]) <= rules.parse_hhmm(data["heure_debut"]):
        return [FieldError("heure_fin", _("The slot's end time must be after its start time."))]
    slots = season_slots(data, facility)
    if not slots:
        return [FieldError("jour", _("No slot on that day in the season (closures included)."))]
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
        return [FieldError("date_fin", _("The end of the loan must be after its start."))]
    if start < now:
        return [FieldError("date_debut", _("The start date is past."))]
    notice = setting(commune, NOTICE_DAYS)
    if local_date(now) > local(start).date() - timedelta(days=notice):
        return [FieldError("date_debut", ngettext(
            "Too late: a loan is requested at least %(num)d day in advance.",
            "Too late: a loan is requested at least %(num)d days in advance.", notice))]
    if data.get("mode") == "livraison" and not (data.get("lieu") or "").strip():
        return [FieldError("lieu", _("Give the delivery place."))]
    wanted, problems = parse_items(data.get("materiel"))
    problems += stock_problems(wanted, start, end)
    return [FieldError("materiel", p) for p in problems]


def _validate_buvette(data, now) -> list:
    start, _end = period_of(data)
    if start < now:
        return [FieldError("date_debut", _("The start date is past."))]
    decision = buvette_decision(data)
    return list(decision.reasons)
