"""Display obligations: deposit notice and decision in mairie (DR §2.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from grc_core.plugin_api import add_months

from .common import RuleDate, UrbanismeRuleError, add_days, _fmt


@dataclass(frozen=True)
class DisplayDeadlines:
    """Display of a decision in mairie (R424-15 al. 3; DR §2.5)."""

    post_by: date
    display_from: date
    display_until: date
    late: bool
    explanation: str


def deposit_notice_deadline(deposit_date: date) -> RuleDate:
    """Last day to post the avis de dépôt in mairie (R423-6; DR §2.5).

    Within 15 days of the deposit (``deposit_date + 15 days``, convention 5), kept
    for the whole instruction; may be an electronic publication on the commune's
    website.
    """
    last = add_days(deposit_date, 15)
    return RuleDate(
        last,
        f"Dépôt le {_fmt(deposit_date)} : avis de dépôt à afficher en mairie dans les 15 jours, soit au plus tard "
        f"le {_fmt(last)}, et maintenu pendant toute l'instruction (R423-6).",
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
        raise UrbanismeRuleError("L'affichage ne peut précéder la décision.")
    until = add_months(display_from, 2)
    late = display_from > post_by
    started = (
        f"affiché depuis le {_fmt(display_from)}"
        if display_start is not None
        else f"en supposant un affichage le {_fmt(display_from)}"
    )
    explanation = (
        f"Décision du {_fmt(decision_date)} : extrait à afficher en mairie dans les 8 jours, soit au plus tard le "
        f"{_fmt(post_by)}, pendant 2 mois ({started}, jusqu'au {_fmt(until)} inclus) (R424-15)."
    )
    if late:
        explanation += " Affichage tardif : le délai de 8 jours n'a pas été respecté."
    return DisplayDeadlines(
        post_by=post_by,
        display_from=display_from,
        display_until=until,
        late=late,
        explanation=explanation,
    )
