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
    reasons: tuple[str, ...]
    legal_basis: str
    yearly_limit: int


def buvette_decision(case: BuvetteInput) -> BuvetteDecision:
    """Whether the maire may authorise the stand; every reason when not.

    ``already_this_year`` counts the authorisations the association already
    holds (granted or being granted) in the calendar year of ``start``.
    """
    reasons = []
    if case.end <= case.start:
        reasons.append("La fin de la buvette doit être après son début.")
    forbidden = sorted(case.groups - ALLOWED_GROUPS)
    if not case.groups:
        reasons.append("Indiquez les groupes de boissons vendues (1 et 3 seulement).")
    elif forbidden:
        reasons.append("Seules les boissons des groupes 1 et 3 peuvent être vendues dans une buvette temporaire "
                       f"(groupe{'s' if len(forbidden) > 1 else ''} {', '.join(map(str, forbidden))} refusé"
                       f"{'s' if len(forbidden) > 1 else ''} ; CSP L3334-2).")
    if case.in_sports_facility:
        basis = "CSP L3335-4 et D3335-16 à D3335-18"
        limit = SPORTS_YEARLY_LIMIT
        if case.organiser is not OrganiserKind.SPORTS_ASSOCIATION or not case.approved_sports:
            reasons.append("Dans un équipement sportif, seule une association sportive agréée peut obtenir une "
                           "buvette temporaire (CSP L3335-4).")
        if case.end > case.start and (case.end - case.start).total_seconds() > SPORTS_MAX_HOURS * 3600:
            reasons.append("Dans un équipement sportif, une buvette temporaire dure 48 heures au plus "
                           "(CSP D3335-16).")
    else:
        basis = "CSP L3334-2"
        limit = YEARLY_LIMIT
        if case.organiser is OrganiserKind.OTHER:
            reasons.append("Seule une association organisant une manifestation publique peut obtenir une "
                           "buvette temporaire (CSP L3334-2).")
    if case.already_this_year >= limit:
        reasons.append(f"Cette association a déjà {case.already_this_year} autorisations en {case.start.year} : "
                       f"la limite est de {limit} par an ({basis}).")
    return BuvetteDecision(not reasons, tuple(reasons), basis, limit)
