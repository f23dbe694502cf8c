"""The register of processing activities (GDPR art. 30): what the schools
domain processes, on which legal ground, for how long."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import DataCategory, ProcessingActivityDecl

ACTIVITIES = (
    ProcessingActivityDecl(
        "ecoles.inscriptions", _l("School enrolment and list of the children subject to compulsory schooling"),
        purpose=_l("Enrol the children in the commune's schools, assign them a school, and draw up the list of "
                   "the children of school age living in the commune."),
        legal_basis="legal_obligation",
        legal_reference=_l("Code de l'éducation, art. L131-5 (enrolment by the mayor) and L131-6 (list of the "
                           "children subject to compulsory schooling)"),
        data_subjects=(_l("Children of school age and their legal guardians"),),
        data_categories=(DataCategory(_l("Identity and date of birth of the child")),
                         DataCategory(_l("Identity, address and contact details of the legal guardians")),
                         DataCategory(_l("Family quotient, for the rates of school services"))),
        recipients=(_l("School heads"), _l("The academic director of national education services (DASEN)"),
                    _l("The family allowance fund, for the list of children (L131-6)")),
        retention=_l("Enrolment: schooling in the commune. Family quotient: removed two years after the end of "
                     "the school year."),
        retention_policy="ecoles.quotients",
        transfers=_l("None outside the European Union."),
    ),
)
