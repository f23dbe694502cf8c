"""Temporary drinks stands (autorisation d'ouverture d'un débit de boissons
temporaire), granted by the maire.

- CSP L3334-2 al. 2: an association organising a public event may be
  authorised by the maire to sell drinks of groups 1 and 3 only, **within the
  limit of five authorisations a year for each association**.
- CSP L3335-4 al. 2 and D3335-16 to D3335-18: in stadiums, gymnasiums and
  sports facilities, the maire may grant temporary derogations of **48 hours
  at most** each, to approved sports associations (agrément, C. sport L121-4)
  **within the limit of ten authorisations a year** per association (the
  agricultural and tourist cases of D3335-16 are not requests of this form).
- Groups (CSP L3321-1, since the 2011 reform): 1 non-alcoholic, 3 fermented
  drinks up to 18° (wine, beer, cider…), 4 rums and tafias, 5 other spirits.

Source: domain_rules §7 (conf. B). "A year" is read as the calendar year of
the event, the reading of the prefectures' guides.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from grc_core.plugin_api import RuleText, lazy_ngettext
from grc_core.plugin_api import lazy_text as _l

ALLOWED_GROUPS = frozenset({1, 3})
YEARLY_LIMIT = 5
SPORTS_YEARLY_LIMIT = 10
SPORTS_MAX_HOURS = 48


class OrganiserKind(StrEnum):
    ASSOCIATION = "association"
    SPORTS_ASSOCIATION = "association_sportive"
    OTHER = "autre"


@dataclass(frozen=True)
class BuvetteInput:
    organiser: OrganiserKind
    start: datetime
    end: datetime
    groups: frozenset[int]
    already_this_year: int
    in_sports_facility: bool = False
    approved_sports: bool = False


@dataclass(frozen=True)
class BuvetteDecision:
    allowed: bool
    reasons: tuple[RuleText, ...]
    legal_basis: RuleText
    yearly_limit: int


def buvette_decision(case: BuvetteInput) -> BuvetteDecision:
    """Whether the maire may authorise the stand; every reason when not.

    ``already_this_year`` counts the authorisations the association already
    holds (granted or being granted) in the calendar year of ``start``.
    """
    reasons = []
    if case.end <= case.start:
        reasons.append(_l("The end of the drinks stand must be after its start."))
    forbidden = sorted(case.groups - ALLOWED_GROUPS)
    if not case.groups:
        reasons.append(_l("Give the groups of drinks sold (1 and 3 only)."))
    elif forbidden:
        reasons.append(lazy_ngettext(
            "Only drinks of groups 1 and 3 may be sold at a temporary drinks stand (group %(groups)s refused; "
            "CSP L3334-2).",
            "Only drinks of groups 1 and 3 may be sold at a temporary drinks stand (groups %(groups)s refused; "
            "CSP L3334-2).", len(forbidden), groups=", ".join(map(str, forbidden))))
    if case.in_sports_facility:
        basis = _l("CSP L3335-4 and D3335-16 to D3335-18")
        limit = SPORTS_YEARLY_LIMIT
        if case.organiser is not OrganiserKind.SPORTS_ASSOCIATION or not case.approved_sports:
            reasons.append(_l("In a sports facility, only an approved sports association may obtain a temporary "
                              "drinks stand (CSP L3335-4)."))
        if case.end > case.start and (case.end - case.start).total_seconds() > SPORTS_MAX_HOURS * 3600:
            reasons.append(_l("In a sports facility, a temporary drinks stand lasts 48 hours at most "
                              "(CSP D3335-16)."))
    else:
        basis = _l("CSP L3334-2")
        limit = YEARLY_LIMIT
        if case.organiser is OrganiserKind.OTHER:
            reasons.append(_l("Only an association organising a public event may obtain a temporary drinks stand "
                              "(CSP L3334-2)."))
    if case.already_this_year >= limit:
        reasons.append(lazy_ngettext(
            "This association already has %(num)d authorisation in %(year)s: the limit is %(limit)d a year "
            "(%(basis)s).",
            "This association already has %(num)d authorisations in %(year)s: the limit is %(limit)d a year "
            "(%(basis)s).", case.already_this_year, year=str(case.start.year), limit=limit, basis=basis))
    return BuvetteDecision(not reasons, tuple(reasons), basis, limit)
