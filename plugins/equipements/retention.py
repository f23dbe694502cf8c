"""RGPD: a closed booking, loan or drinks-stand request keeps its personal
data ``equipements.conservation_mois`` months (default 24: the season after,
and the disputes over a deposit) — no CNIL référentiel exists for them
(domain_rules §5.3: "make it configurable per plugin"). Then the request is
anonymised by the core's tool, and the plugin's rows lose what names a
person (organiser, inspections, insurance, convention); the calendar, the
amounts and the counts of the dashboards stay.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import RetentionPolicyDecl, anonymise_requests, closed_requests_due, db

from .models import Booking, Buvette, Loan
from .request_types import TYPES
from .settings import KEEP_MONTHS, setting

POLICY = "equipements.demandes"


def due(commune, today):
    return closed_requests_due(TYPES, today, months=setting(commune, KEEP_MONTHS))


def anonymise(commune, keys) -> int:
    changed = anonymise_requests(keys, keep_fields=("equipement", "categorie", "participants"), policy=POLICY)
    ids = [int(key) for key in keys]
    for booking in db.session.scalars(select(Booking).where(Booking.request_id.in_(ids))):
        booking.citizen_id = None
        booking.organiser = booking.insurance_reference = booking.deposit_reason = ""
        booking.entry_inspection = booking.exit_inspection = ""
        booking.convention_pdf = None
    for loan in db.session.scalars(select(Loan).where(Loan.request_id.in_(ids))):
        loan.citizen_id = None
        loan.place = loan.return_notes = ""
    for buvette in db.session.scalars(select(Buvette).where(Buvette.request_id.in_(ids))):
        buvette.association = ""
    return changed


def policies() -> list[RetentionPolicyDecl]:
    return [RetentionPolicyDecl(
        POLICY, _l("Bookings, equipment loans and refreshment bars"),
        _l("Anonymised 24 months (adjustable) after the request is closed; the calendar and the amounts are kept."),
        candidates=due, anonymise=anonymise)]
