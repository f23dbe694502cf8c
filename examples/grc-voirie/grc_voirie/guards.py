"""rules/ applied to a transition (grc_check_transition), on the engine's clock."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from grc_core.plugin_api import FieldError, local_date

from . import rules


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def check(transition, fields, now) -> list | None:
    if transition.code != "planifier" or not fields.get("date_intervention"):
        return None
    # ``now``: when the transition is applied (a test or `grc tick --now` sets it), never the system clock.
    today = local_date(now)
    if rules.intervention_too_early(as_date(fields["date_intervention"]), today):
        return [FieldError("date_intervention", _("Plan the intervention for today or a later day."))]
    return []
