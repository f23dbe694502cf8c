"""A moment of a booking as the reader writes it: « 19/06/2027 à 10:00 » in
French, the day and the time in the reader's language otherwise (Babel)."""
from __future__ import annotations

from datetime import datetime

from flask_babel import format_date, format_time
from flask_babel import gettext as _


def moment_text(moment: datetime) -> str:
    return _("%(day)s at %(time)s", day=format_date(moment, "short"), time=format_time(moment, "HH:mm"))
