"""A segment's definition, as JSON, and its checks.

::

    {"match": "all", "items": [
        {"criterion": "core.age", "params": {"min_age": 75}},
        {"not": {"criterion": "core.consent", "params": {"channel": "email", "purpose": "information_municipale"}}},
        {"match": "any", "items": [...]}
    ]}

``match`` is ``all`` (and) or ``any`` (or); ``not`` negates one item; groups
nest. :func:`parse_definition` checks every criterion and value against the
criteria an author may use and returns the definition with the values in
their Python types, or raises :class:`SegmentError` saying what is wrong.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _

from ..forms.specs import TRUE_WORDS, FALSE_WORDS

MATCHES = ("all", "any")
MAX_DEPTH = 4
MAX_ITEMS = 40


class SegmentError(ValueError):
    """A definition that cannot be evaluated; the message says why, for the author."""


def parse_definition(raw, criteria: Mapping, *, depth: int = 0) -> dict:
    """The checked definition (values converted), given ``criteria``: code →
    (criterion, its parameter specs) that the author may use."""
    if not isinstance(raw, Mapping):
        raise SegmentError(_("A segment is a group of criteria."))
    if depth > MAX_DEPTH:
        raise SegmentError(_("Groups are nested too deeply (at most %(max)d levels).", max=MAX_DEPTH))
    if "not" in raw:
        return {"not": parse_definition(raw["not"], criteria, depth=depth + 1)}
    if "criterion" in raw:
        return _parse_criterion(raw, criteria)
    match, items = raw.get("match"), raw.get("items")
    if match not in MATCHES:
        raise SegmentError(_("A group matches « all » or « any » of its criteria."))
    if not isinstance(items, list) or not items:
        raise SegmentError(_("Choose at least one criterion."))
    if len(items) > MAX_ITEMS:
        raise SegmentError(_("A group holds at most %(max)d criteria.", max=MAX_ITEMS))
    return {"match": match, "items": [parse_definition(item, criteria, depth=depth + 1) for item in items]}


def _parse_criterion(raw: Mapping, criteria: Mapping) -> dict:
    code = raw["criterion"]
    if code not in criteria:
        raise SegmentError(_("Unknown criterion « %(code)s ».", code=str(code)[:80]))
    decl, specs = criteria[code]
    given = raw.get("params") or {}
    if not isinstance(given, Mapping):
        raise SegmentError(_("The values of « %(criterion)s » are malformed.", criterion=decl.label))
    known = {spec.name for spec in specs}
    unknown = sorted(set(given) - known)
    if unknown:
        raise SegmentError(_("« %(criterion)s » has no value « %(name)s ».", criterion=decl.label,
                             name=str(unknown[0])[:60]))
    params = {}
    for spec in specs:
        value = coerce(spec, given.get(spec.name))
        if value is None and spec.required:
            raise SegmentError(_("« %(criterion)s »: « %(field)s » is required.", criterion=decl.label,
                                 field=spec.label))
        params[spec.name] = value
    return {"criterion": code, "params": params}


def _wrong(spec, expected: str):
    return SegmentError(_("« %(field)s » must be %(expected)s.", field=spec.label, expected=expected))


def coerce(spec, value):
    """``value`` (from JSON or a form) in the Python type of ``spec``, None when
    empty; raises :class:`SegmentError` naming the field when it does not fit."""
    if value is None or value == "" or value == []:
        return None
    kind = spec.type
    if kind == "integer":
        if isinstance(value, bool):
            raise _wrong(spec, _("a whole number"))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise _wrong(spec, _("a whole number")) from None
        if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
            raise SegmentError(_("« %(field)s » must be between %(min)s and %(max)s.", field=spec.label,
                                 min=_bound(spec.min), max=_bound(spec.max)))
        return number
    if kind == "date":
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise _wrong(spec, _("a date (YYYY-MM-DD)")) from None
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise _wrong(spec, _("yes or no"))
    allowed = {str(choice) for choice, _label in spec.choices}
    if kind == "choice":
        if not isinstance(value, (str, int)) or str(value) not in allowed:
            raise _wrong(spec, _("one of the proposed values"))
        return str(value)
    if kind == "multichoice":
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int)) and str(v) in allowed for v in values):
            raise _wrong(spec, _("among the proposed values"))
        return sorted({str(v) for v in values})
    if not isinstance(value, (str, int)):
        raise _wrong(spec, _("a text"))
    text = str(value).strip()
    if spec.max is not None and len(text) > spec.max:
        raise SegmentError(_("« %(field)s » holds at most %(max)d characters.", field=spec.label, max=int(spec.max)))
    return text or None


def _bound(value) -> str:
    return "…" if value is None else str(int(value))


def criteria_used(definition: Mapping) -> list[str]:
    """Every criterion code in a (checked) definition, in order."""
    if "not" in definition:
        return criteria_used(definition["not"])
    if "criterion" in definition:
        return [definition["criterion"]]
    return [code for item in definition["items"] for code in criteria_used(item)]


def to_json(definition: Mapping):
    """A checked definition as JSON-ready data (dates as ISO strings)."""
    if isinstance(definition, Mapping):
        return {key: to_json(value) for key, value in definition.items()}
    if isinstance(definition, list):
        return [to_json(item) for item in definition]
    if isinstance(definition, date):
        return definition.isoformat()
    return definition


def describe(definition: Mapping, criteria: Mapping, *, nested: bool = False) -> str:
    """A checked definition in words, for the author and the approver:
    « Âge (De (ans) : 75) et sauf Consentement donné (Canal : SMS, …) »."""
    if "not" in definition:
        return _("except %(part)s", part=describe(definition["not"], criteria, nested=True))
    if "criterion" in definition:
        decl, specs = criteria[definition["criterion"]]
        values = [_("%(field)s: %(value)s", field=spec.label, value=_display(spec, definition["params"][spec.name]))
                  for spec in specs if definition["params"].get(spec.name) is not None]
        return f"{decl.label} ({', '.join(values)})" if values else str(decl.label)
    parts = [describe(item, criteria, nested=True) for item in definition["items"]]
    joined = (_(" and ") if definition["match"] == "all" else _(" or ")).join(parts)
    return f"[{joined}]" if nested and len(parts) > 1 else joined


def _display(spec, value) -> str:
    labels = {str(choice): str(label) for choice, label in spec.choices}
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return format_date(value)
    return labels.get(str(value), str(value))
