"""The register of processing activities (GDPR art. 30): what the facilities
domain processes, on which legal ground, for how long."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import DataCategory, ProcessingActivityDecl

ACTIVITIES = (
    ProcessingActivityDecl(
        "equipements.reservations", _l("Booking of municipal facilities, equipment loans and temporary drinks stands"),
        purpose=_l("Manage the use of municipal premises and equipment by residents, associations and services: "
                   "bookings, conventions, deposits, inspections, loans, and the mayor's authorisations of "
                   "temporary drinks stands."),
        legal_basis="public_task",
        legal_reference=_l("CGCT L2144-3 (use of municipal premises); CG3P L2125-1 (fee); Code de la santé "
                           "publique L3334-2 and L3335-4 (temporary drinks stands)"),
        data_subjects=(_l("Users of the facilities and their representatives"), _l("Associations' officers")),
        data_categories=(DataCategory(_l("Identity and contact details")),
                         DataCategory(_l("Association, purpose of the event, expected attendance")),
                         DataCategory(_l("Insurance, fee and deposit")),
                         DataCategory(_l("Inspections of the premises on entry and exit"))),
        recipients=(_l("Facilities service"), _l("The mayor, for the authorisations"),
                    _l("The public treasury, for fees and deposits")),
        retention=_l("Closed requests: anonymised 24 months (setting) after they are closed."),
        retention_policy="equipements.demandes",
        transfers=_l("None outside the European Union."),
    ),
)
