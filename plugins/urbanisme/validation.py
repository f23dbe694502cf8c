"""What the intake form cannot check alone (grc_validate_request): messages the user reads, nothing stored."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from .dossier import parse_parcels, today
from .request_types import BY_CODE
from .rules import Procedure

EARLIEST_DEPOSIT = date(2000, 1, 1)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def validate(request_type, data: dict) -> list[str] | None:
    kind = BY_CODE.get(request_type.code)
    if kind is None:
        return None
    errors: list[str] = []
    now = today()
    deposit = _date(data.get("date_depot"))
    if deposit is not None and deposit > now:
        errors.append(_("The deposit date cannot be in the future."))
    if deposit is not None and deposit < EARLIEST_DEPOSIT:
        errors.append(_("The deposit date is too old to be a file still under instruction."))
    if "parcelles" in data and data.get("parcelles"):
        parcels = parse_parcels(data["parcelles"])
        if not parcels:
            errors.append(_("Cadastral references must give a section and a number for each parcel, "
                            "separated by commas, for example: AB 123, AB 124."))
    if data.get("demandeur_type") == "societe":
        siret = re.sub(r"\s", "", data.get("siret") or "")
        if not re.fullmatch(r"[0-9]{14}", siret):
            errors.append(_("A company must give its SIRET number (14 digits)."))
    for name in ("date_achevement", "date_ouverture"):
        value = _date(data.get(name))
        if value is not None and value > now:
            errors.append(_("The date of the works cannot be in the future."))
    if kind.procedure is Procedure.DAACT and deposit and _date(data.get("date_achevement")) \
            and _date(data["date_achevement"]) > deposit:
        errors.append(_("The works must be completed before the DAACT is filed."))
    return errors

