"""rules/ applied to a report's form data (grc_validate_request)."""
from __future__ import annotations

from flask_babel import gettext as _

from grc_core.plugin_api import FieldError

from . import rules
from .request_types import SIGNALEMENT


def validate(request_type, data) -> list | None:
    if request_type.code != SIGNALEMENT:
        return None
    width = data.get("largeur_cm")
    if rules.pothole_width_missing(data.get("nature", ""), int(width) if width not in (None, "") else None):
        # Shown next to the width field, the rest of the form kept.
        return [FieldError("largeur_cm", _("Give the width of the pothole: at least %(cm)d cm.",
                                           cm=rules.MIN_POTHOLE_WIDTH_CM))]
    return []
