"""The core's own processing activities, for the register (GDPR art. 30).

What every commune running GRC processes whatever its domains: the citizens'
requests and contacts, the agents' accounts and the audit log, the e-mails
sent. Each domain adds its own through ``grc_register_processing_activities``.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..plugin_api.types import DataCategory, ProcessingActivityDecl

ACTIVITIES = (
    ProcessingActivityDecl(
        "core.relation_citoyen", _l("Citizen relations: requests, reports and contacts"),
        purpose=_l("Receive, route and answer the requests, reports and questions of the inhabitants, "
                   "whatever the channel, and keep their history."),
        legal_basis="public_task",
        legal_reference=_l("Code des relations entre le public et l'administration, art. L112-1 to L112-15"),
        data_subjects=(_l("Inhabitants and users of the public services"),),
        data_categories=(
            DataCategory(_l("Identity and contact details")),
            DataCategory(_l("Content of the request and its attachments")),
            DataCategory(_l("Address or location of the report")),
        ),
        recipients=(_l("Agents of the service in charge"), _l("The mayor and the deputy mayors (figures only)")),
        retention=_l("As long as the request is processed, then as long as each domain's retention policy says; "
                     "requests without a domain are kept until the commune anonymises them."),
        transfers=_l("None outside the European Union."),
        security=_l("Access by service and role, confidential types restricted, every access to personal data "
                    "traced in the audit log."),
    ),
    ProcessingActivityDecl(
        "core.comptes_agents", _l("Agents' accounts and audit log"),
        purpose=_l("Manage who may use GRC and trace what each agent does with personal data."),
        legal_basis="legal_obligation",
        legal_reference=_l("GDPR art. 32 (security of processing)"),
        data_subjects=(_l("Agents and elected officials of the commune"),),
        data_categories=(DataCategory(_l("Identity, professional e-mail, role and services")),
                         DataCategory(_l("Connection and action logs"))),
        recipients=(_l("Administrators of the commune"),),
        retention=_l("Account: while the agent works for the commune. Audit log: kept by the commune "
                     "as its security policy says."),
        transfers=_l("None outside the European Union."),
    ),
    ProcessingActivityDecl(
        "core.courriels", _l("E-mails to citizens"),
        purpose=_l("Acknowledge each request and tell the citizen when its status changes."),
        legal_basis="public_task",
        legal_reference=_l("Code des relations entre le public et l'administration, art. L112-3 (acknowledgement "
                           "of receipt)"),
        data_subjects=(_l("Citizens who gave an e-mail address"),),
        data_categories=(DataCategory(_l("E-mail address, name, reference and status of the request")),),
        recipients=(_l("The commune's mail server"),),
        retention=_l("Removed with the request when it is anonymised."),
        transfers=_l("None outside the European Union."),
    ),
)
