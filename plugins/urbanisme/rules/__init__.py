"""Pure legal rules of the *urbanisme* plugin (autorisations du droit des sols).

Every function here works on plain values (``datetime.date``, ``int``, ``bool``,
``enum.StrEnum`` members, frozen dataclasses). There is no database, no Flask and no
request context: the workflow engine, the views and the dashboards call these
functions and store/display what they return. Only the standard library and the
shared calendar helpers of :mod:`grc_core.plugin_api` (month arithmetic, public
holidays, working days — the only ``grc_core`` import allowed here) are used.

One module per procedure, every public name re-exported here (import from
``plugins.urbanisme.rules``, not from the modules): :mod:`.procedures` (the
procedures and their CERFA), :mod:`.delays` (instruction delay, tacit outcome),
:mod:`.completeness` (missing pieces), :mod:`.deadlines` (calendar deadline of
a file), :mod:`.display` (display obligations), :mod:`.validity` (validity,
prorogation, appeals, conformity, withdrawal), :mod:`.follow_ups`,
:mod:`.numbering` (file numbers), :mod:`.alerts` (dashboard buckets); shared
helpers in :mod:`.common`.

Sources are those of ``shared/reference/domain_rules.md (the project's legal reference)`` (§0 and §2, cited
below as "DR §x.y"); the articles are those of the Code de l'urbanisme unless stated
otherwise. Where that file marks a rule below confidence A, or where the rule below
is an interpretation, the docstring says so.

Computing dates — conventions used everywhere in this package
--------------------------------------------------------------

1. **Delays in months are "non francs" and run from date to same day-number.**
   The instruction delay "court à compter de la réception en mairie d'un dossier
   complet" (R*423-19). It is a delay of non-contentious administrative procedure,
   *not* a "délai franc": the day of the triggering event (dies a quo) is not
   counted, the delay runs from the next day and ends at 24:00 on the day that
   bears **the same number** as the triggering day, n months later (principle of
   C. proc. civ. art. 641, applied by the Conseil d'État to these delays:
   CE 17 juin 2024 n° 461667 — a one-month delay triggered on 8 October expires on
   8 November; 120e Congrès des notaires (2024), "Les délais d'instruction de droit
   commun": a DP filed on 2 January may be opposed until 2 February 23:59 and the
   tacit non-opposition is born on 3 February at 00:00, even a Sunday).
   So the deadline is the day of the same number, **not the day before**.
2. **Missing day-number → last day of the month.** When the target month has no
   such day (31 January + 1 month; 29 February + 12 months), the delay ends on the
   last day of that month (C. proc. civ. art. 641 al. 2: "à défaut d'un quantième
   identique, le délai expire le dernier jour du mois"). Leap years follow the
   calendar: 31 January 2024 + 1 month = 29 February 2024, 31 January 2025 + 1
   month = 28 February 2025. Both rules are implemented once for the whole project,
   in :func:`grc_core.plugin_api.add_months` (used here for every month delay).
3. **No weekend/holiday extension for procedural delays.** The instruction delay,
   the completeness delays, the one-month notification window, the withdrawal
   window, the conformity-check delay and the validity period expire on their
   computed day even when it is a Saturday, Sunday or public holiday (120e Congrès
   des notaires, *ibid.*).
4. **The tacit decision is born the day after the last day** of the instruction
   delay (:attr:`LegalDeadline.tacit_decision_date` = ``last_day + 1 day``). A
   decision or a request "within the delay" means *notified* (LRAR first
   presentation, hand delivery or electronic notification) on or before the last
   day — signing it is not enough (CE 6 juin 2012 n° 344643; R*423-41 speaks of a
   request "notifiée").
5. **Delays in days** ("dans les quinze jours", "dans les huit jours") follow the
   same non-franc logic: the event day is not counted, the last day is ``D + n``.
6. **Contentious appeal delays are "francs"** (CJA R421-1, CE 29 déc. 2006
   n° 289818): the third-party appeal delay (R600-2) therefore ends the day after
   the same-number day and, when that day is a Saturday, Sunday or public holiday,
   on the next working day (CE 19 sept. 2014 n° 362568). This is the only place
   where weekends and public holidays move a date (see
   :func:`third_party_appeal_end`). Public holidays are those of the ``holidays``
   package (``holidays.France``, with Good Friday and 26 December in
   Alsace-Moselle), through :func:`grc_core.plugin_api.next_working_day`.
7. **A delay extended by k months is recomputed from its starting day** with the
   total number of months (start + (n + k) months), never by chaining two month
   additions, so that month-end clamping happens only once.

Each compound result carries ``reasons``/``explanation`` text (lazy, translated when shown) so that the
pages can say how each figure is computed.
"""

