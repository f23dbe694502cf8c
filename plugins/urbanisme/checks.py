"""What the intake form cannot check alone (grc_validate_request): messages the user reads next to the
field they are about, nothing stored."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from grc_core.plugin_api import FieldError

from .dossier import parse_parcels
from .linking import follow_up_errors
from .request_types import BY_CODE, FOLLOW_UPS
from .rules import Procedure

EARLIEST_DEPOSIT = date(2000, 1, 1)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def validate(request_type, data: dict, commune, today: date) -> list[FieldError] | None:
    """``today``: the day of the submission, on the engine's clock."""
    kind = BY_CODE.get(request_type.code)
    if kind is None:
        return None
    errors: list[FieldError] = []
    deposit = _date(data.get("date_depot"))
    if deposit is not None and deposit > today:
        errors.append(FieldError("date_depot", _("The deposit date cannot be in the future.")))
    if deposit is not None and deposit < EARLIEST_DEPOSIT:
        errors.append(FieldError("date_depot", _("The deposit date is too old to be a file still under "
                                                 "instruction.")))
    if "parcelles" in data and data.get("parcelles"):
        parcels = parse_parcels(data["parcelles"])
        if not parcels:
            errors.append(FieldError("parcelles", _("Cadastral references must give a section and a number for "
                                                    "each parcel, separated by commas, for example: AB 123, "
                                                    "AB 124.")))
    if data.get("demandeur_type") == "societe":
        siret = re.sub(r"\s", "", data.get("siret") or "")
        if not re.fullmatch(r"[0-9]{14}", siret):
            errors.append(FieldError("siret", _("A company must give its SIRET number (14 digits).")))
    for name in ("date_achevement", "date_ouverture"):
        value = _date(data.get(name))
        if value is not None and value > today:
            errors.append(FieldError(name, _("The date of the works cannot be in the future.")))
    if kind.procedure is Procedure.DAACT and deposit and _date(data.get("date_achevement")) \
            and _date(data["date_achevement"]) > deposit:
        errors.append(FieldError("date_achevement", _("The works must be completed before the DAACT is filed.")))
    if kind.procedure in FOLLOW_UPS and data.get("autorisation_initiale"):
        errors += [FieldError("autorisation_initiale", message)
                   for message in follow_up_errors(kind.procedure, data, commune.id, deposit or today)]
    return errors

