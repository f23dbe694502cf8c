"""Vaccination required for admission at school, checked by the director (§3.2)."""

from __future__ import annotations

from datetime import date
from typing import Final

from grc_core.plugin_api import add_months


#: Children born on or after this date are subject to the 11 vaccinations
#: (loi 2017-1836 / décret 2018-42; C. santé publ. L3111-2), §3.2 (B).
VACCINATION_2018_BIRTHS_FROM: Final = date(2018, 1, 1)

_VACCINS_DTP: Final = ("diphtérie", "tétanos", "poliomyélite")
_VACCINS_2018: Final = _VACCINS_DTP + (
    "coqueluche",
    "Haemophilus influenzae b",
    "hépatite B",
    "pneumocoque",
    "méningocoque C",
    "rougeole",
    "oreillons",
    "rubéole",
)


def mandatory_vaccines(birth_date: date) -> tuple[str, ...]:
    """Mandatory vaccinations checked by the school director at admission.

    Born on or after 1 January 2018: the 11 vaccinations of C. santé publ.
    L3111-2 (DTP, coqueluche, Hib, hépatite B, pneumocoque, méningocoque C,
    ROR) — §3.2, B.  Born before: diphtérie, tétanos, poliomyélite (former
    L3111-2 — the "DTP" part of §3.2).  Later amendments (e.g. méningocoques
    for children born from 2025) are not in §3: TODO, check before relying
    on it for those children.
    """
    return _VACCINS_2018 if birth_date >= VACCINATION_2018_BIRTHS_FROM else _VACCINS_DTP


def vaccination_regularisation_deadline(admission_date: date) -> date:
    """Missing mandatory vaccinations must be done within **3 months** of a
    provisional admission (C. santé publ. R3111-17, §3.2, B)."""
    return add_months(admission_date, 3)
