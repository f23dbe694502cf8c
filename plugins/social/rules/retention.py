"""Retention of social files and answers to RGPD requests (§5)."""

from __future__ import annotations

import datetime as _dt

from grc_core.plugin_api import LocalDate, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import Decision, is_overdue, _require_date


SOCIAL_FILE_RETENTION_MONTHS = 24
"""§5.3 'Social / médico-social support files': 2 years from the last contact."""


def social_file_anonymise_on(last_contact_on: _dt.date) -> _dt.date:
    """First day on which a social file must be anonymised (or archived).

    Source: §5.3 'Social / médico-social support files' — active base
    **2 years from the last contact** (CNIL référentiel, délib. 2023-095).
    The file may be kept through last contact + 2 years (:func:`add_months`)
    and is anonymised the day after: last contact 10 March 2023 → kept through
    10 March 2025, anonymised on 11 March 2025.  Intermediate archiving for a
    legal obligation / probative need is the caller's decision.  The register
    of vulnerable persons follows :func:`register_entry_retained` instead.
    """
    _require_date(last_contact_on, "last_contact_on")
    last_day = add_months(last_contact_on, SOCIAL_FILE_RETENTION_MONTHS)
    return last_day + _dt.timedelta(days=1)


GDPR_ANSWER_MONTHS = 1
"""§5.1 'Response delay': 1 month (RGPD art. 12.3, conf. A)."""

GDPR_EXTENSION_MONTHS = 2
"""§5.1 'Response delay': extendable by 2 months (RGPD art. 12.3, conf. A)."""


def gdpr_answer_due(received_on: _dt.date, extended: bool = False) -> _dt.date:
    """Last day to answer a data-subject request (access, rectification…).

    Source: §5.1 'Response delay' (RGPD art. 12.3): **1 month** from receipt;
    if ``extended``, **2 more months**.  The extended deadline is computed as
    3 months from receipt in one :func:`add_months` step (not 1 + 2, which
    would carry a February clamping over): received 31 January 2025 → 28
    February 2025, extended → 30 April 2025.  The extension is valid only if
    the person was told within the first month (:func:`gdpr_extension_valid`).
    """
    months = GDPR_ANSWER_MONTHS + (GDPR_EXTENSION_MONTHS if extended else 0)
    return add_months(_require_date(received_on, "received_on"), months)


def gdpr_extension_valid(received_on: _dt.date, notified_on: _dt.date) -> Decision:
    """Whether the 2-month extension may be used, given when the person was told.

    Source: §5.1 'Response delay' (RGPD art. 12.3): the person must be
    informed of the extension, with its reasons, **within the first month**
    (on or before :func:`gdpr_answer_due` without extension).
    """
    due = gdpr_answer_due(received_on)
    if is_overdue(due, notified_on):
        return Decision(
            False,
            _l("Extension impossible: the person had to be told of the extension and its reasons no later than "
               "%(day)s (RGPD art. 12.3).", day=LocalDate(due)),
        )
    return Decision(
        True,
        _l("Two-month extension valid: the person was told within the first month; answer due no later than "
           "%(day)s (RGPD art. 12.3).", day=LocalDate(gdpr_answer_due(received_on, extended=True))),
    )
