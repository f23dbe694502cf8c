"""Dossier de mariage: bans, celebration date, residence; fresh pieces for a marriage or a PACS (DR §1.6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from grc_core.plugin_api import add_months, add_years
from grc_core.plugin_api import lazy_text as _l

from .common import _ALLOWED, Eligibility, _refuse


BANS_POSTING_DAYS = 10
"""Length of the posting of the bans, in days (C. civ. art. 64)."""


@dataclass(frozen=True)
class BansTimeline:
    """Key dates of a publication of marriage bans (see :func:`marriage_bans_timeline`)."""

    published_on: date
    posting_ends_on: date
    earliest_celebration: date
    latest_celebration: date


def marriage_bans_timeline(published_on: date) -> BansTimeline:
    """Dates derived from the publication of the bans.

    Sources: code civil art. 63, 64, 65 (DR §1.6 « Dossier de mariage »).

    * Art. 64: the affiche stays posted for ten days; « le mariage ne pourra
      être célébré avant le dixième jour depuis et non compris celui de la
      publication ».  Reading: the publication day is day 0 and is not
      counted; the tenth day is ``published_on + 10 days``.  That day is the
      last day of posting (``posting_ends_on``) and the **earliest**
      celebration date: the text forbids celebrating *before* the tenth day,
      not on it (publication on the 1st → celebration possible from the 11th).
    * Art. 65: if the marriage is not celebrated « dans l'année, à compter de
      l'expiration du délai de la publication », a new publication is needed.
      The publication delay expires at the end of the tenth day; the year ends
      on the same date one year later, which is the **latest** celebration
      date (29 February → 28 February).
    """
    tenth_day = published_on + timedelta(days=BANS_POSTING_DAYS)
    return BansTimeline(
        published_on=published_on,
        posting_ends_on=tenth_day,
        earliest_celebration=tenth_day,
        latest_celebration=add_years(tenth_day, 1),
    )


def check_celebration_date(
    published_on: date,
    celebration_on: date,
    *,
    delay_dispensed_by_procureur: bool = False,
) -> Eligibility:
    """Can the marriage be celebrated on ``celebration_on`` given the publication date?

    Sources: code civil art. 64 and 65 (see :func:`marriage_bans_timeline`);
    art. 169 (the procureur de la République may, for serious reasons,
    dispense from the publication delay: ``delay_dispensed_by_procureur``
    lifts the earliest-date check only).  DR §1.6.
    """
    timeline = marriage_bans_timeline(published_on)
    if celebration_on < timeline.earliest_celebration and not delay_dispensed_by_procureur:
        return _refuse(
            _l("The marriage cannot be celebrated before the tenth day after the publication of the bans, the day "
               "of publication not counted (code civil, art. 64): on %(day)s at the earliest.",
               day=timeline.earliest_celebration)
        )
    if celebration_on > timeline.latest_celebration:
        return _refuse(
            _l("The marriage was not celebrated within the year after the end of the publication delay: the bans "
               "must be published again (code civil, art. 65). The publication allowed a celebration until "
               "%(day)s.", day=timeline.latest_celebration)
        )
    return _ALLOWED


def marriage_residence_established(residence_started_on: date, published_on: date) -> bool:
    """Does a residence give the commune jurisdiction to celebrate the marriage?

    Source: code civil art. 74 (DR §1.6): the marriage is celebrated where one
    spouse or one of their parents has his domicile « ou sa résidence établie
    par un mois au moins d'habitation continue à la date de la publication ».
    Reading: true when the publication date is on or after
    ``residence_started_on + 1 month`` (month ends clamped: from 31 January,
    the month is complete on 28/29 February).  A *domicile* needs no duration
    and is not checked here; the continuity of the habitation is for the
    agent to assess.
    """
    return published_on >= add_months(residence_started_on, 1)


def piece_is_fresh(
    issued_on: date,
    on_date: date,
    issued_abroad: bool,
    *,
    max_months: int = 3,
    max_months_abroad: int = 6,
) -> bool:
    """Is a copy of a birth act recent enough on ``on_date``?

    Rule (DR §1.6): the copy must be less than 3 months old, 6 months if
    issued abroad (consulate / foreign authority).  ``on_date`` is the date of
    deposit of the marriage file, or the date of registration of a PACS.
    Sources: code civil art. 70 for marriage (« ne doit pas dater de plus de
    trois mois … six mois … consulat » — not read verbatim, DR TODO 1.T3,
    hence the keyword settings); loi 2016-1547 art. 48 and mairie practice for
    PACS (DR §1.6, conf. C).

    Reading: « ne pas dater de plus de trois mois » — the copy is still fresh
    on the date bearing the same day number three months later (10 January →
    10 April included; 30 November → 28/29 February included) and stale the
    next day.  Raises ``ValueError`` if ``issued_on`` is after ``on_date``.
    """
    if issued_on > on_date:
        raise ValueError("the piece is issued after the date it is checked on")
    months = max_months_abroad if issued_abroad else max_months
    return on_date <= add_months(issued_on, months)
