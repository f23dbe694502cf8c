"""Object ids as they come from URLs, query strings and forms.

Every primary key is an SQL ``INTEGER``: 32 bits on PostgreSQL. A larger
number cannot name a row, and handed to the database it fails (SQLite
cannot even bind a number above 2**63) — so it is refused where it enters:
the ``<id:…>`` URL converter answers 404 before the view runs, and
:func:`parse_id` turns what a query string or a form says into an id or
``None``. Flask-Admin passes its ids as ``?id=`` and ``rowid`` fields:
``SecureModelView`` reads them with :func:`parse_id` too.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

ID_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:request_id>``: digits only, from 1 to :data:`ID_MAX`, else no match (404)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=ID_MAX)


def parse_id(value) -> int | None:
    """An id from text (``"42"``), or None when it cannot name a row."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value or "").strip()
        if not text.isascii() or not text.isdigit() or len(text) > len(str(ID_MAX)):
            return None
        number = int(text)
    return number if 1 <= number <= ID_MAX else None


def parse_int(value, *, low: int, high: int, default: int | None = None) -> int | None:
    """An integer query-string parameter within ``[low, high]``, else ``default``."""
    text = str(value if value is not None else "").strip()
    if text.startswith("-"):
        sign, digits = -1, text[1:]
    else:
        sign, digits = 1, text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 12:
        return default
    number = sign * int(digits)
    return number if low <= number <= high else default


def init_app(app) -> None:
    """Register the converter before any route is added (rules compile on add)."""
    app.url_map.converters["id"] = IdConverter
