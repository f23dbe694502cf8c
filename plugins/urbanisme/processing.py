"""The register of processing activities (GDPR art. 30): what the town
planning domain processes, on which legal ground, for how long."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import DataCategory, ProcessingActivityDecl

ACTIVITIES = (
    ProcessingActivityDecl(
        "urbanisme.autorisations", _l("Examination of planning applications"),
        purpose=_l("Register, examine and decide on building permits, prior declarations and certificates, "
                   "and answer the related questions."),
        legal_basis="legal_obligation",
        legal_reference=_l("Code de l'urbanisme, art. L421-1 to L427-2 and R423-1 to R424-24"),
        data_subjects=(_l("Applicants and holders of authorisations"), _l("Architects and representatives")),
        data_categories=(DataCategory(_l("Identity and contact details of the applicant (SIRET for a company)")),
                         DataCategory(_l("Address and cadastral references of the land")),
                         DataCategory(_l("Description of the project and plans"))),
        recipients=(_l("The town planning service and the mayor"),
                    _l("Consulted bodies (Architecte des Bâtiments de France, network operators, State "
                       "services)"),
                    _l("The public: display of the decision on the land and in the town hall (C. urb. R424-15)")),
        retention=_l("Kept as public archives (Code du patrimoine, book II): the files are not anonymised by "
                     "GRC."),
        transfers=_l("None outside the European Union."),
    ),
)
