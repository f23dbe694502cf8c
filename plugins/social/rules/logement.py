"""Demande de logement social (cerfa 14069): registration, renewal, reminder, radiation (§4.4)."""

from __future__ import annotations

import datetime as _dt

from grc_core.plugin_api import add_months

from .common import _require_date


LOGEMENT_REGISTRATION_MONTHS = 1
"""§4.4 'Registration': numéro unique within 1 month (conf. B)."""

LOGEMENT_RENEWAL_MONTHS = 12
"""§4.4 'Renewal': every year (conf. B)."""

DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS = 1
"""Default lead of the renewal reminder: 1 month before the renewal date.

Not in §4.4 (which only says "renew every year"); a project default matching
the usual national-system practice of a reminder one month before expiry
(CCH R441-2-8, not read — conf. ?).  Overridable per call.
"""


def logement_registration_due(deposited_on: _dt.date) -> _dt.date:
    """Last day to issue the attestation with the numéro unique.

    Source: §4.4 'Registration' — within **1 month** of the deposit of a
    complete cerfa 14069 (only an ID / residence permit is required).
    """
    return add_months(_require_date(deposited_on, "deposited_on"), LOGEMENT_REGISTRATION_MONTHS)


def logement_renewal_due(last_registration_or_renewal_on: _dt.date) -> _dt.date:
    """Last day on which the request must be renewed.

    Source: §4.4 'Renewal' — every year, 1 year after the first request
    (date of first deposit, shown on the attestation) or the last renewal.
    29 February 2024 → 28 February 2025.
    """
    return add_months(
        _require_date(last_registration_or_renewal_on, "last_registration_or_renewal_on"),
        LOGEMENT_RENEWAL_MONTHS,
    )


def logement_renewal_reminder_date(
    last_registration_or_renewal_on: _dt.date,
    *,
    lead_months: int = DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS,
) -> _dt.date:
    """Date to send the renewal reminder: ``lead_months`` before the renewal date.

    Source: §4.4 'Renewal' (yearly renewal); the lead is a setting, default
    :data:`DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS` = 1.  Raises ``ValueError``
    for a lead outside 0–11 months.
    """
    if isinstance(lead_months, bool) or not isinstance(lead_months, int):
        raise ValueError("lead_months must be an int between 0 and 11")
    if not 0 <= lead_months < 12:
        raise ValueError("lead_months must be an int between 0 and 11")
    return add_months(logement_renewal_due(last_registration_or_renewal_on), -lead_months)


def logement_radiation_date_if_not_renewed(last_registration_or_renewal_on: _dt.date) -> _dt.date:
    """Date of radiation (and loss of seniority) if the request is not renewed.

    Source: §4.4 'Renewal' — not renewed within the year → **radiation**.  It
    is the day after :func:`logement_renewal_due`.
    """
    return logement_renewal_due(last_registration_or_renewal_on) + _dt.timedelta(days=1)
