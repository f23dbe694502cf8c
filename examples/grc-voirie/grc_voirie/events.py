"""What the voirie does when a report moves (grc_request_transitioned)."""
from __future__ import annotations

from datetime import date


def transitioned(request, transition, fields) -> None:
    if transition.code != "planifier":
        return
    planned = fields["date_intervention"]
    # The plugin's own data on the request: a key named voirie_…, shown by the request panel.
    # A new dict: the JSON column only notices assignments. The engine commits.
    request.data = {**(request.data or {}),
                    "voirie_intervention_le": planned.isoformat() if isinstance(planned, date) else str(planned)}
