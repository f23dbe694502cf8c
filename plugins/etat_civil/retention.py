"""Retention (DR §5.3): requests for copies of acts are kept one year after
closure (décret 2017-890, art. 29), then anonymised through the core's
request anonymiser. What the indicators count (act, document, quality,
delivery mode, states and dates) is kept; names, addresses and messages go."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import RetentionPolicyDecl, anonymise_requests, closed_requests_due

from .request_types import COPY_TYPES

CODE = "etat_civil.demandes_copies"
KEEP_FIELDS = ("acte", "document", "qualite", "delivrance")


def candidates(commune, today: date):
    # Due the day after closure + 1 year, as rules.copy_request_anonymisable_from (tested to agree).
    return closed_requests_due(COPY_TYPES, today, months=12, days=1)


def anonymise(commune, keys) -> int:
    return anonymise_requests(keys, keep_fields=KEEP_FIELDS, policy=CODE)


POLICIES = (
    RetentionPolicyDecl(
        CODE, _l("Requests for copies of civil status acts"),
        _l("Anonymised one year after closure (décret 2017-890, art. 29): the act, document and requester's "
           "quality are kept for statistics; names, addresses and messages are removed."),
        candidates=candidates, anonymise=anonymise),
)
