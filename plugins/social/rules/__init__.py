"""Pure business rules of the social (CCAS / CIAS) plugin.

Everything here is a pure function of plain values (``datetime.date``, ``int``,
``Decimal``, ``bool``, ``StrEnum`` members, frozen dataclasses): no database, no
Flask.  Standard library only, plus the shared calendar helpers of
:mod:`grc_core.plugin_api` (the only ``grc_core`` import allowed here).

One module per procedure, every public name re-exported here (import from
``plugins.social.rules``, not from the modules): :mod:`.registre` (registre
des personnes vulnérables), :mod:`.domiciliation`, :mod:`.aide_facultative`,
:mod:`.aide_legale`, :mod:`.logement` (demande de logement social),
:mod:`.retention` (retention and RGPD answers); shared helpers in
:mod:`.common`.

Sources are the rows of ``shared/reference/domain_rules.md (the project's legal reference)`` (cited as
"§4.2 'Refusal'", i.e. section and the row's first cell), which themselves cite
the CASF / CRPA / RGPD articles.  Where a row is below confidence **A**, the
value is exposed as a parameter with a documented default, so that a commune
can correct it.

Date conventions (used by every function of the package)
--------------------------------------------------------
* **Months** are calendar months, computed by
  :func:`grc_core.plugin_api.add_months` only: same day number in the target
  month, clamped to the month's last day when that day does not exist
  (31 January + 1 month = 28 February, or 29 in a leap year).
  This is the rule of CPC art. 641 al. 2 ("à défaut d'un quantième identique,
  le délai expire le dernier jour du mois") and of EU reg. 1182/71 art. 3-2 c)
  for GDPR periods.  A year is 12 months.
* **Deadlines** ("within N months / days of X"): the day of X does not count,
  the period expires at the end of the day returned, which is therefore the
  *last day on which acting is on time* (CPC art. 640-641).  No shift to the
  next working day is applied (the administrative periods of §0 / §4 are not
  extended for week-ends or holidays here; a caller may shift if it wants).
* **Ends of periods** ("after 3 months without contact", "2 years after the
  last contact"): the functions return the *first day on which the
  consequence applies*, i.e. the day after the period expired.
* **Ages** are counted birthday to birthday with
  :func:`grc_core.plugin_api.birthday` / ``age_on`` (same month arithmetic), so a
  person born on 29 February has his birthday on **28 February** in non-leap
  years — the one convention of all plugins (interpretation, not in
  domain_rules.md; it is also the reading favourable to the applicant for the
  age-based eligibility of §4.3).
"""

from .common import Decision, is_overdue
from .registre import (
    ADULT_AGE, REGISTER_ACKNOWLEDGEMENT_DAYS, REGISTER_FIELDS, DisabilityBenefit, Eligibility, FieldCheck,
    RegisterFiler, RegisterQuality, check_opposition_date, check_register_fields, check_register_request,
    check_registration, prefect_export_allowed,
    register_acknowledgement_due, register_eligibility, register_entry_retained,
)
from .domiciliation import (
    DEFAULT_ABSENCE_WARNING_LEAD_DAYS, DOMICILIATION_ABSENCE_MONTHS, DOMICILIATION_ANSWER_MONTHS,
    DOMICILIATION_ORIENTATION, DOMICILIATION_REFUSAL_MOTIVE, DOMICILIATION_VALIDITY_MONTHS,
    STABLE_ADDRESS_REFUSAL, STABLE_ADDRESS_RENEWAL_REFUSAL, CRITERION_LABELS,
    CommuneLink, CommuneLinkCriterion, DomiciliationDecision, DomiciliationOutcome, DomiciliationRefusalGround,
    DomiciliationRequestState, DomiciliationStatus, check_domiciliation_refusal, commune_link,
    domiciliation_answer_due, domiciliation_decision, domiciliation_end_by_absence,
    domiciliation_request_state, domiciliation_status, domiciliation_validity_end,
    domiciliation_warning_date,
)
from .aide_facultative import (
    AidDecision, AidOutcome, AidRules, AidWindow, aid_window, check_aid, granted_in_window,
)
from .aide_legale import (
    LEGAL_AID_TRANSMISSION_MONTHS, Authority, LegalAidBenefit, deciding_authority,
    legal_aid_transmission_due,
)
from .logement import (
    DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS, LOGEMENT_REGISTRATION_MONTHS, LOGEMENT_RENEWAL_MONTHS,
    logement_radiation_date_if_not_renewed, logement_registration_due, logement_renewal_due,
    logement_renewal_reminder_date,
)
from .retention import (
    GDPR_ANSWER_MONTHS, GDPR_EXTENSION_MONTHS, SOCIAL_FILE_RETENTION_MONTHS, gdpr_answer_due,
    gdpr_extension_valid, social_file_anonymise_on,
)

__all__ = [
    # helpers (month and age arithmetic: grc_core.plugin_api)
    "is_overdue",
    "Decision",
    "ADULT_AGE",
    # registre des personnes vulnérables
    "RegisterQuality",
    "DisabilityBenefit",
    "Eligibility",
    "register_eligibility",
    "RegisterFiler",
    "check_register_request",
    "check_registration",
    "check_opposition_date",
    "REGISTER_FIELDS",
    "FieldCheck",
    "check_register_fields",
    "REGISTER_ACKNOWLEDGEMENT_DAYS",
    "register_acknowledgement_due",
    "prefect_export_allowed",
    "register_entry_retained",
    # domiciliation
    "CommuneLinkCriterion",
    "CRITERION_LABELS",
    "CommuneLink",
    "commune_link",
    "DOMICILIATION_REFUSAL_MOTIVE",
    "DOMICILIATION_ORIENTATION",
    "DomiciliationOutcome",
    "DomiciliationDecision",
    "DomiciliationRefusalGround",
    "STABLE_ADDRESS_REFUSAL",
    "STABLE_ADDRESS_RENEWAL_REFUSAL",
    "domiciliation_decision",
    "check_domiciliation_refusal",
    "DOMICILIATION_ANSWER_MONTHS",
    "domiciliation_answer_due",
    "DomiciliationRequestState",
    "domiciliation_request_state",
    "DOMICILIATION_VALIDITY_MONTHS",
    "domiciliation_validity_end",
    "DOMICILIATION_ABSENCE_MONTHS",
    "DEFAULT_ABSENCE_WARNING_LEAD_DAYS",
    "domiciliation_end_by_absence",
    "domiciliation_warning_date",
    "DomiciliationStatus",
    "domiciliation_status",
    # aide sociale facultative
    "AidWindow",
    "AidRules",
    "AidOutcome",
    "AidDecision",
    "aid_window",
    "granted_in_window",
    "check_aid",
    # aide sociale légale
    "LEGAL_AID_TRANSMISSION_MONTHS",
    "legal_aid_transmission_due",
    "LegalAidBenefit",
    "Authority",
    "deciding_authority",
    # logement social
    "LOGEMENT_REGISTRATION_MONTHS",
    "LOGEMENT_RENEWAL_MONTHS",
    "DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS",
    "logement_registration_due",
    "logement_renewal_due",
    "logement_renewal_reminder_date",
    "logement_radiation_date_if_not_renewed",
    # retention / RGPD
    "SOCIAL_FILE_RETENTION_MONTHS",
    "social_file_anonymise_on",
    "GDPR_ANSWER_MONTHS",
    "GDPR_EXTENSION_MONTHS",
    "gdpr_answer_due",
    "gdpr_extension_valid",
]