from .common import RuleDate, UrbanismeRuleError, add_days
from .procedures import Procedure, cerfa_numbers
from .delays import (
    EVALUATION_ENVIRONNEMENTALE_SINCE, Circumstance, ExceptionalProlongation, InstructionDelay, Outcome,
    TacitOutcome, instruction_delay, may_still_notify_exceptional_prolongation,
    may_still_notify_modified_delay, modified_delay_notification_deadline, tacit_outcome,
)
from .completeness import (
    CompletenessExpiry, PiecesRequestStatus, completeness_expiry, deemed_complete_on,
    pieces_received_in_time, pieces_request_deadline, pieces_request_status,
)
from .deadlines import LegalDeadline, LegalDeadlineInput, legal_deadline
from .display import DisplayDeadlines, decision_display_deadlines, deposit_notice_deadline
from .validity import (
    MAX_PROROGATIONS, ConformityCase, certificate_validity_end, conformity_check_deadline,
    prorogation_request_deadline, third_party_appeal_end, validity_end, withdrawal_window_end,
)
from .follow_ups import FOLLOW_UP_ORIGINALS, follow_up_refusal, follow_up_type_refusal
from .numbering import (
    FILE_NUMBER_LETTERS, FOLLOW_UP_SUFFIXES, MAX_FILE_SEQUENCE, MAX_FOLLOW_UP_RANK, FileNumber, file_number,
    follow_up_number, insee_parts, parse_file_number,
)
from .alerts import AlertLevel, deadline_alert_level

__all__ = [
    "AlertLevel",
    "Circumstance",
    "CompletenessExpiry",
    "ConformityCase",
    "DisplayDeadlines",
    "ExceptionalProlongation",
    "FileNumber",
    "InstructionDelay",
    "LegalDeadline",
    "LegalDeadlineInput",
    "Outcome",
    "PiecesRequestStatus",
    "Procedure",
    "RuleDate",
    "TacitOutcome",
    "UrbanismeRuleError",
    "EVALUATION_ENVIRONNEMENTALE_SINCE",
    "FILE_NUMBER_LETTERS",
    "FOLLOW_UP_ORIGINALS",
    "FOLLOW_UP_SUFFIXES",
    "MAX_FILE_SEQUENCE",
    "MAX_FOLLOW_UP_RANK",
    "MAX_PROROGATIONS",
    "add_days",
    "cerfa_numbers",
    "certificate_validity_end",
    "completeness_expiry",
    "conformity_check_deadline",
    "deadline_alert_level",
    "decision_display_deadlines",
    "deemed_complete_on",
    "deposit_notice_deadline",
    "file_number",
    "follow_up_number",
    "follow_up_refusal",
    "follow_up_type_refusal",
    "insee_parts",
    "instruction_delay",
    "legal_deadline",
    "may_still_notify_exceptional_prolongation",
    "may_still_notify_modified_delay",
    "modified_delay_notification_deadline",
    "parse_file_number",
    "pieces_received_in_time",
    "pieces_request_deadline",
    "pieces_request_status",
    "prorogation_request_deadline",
    "tacit_outcome",
    "third_party_appeal_end",
    "validity_end",
    "withdrawal_window_end",
]
