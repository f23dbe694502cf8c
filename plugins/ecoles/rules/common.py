"""Small helpers shared by the procedures: French dates and amounts, accents, slugs, decimals."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal


def _fmt_date(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _fmt_eur(amount: Decimal) -> str:
    """French formatting of an amount: ``1 000 €``, ``0,50 €``."""
    if amount == amount.to_integral_value():
        text = f"{int(amount):,}".replace(",", " ")
    else:
        text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} €"


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _slug(text: str) -> str:
    """Lower-case ASCII key with ``_`` separators (for codes typed by people)."""
    text = _strip_accents(text).casefold().replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _to_decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} : utiliser Decimal ou int, pas {type(value).__name__}")
    if isinstance(value, Decimal):
        return value
    if isinstance(value, (int, str)):
        return Decimal(value)
    raise TypeError(f"{what} : type non pris en charge ({type(value).__name__})")
