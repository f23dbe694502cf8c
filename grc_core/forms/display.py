"""A request's stored form data as an agent reads it: labels, dates in
French order, choice labels instead of codes, yes/no."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from flask_babel import gettext as _

from ..models import RequestType
from ..plugin_api.types import FieldSpec
from .specs import fields_of

EMPTY = "—"


def display_value(spec: FieldSpec, value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if spec.type == "boolean":
        return _("Yes") if value else _("No")
    labels = {str(code): str(label) for code, label in spec.choices}
    if spec.type == "choice":
        return labels.get(str(value), str(value))
    if spec.type == "multichoice" and isinstance(value, list):
        return ", ".join(labels.get(str(item), str(item)) for item in value)
    if spec.type == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if spec.type == "decimal":
        return str(value).replace(".", ",")
    return str(value)


def readable_data(request_type: RequestType, data: Mapping | None) -> list[tuple[str, str]]:
    """``(label, text)`` rows in the form's order; values of fields removed
    from the form since are still shown, under their name. Plain text: the
    template escapes it."""
    data = data or {}
    specs = fields_of(request_type)
    rows = [(str(spec.label), display_value(spec, data[spec.name])) for spec in specs if spec.name in data]
    known = {spec.name for spec in specs}
    rows += [(name, display_value(FieldSpec(name, name), value)) for name, value in data.items() if name not in known]
    return rows
