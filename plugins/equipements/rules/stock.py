"""Lendable equipment (tables, chairs, barriers…): how many are free over a
period, given the loans already granted.

A loan holds its quantities from delivery (or pick-up) to return, a
half-open period. What is free over a period is the stock minus the largest
quantity out *at the same moment* within it — two loans that follow each
other do not add up. The commune's stock is its data (practice, §7 conf. C).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from grc_core.plugin_api import RuleText
from grc_core.plugin_api import lazy_text as _l

from .common import overlaps


@dataclass(frozen=True)
class Held:
    """Quantity of one item out from ``start`` to ``end`` (half-open)."""

    start: datetime
    end: datetime
    quantity: int


def available(stock: int, held: Iterable[Held], start: datetime, end: datetime) -> int:
    """Units free during the whole of [start, end)."""
    if end <= start:
        raise ValueError(_l("The end of the loan must be after its start."))
    within = [h for h in held if overlaps(start, end, h.start, h.end)]
    # The peak is reached at the start of one of the loans (or of the period).
    moments = {start} | {h.start for h in within if h.start > start}
    peak = max((sum(h.quantity for h in within if h.start <= moment < h.end) for moment in moments), default=0)
    return stock - peak


def loan_problem(item: str, wanted: int, stock: int, held: Iterable[Held], start: datetime,
                 end: datetime) -> RuleText | None:
    """Why ``wanted`` units of ``item`` cannot be lent (lazy text), or None."""
    if wanted < 1:
        return _l("%(item)s: give a quantity of at least 1.", item=item)
    free = available(stock, held, start, end)
    if wanted > free:
        return _l("%(item)s: %(wanted)d asked for, %(free)d available over the period (stock: %(stock)d).",
                  item=item, wanted=wanted, free=max(free, 0), stock=stock)
    return None
