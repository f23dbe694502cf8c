"""Instruction obligation, from 3 to 16 years (§3.1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from grc_core.plugin_api import birthday

from .school_year import SchoolYear


#: Entry into force of compulsory instruction from 3 years (loi 2019-791
#: art. 11; C. éduc. L131-1), §3.1 (A).
INSTRUCTION_3_ANS_IN_FORCE: Final = date(2019, 9, 2)


@dataclass(frozen=True)
class InstructionPeriod:
    """Period of compulsory instruction: ``start`` inclusive, ``end`` exclusive."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _default_rentree(year: int) -> date:
    rentree = SchoolYear(year).rentree
    assert rentree is not None
    return rentree


def instruction_obligation(
    birth_date: date, *, rentree_of: Callable[[int], date] | None = None
) -> InstructionPeriod:
    """Compulsory-instruction period of a child.

    * Start: the rentrée of the calendar year in which the child turns 3
      (C. éduc. L131-5, §3.1, B), never before 2 September 2019, date of entry
      into force of the 3-year age (L131-1 as amended by loi 2019-791, §3.1, A).
      For children already past that stage in 2019 the former rule applies:
      rentrée of the calendar year in which the child turns 6 (former L131-1
      "entre six ans et seize ans" — hors §3, confidence ?).
    * End: the 16th birthday (L131-1 "de trois à seize ans", §3.1, A),
      exclusive (:func:`grc_core.plugin_api.birthday`: 28 February in a common
      year for a child born on 29 February).

    ``rentree_of(year)`` gives the rentrée date of a calendar year (default
    1 September).  Instruction may be given at school or in the family
    (instruction en famille, since loi 2021-1109 under DASEN authorisation —
    §6 item 3.T2, not modelled here).
    """
    rentree = rentree_of or _default_rentree
    start = rentree(birth_date.year + 3)
    if start < INSTRUCTION_3_ANS_IN_FORCE:
        start = min(rentree(birth_date.year + 6), INSTRUCTION_3_ANS_IN_FORCE)
    return InstructionPeriod(start=start, end=birthday(birth_date, 16))


def is_instruction_compulsory(
    birth_date: date, day: date, *, rentree_of: Callable[[int], date] | None = None
) -> bool:
    """True when a child born on ``birth_date`` is subject to compulsory
    instruction on ``day`` (see :func:`instruction_obligation`; L131-1,
    L131-5, §3.1)."""
    return instruction_obligation(birth_date, rentree_of=rentree_of).contains(day)
