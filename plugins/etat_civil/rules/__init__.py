"""Pure legal rules of the « état civil » plugin.

Every function here is a pure function of plain values (strings / ``StrEnum``
members, :class:`datetime.date`, ``int``, ``bool``, frozen dataclasses).  No
database, no Flask, no request context.  Only the standard library and the
shared calendar helpers of :mod:`grc_core.plugin_api` (months, ages, public
holidays — the only ``grc_core`` import allowed here).  Forms, workflows and
timers call these functions; settings of a commune are passed as keyword
arguments (fields of :class:`EligibilityInput` for the copies and
extracts).

One module per procedure, every public name re-exported here (import from
``plugins.etat_civil.rules``, not from the modules): :mod:`.actes` (documents
of an act, content and retention of a request), :mod:`.eligibility` (who may
obtain which document), :mod:`.mariage` (bans, celebration, pieces of a
marriage or PACS file), :mod:`.recensement`, :mod:`.naissance` (birth
declaration), :mod:`.changement_nom`, :mod:`.livret_famille`; shared helpers
(outcome type, dates) in :mod:`.common`.

Each docstring cites its legal source and the paragraph of
``shared/reference/domain_rules.md`` (written "DR §x.y") it implements.  Where
DR marks a rule "?" (not confirmed), the rule is a keyword parameter whose
default is documented, so that a commune setting can override it.

Conventions used throughout (see also the module README):

* **Day-counted delays** (« dans les N jours de… », « avant le Ne jour depuis et
  non compris celui de… »): the day of the triggering event is not counted
  (dies a quo non computatur, as in C. proc. civ. art. 641 al. 1).
* **Month/year-counted delays**: computed from date to date with
  :func:`grc_core.plugin_api.add_months` / ``add_years``; when the target month
  has no such day the delay ends on the last day of that month (31 January +
  1 month = 28/29 February), as in C. proc. civ. art. 641 al. 2.
* « au moins N mois », « ne pas dater de plus de N mois », « au plus tôt N mois
  après »: the date that bears the same day number N months later is
  *accepted* (the period is then complete).
* « à l'expiration d'un délai de N ans », « conservées pendant N ans »: the delay
  expires at the end of the day bearing the same number, so the new state
  (communicable, anonymisable…) starts **the day after**.
* **Ages** are reached on the birthday (:func:`grc_core.plugin_api.birthday` /
  ``age_on``).  A person born on 29 February reaches an age, in a non-leap
  year, on **28 February** — the last day of the month stands for the missing
  29th, the rule of C. proc. civ. art. 641 al. 2 used for every delay in
  years; one convention for all plugins.  Thresholds of this module:
  recensement at 16/25, consent at 13, majority at 18.
* **Working days** (birth declaration): Saturdays, Sundays and the public
  holidays of :func:`grc_core.plugin_api.is_working_day`, i.e. the ``holidays``
  package (``holidays.France``), not a hand-written list.
"""

from .common import Eligibility
from .actes import (
    REQUESTER_FIELDS, ActKind, DocumentKind, RequestChannel, RequestField, available_documents,
    copy_request_anonymisable_from, copy_request_may_be_anonymised, copy_request_retention_ends_on,
    required_fields,
)
from .eligibility import (
    ARCHIVES_AFTER_DEATH_YEARS, ARCHIVES_MINOR_YEARS, ARCHIVES_OPEN_AFTER_YEARS, EligibilityInput,
    RequesterQuality, archives_open_on, check_eligibility, check_person_death_date,
)
from .mariage import (
    BANS_POSTING_DAYS, BansTimeline, check_celebration_date, marriage_bans_timeline,
    marriage_residence_established, piece_is_fresh,
)
from .recensement import (
    RecensementQuarter, RecensementStatus, RecensementWindow, births_turning_sixteen_in_quarter,
    recensement_quarter, recensement_status, recensement_window,
)
from .naissance import (
    BIRTH_DECLARATION_DELAY_DAYS, BIRTH_DECLARATION_DELAY_DAYS_REMOTE, birth_declaration_deadline,
    birth_declaration_is_late, check_birth_declaration,
)
from .changement_nom import (
    CHILD_CONSENT_AGE, check_name_change_confirmation, check_simplified_name_change, child_consent_required,
    name_change_earliest_confirmation, name_change_extends_to_child,
)
from .livret_famille import LivretRequester, check_livret_duplicata

__all__ = [
    # enums
    "ActKind",
    "DocumentKind",
    "RequesterQuality",
    "RequestField",
    "RequestChannel",
    "RecensementStatus",
    "LivretRequester",
    # dataclasses
    "Eligibility",
    "EligibilityInput",
    "BansTimeline",
    "RecensementWindow",
    "RecensementQuarter",
    # constants
    "REQUESTER_FIELDS",
    "BIRTH_DECLARATION_DELAY_DAYS",
    "BIRTH_DECLARATION_DELAY_DAYS_REMOTE",
    "BANS_POSTING_DAYS",
    "ARCHIVES_OPEN_AFTER_YEARS",
    "ARCHIVES_MINOR_YEARS",
    "ARCHIVES_AFTER_DEATH_YEARS",
    "CHILD_CONSENT_AGE",
    # 1.1 – 1.3 copies and extracts
    "available_documents",
    "check_eligibility",
    "archives_open_on",
    "check_person_death_date",
    "required_fields",
    # 1.6 marriage / PACS
    "marriage_bans_timeline",
    "check_celebration_date",
    "marriage_residence_established",
    "piece_is_fresh",
    # 1.6 recensement citoyen
    "recensement_window",
    "recensement_status",
    "recensement_quarter",
    "births_turning_sixteen_in_quarter",
    # 1.6 déclaration de naissance
    "birth_declaration_deadline",
    "birth_declaration_is_late",
    "check_birth_declaration",
    # 1.6 nom / prénom
    "name_change_earliest_confirmation",
    "check_name_change_confirmation",
    "check_simplified_name_change",
    "child_consent_required",
    "name_change_extends_to_child",
    # 1.6 livret de famille
    "check_livret_duplicata",
    # 5.3 retention
    "copy_request_retention_ends_on",
    "copy_request_anonymisable_from",
    "copy_request_may_be_anonymised",
]
