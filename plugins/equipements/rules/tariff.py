"""The fee of a booking: the commune's grid for a category of user and a
duration, or free use decided by the commune.

CG3P L2125-1: any occupation of the public domain gives rise to a fee, which
*may* be waived for non-profit associations serving a general interest (al. 3
3°) and in the other cases the article lists. CGCT L2144-3: the conseil
municipal sets the contribution due for the use of municipal premises by
associations « en tant que de besoin ». The amounts are the commune's
délibération: the grid is data, these functions only apply it.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l


class UserCategory(StrEnum):
    RESIDENT = "resident"
    NON_RESIDENT = "non_resident"
    ASSOCIATION_COMMUNE = "association_commune"
    ASSOCIATION_AUTRE = "association_autre"
    SERVICE_COMMUNE = "service_commune"


class DurationUnit(StrEnum):
    HOUR = "hour"
    HALF_DAY = "half_day"
    DAY = "day"
    WEEKEND = "weekend"


HALF_DAY_HOURS = 5
#: The legal basis of a fee, as the booking states it (lazy: a booking stores it in the commune's language).
FREE_BASIS = _l("Free use decided by the commune (CG3P L2125-1: the fee may not be due from a non-profit association "
                "serving a general interest; CGCT L2144-3).")
FEE_BASIS = _l("Fee for the occupation of the public domain set by délibération (CG3P L2125-1, CGCT L2144-3).")


@dataclass(frozen=True)
class TariffQuote:
    amount: Decimal
    unit: DurationUnit | None
    quantity: int
    legal_basis: RuleText


def _is_weekend(start: datetime, end: datetime) -> bool:
    """Friday from 14:00 (setting up) or Saturday, to Monday 12:00 at the latest."""
    if start.weekday() == 4 and start.hour >= 14:
        saturday = start.date() + timedelta(days=1)
    elif start.weekday() == 5:
        saturday = start.date()
    else:
        return False
    monday_noon = datetime.combine(saturday + timedelta(days=2), datetime.min.time()).replace(
        hour=12, tzinfo=start.tzinfo)
    return end <= monday_noon


def _days_touched(start: datetime, end: datetime) -> int:
    last = (end - timedelta(microseconds=1)).date()
    return (last - start.date()).days + 1


def quote(rates: Mapping[DurationUnit, Decimal], start: datetime, end: datetime, *, free: bool = False) -> TariffQuote:
    """The fee of a booking from ``start`` to ``end`` (half-open).

    ``rates`` are the grid's prices for the facility and the user's category
    (a unit the grid leaves out is not offered). The citizen pays the most
    favourable of the offered ways to cover the period: hours (started hours
    count), half-days of 5 hours, calendar days touched, or one weekend
    (Friday 14:00 or Saturday to Monday 12:00). ``free`` is the commune's
    decision of free use for this category (L2125-1): the fee is 0.
    Raises ``ValueError`` when the period is empty or no unit covers it.
    """
    if end <= start:
        raise ValueError(_l("The end must be after the start."))
    if free:
        return TariffQuote(Decimal("0"), None, 0, FREE_BASIS)
    hours = (end - start).total_seconds() / 3600
    options = []
    if DurationUnit.HOUR in rates:
        options.append((DurationUnit.HOUR, math.ceil(hours)))
    if DurationUnit.HALF_DAY in rates:
        options.append((DurationUnit.HALF_DAY, math.ceil(hours / HALF_DAY_HOURS)))
    if DurationUnit.DAY in rates:
        options.append((DurationUnit.DAY, _days_touched(start, end)))
    if DurationUnit.WEEKEND in rates and _is_weekend(start, end):
        options.append((DurationUnit.WEEKEND, 1))
    if not options:
        raise ValueError(_l("No rate of the grid covers this duration for this category."))
    unit, quantity = min(options, key=lambda option: (Decimal(rates[option[0]]) * option[1],
                                                      list(DurationUnit).index(option[0])))
    return TariffQuote(Decimal(rates[unit]) * quantity, unit, quantity, FEE_BASIS)
