"""Display obligations: deposit notice and decision in mairie (DR §2.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grc_core.plugin_api import RuleText, add_months
from grc_core.plugin_api import lazy_text as _l

from .common import RuleDate, UrbanismeRuleError, add_days, _fmt


@dataclass(frozen=True)
class DisplayDeadlines:
    """Display of a decision in mairie (R424-15 al. 3; DR §2.5)."""

    post_by: date
    display_from: date
    display_until: date
    late: bool
    explanation: RuleText


def deposit_notice_deadline(deposit_date: date) -> RuleDate:
    """Last day to post the avis de dépôt in mairie (R423-6; DR §2.5).

    Within 15 days of the deposit (``deposit_date + 15 days``, convention 5), kept
    for the whole instruction; may be an electronic publication on the commune's
    website.
    """
    last = add_days(deposit_date, 15)
    return RuleDate(
        last,
        _l("Deposit on %(day)s: notice of deposit to post in mairie within 15 days, that is by %(last)s at the "
           "latest, and kept for the whole instruction (R423-6).", day=_fmt(deposit_date), last=_fmt(last)),
        "R423-6 (DR §2.5)",
    )


def decision_display_deadlines(decision_date: date, display_start: date | None = None) -> DisplayDeadlines:
    """Display in mairie of a permit / non-opposition (R424-15 al. 3; DR §2.5).

    ``decision_date``: date of the express decision or of the tacit decision. The
    extract must be posted within 8 days (``decision_date + 8``) and stay posted
    for 2 months: until ``add_months(display_from, 2)``, where ``display_from`` is
    ``display_start`` when known, else the last allowed posting day (the latest
    compliant assumption). ``late`` is True when ``display_start`` is after the
    8-day limit. The on-site display by the beneficiary (R424-15 al. 1-2) lasts
    for the whole works and is not computed here.
    """
    post_by = add_days(decision_date, 8)
    display_from = display_start if display_start is not None else post_by
    if display_from < decision_date:
        raise UrbanismeRuleError(_l("The display cannot precede the decision."))
    until = add_months(display_from, 2)
    late = display_from > post_by
    started = (
        _l("displayed since %(day)s", day=_fmt(display_from))
        if display_start is not None
        else _l("assuming a display on %(day)s", day=_fmt(display_from))
    )
    if late:
        explanation = _l(
            "Decision of %(day)s: extract to post in mairie within 8 days, that is by %(post_by)s at the latest, "
            "for 2 months (%(started)s, until %(until)s included) (R424-15). Late display: the delay of 8 days "
            "was not kept.", day=_fmt(decision_date), post_by=_fmt(post_by), started=started, until=_fmt(until))
    else:
        explanation = _l(
            "Decision of %(day)s: extract to post in mairie within 8 days, that is by %(post_by)s at the latest, "
            "for 2 months (%(started)s, until %(until)s included) (R424-15).",
            day=_fmt(decision_date), post_by=_fmt(post_by), started=started, until=_fmt(until))
    return DisplayDeadlines(
        post_by=post_by,
        display_from=display_from,
        display_until=until,
        late=late,
        explanation=explanation,
    )
