"""The unit after a figure, in the form that fits it: « 1 demande »,
« 2 demandes », "1 request", "1.5 days"; a symbol (« % », « € ») as it is.

The dashboards, the élu's home page and the REST API write units through
:func:`unit_label`.
"""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..plugin_api.types import Unit

REQUESTS = Unit(_l("request"), _l("requests"))
DAYS = Unit(_l("day"), _l("days"))

# The codes the core's indicators declared before Unit existed: a plugin that
# copied them still reads « 1 demande ». Any other string is a symbol.
UNIT_LABELS = {"requests": REQUESTS, "days": DAYS}


def unit_label(unit: Unit | str, value: float | None) -> str:
    """``unit`` written after ``value`` in the reader's language.

    The form is chosen by the locale's CLDR plural category of the value,
    not by gettext's ngettext: a figure may be a decimal (a median of 1.5
    days), and gettext's plural formulas take integers only, while the
    languages disagree on decimals — « 1,5 jour » is singular in French,
    "1.5 days" plural in English. ``one`` takes the singular; every other
    category (``other``, and French's ``many`` for millions) the plural; no
    figure (None) the plural, as in « — demandes ».
    """
    unit = UNIT_LABELS.get(unit, unit) if isinstance(unit, str) else unit
    if not isinstance(unit, Unit):
        return str(unit)
    # The figure as it is written (one decimal): 0.96 reads « 1 », so "1 day".
    if value is not None and get_locale().plural_form(round(value, 1)) == "one":
        return str(unit.one)
    return str(unit.other)
