"""Pure rules of the *équipements* plugin: booking municipal facilities,
lending equipment, temporary drinks stands.

Pure functions of plain values (datetimes, ``Decimal``, ``StrEnum`` members,
frozen dataclasses); no database, no request: what they explain is a lazy text
(``lazy_text`` of ``grc_core.plugin_api``, English source, French in the plugin's catalog)
written in the reader's language when shown. One module per procedure, every
public name re-exported here (import from ``plugins.equipements.rules``):
:mod:`.tariff` (fee per category and duration, free use), :mod:`.deposit`
(caution and its settlement), :mod:`.booking` (conflicts, capacity, opening
hours, closures, notice, season slots), :mod:`.stock` (equipment over a
period), :mod:`.buvette` (yearly limits of CSP L3334-2 and L3335-4);
:mod:`.common` for the shared helpers. The legal sources are in each
docstring and in the plugin's README.
"""
from .booking import (
    DEFAULT_NOTICE_DAYS, WEEKDAYS, BookingInput, Occupation, OpeningHours, Problem, check_booking, closure_problems,
    conflicts, notice_deadline, opening_problems, parse_hhmm, season_occurrences,
)
from .buvette import (
    ALLOWED_GROUPS, SPORTS_MAX_HOURS, SPORTS_YEARLY_LIMIT, YEARLY_LIMIT, BuvetteDecision, BuvetteInput,
    OrganiserKind, buvette_decision,
)
from .common import capitalized, fmt_day, fmt_eur, fmt_moment, joined, overlaps, weekday_name
from .deposit import DepositSettlement, deposit_due, settle_deposit
from .stock import Held, available, loan_problem
from .tariff import FEE_BASIS, FREE_BASIS, HALF_DAY_HOURS, DurationUnit, TariffQuote, UserCategory, quote

__all__ = [
    "DEFAULT_NOTICE_DAYS", "WEEKDAYS", "BookingInput", "Occupation", "OpeningHours", "Problem", "check_booking",
    "closure_problems", "conflicts", "notice_deadline", "opening_problems", "parse_hhmm", "season_occurrences",
    "ALLOWED_GROUPS", "SPORTS_MAX_HOURS", "SPORTS_YEARLY_LIMIT", "YEARLY_LIMIT", "BuvetteDecision", "BuvetteInput",
    "OrganiserKind", "buvette_decision",
    "capitalized", "fmt_day", "fmt_eur", "fmt_moment", "joined", "overlaps", "weekday_name",
    "DepositSettlement", "deposit_due", "settle_deposit",
    "Held", "available", "loan_problem",
    "FEE_BASIS", "FREE_BASIS", "HALF_DAY_HOURS", "DurationUnit", "TariffQuote", "UserCategory", "quote",
]
