"""The register of processing activities (GDPR art. 30): what the civil
status domain processes, on which legal ground, for how long."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import DataCategory, ProcessingActivityDecl

from .retention import CODE as COPIES_POLICY

ACTIVITIES = (
    ProcessingActivityDecl(
        "etat_civil.registres", _l("Keeping of the civil status registers and delivery of copies and extracts"),
        purpose=_l("Draw up births, marriages, civil partnerships and deaths in the registers, update them with "
                   "the marginal notes, and deliver copies and extracts to those the law allows."),
        legal_basis="legal_obligation",
        legal_reference=_l("Code civil, art. 34 to 101; décret 2017-890 of 6 May 2017 on civil status"),
        data_subjects=(_l("Persons whose act is drawn up, their parents and spouses"),
                       _l("Persons asking for a copy or an extract")),
        data_categories=(DataCategory(_l("Identity, filiation, marital status")),
                         DataCategory(_l("Dates and places of birth, marriage and death")),
                         DataCategory(_l("Quality of the requester and proof of it"))),
        recipients=(_l("The civil status officers of the commune"), _l("The public prosecutor (control of the "
                    "registers)"), _l("The persons entitled to a copy (décret 2017-890, art. 30)")),
        retention=_l("The registers are kept for ever (public archives). Requests for copies: one year after "
                     "closure."),
        retention_policy=COPIES_POLICY,
        transfers=_l("None outside the European Union."),
    ),
)
