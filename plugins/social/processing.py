"""The register of processing activities (GDPR art. 30): what the CCAS
processes, on which legal ground, for how long — under professional
secrecy."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import DataCategory, ProcessingActivityDecl

from .retention import FILES, REGISTER

SECRECY = _l("Professional secrecy (CASF, art. L133-5): only agents holding the « social.read » permission read "
             "the files; every read is traced in the audit log.")

ACTIVITIES = (
    ProcessingActivityDecl(
        "social.aide_sociale", _l("Social assistance files of the CCAS"),
        purpose=_l("Receive and examine requests for social assistance (legal and optional), prepare the "
                   "committee's decisions and follow the people helped."),
        legal_basis="legal_obligation",
        legal_reference=_l("Code de l'action sociale et des familles (CASF), art. L123-5, L123-6 and R123-1 "
                           "to R123-9"),
        data_subjects=(_l("Applicants for social assistance and the members of their household"),),
        data_categories=(DataCategory(_l("Identity, family situation, address")),
                         DataCategory(_l("Resources, charges and social benefits")),
                         DataCategory(_l("Health and disability, when the assistance requires it"), special=True)),
        special_basis=_l("GDPR art. 9(2)(b) (social protection law) and (h) (social care), under professional "
                         "secrecy"),
        recipients=(_l("Authorised CCAS agents"), _l("The CCAS board of directors (anonymised files)"),
                    _l("The département and social security bodies, for legal assistance")),
        retention=_l("Two years after the last contact, then anonymised."),
        retention_policy=FILES,
        transfers=_l("None outside the European Union."),
        security=SECRECY,
    ),
    ProcessingActivityDecl(
        "social.registre_vulnerables", _l("Register of vulnerable persons (heatwave, cold spell, emergencies)"),
        purpose=_l("Contact the elderly and disabled persons living at home who asked to be registered, when the "
                   "prefect triggers the emergency plan."),
        legal_basis="public_task",
        legal_reference=_l("CASF, art. L121-6-1 and R121-2 to R121-12"),
        data_subjects=(_l("Persons aged 65 or more, or disabled, living at home, who asked to be registered"),),
        data_categories=(DataCategory(_l("Identity, address, telephone, persons to contact")),
                         DataCategory(_l("Age or disability, services that help at home"), special=True)),
        special_basis=_l("GDPR art. 9(2)(a): registration at the request of the person or their representative, "
                         "who may leave the register at any time"),
        recipients=(_l("Authorised CCAS agents"), _l("The prefect, on request, when the emergency plan is "
                                                     "triggered")),
        retention=_l("Until the person leaves the register; the closed request is anonymised the day it "
                     "closes."),
        retention_policy=REGISTER,
        transfers=_l("None outside the European Union."),
        security=SECRECY,
    ),
)
