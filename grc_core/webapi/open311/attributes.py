"""A request type's fields as Open311 attributes, and submitted attributes
back into the form data the counter's validation reads.

Datatypes: text, e-mail, phone and address fields are ``string``; a long
text is ``text``; integers and decimals ``number``; dates ``datetime`` (the
date part of a W3C datetime is kept); a choice ``singlevaluelist``, a
multiple choice ``multivaluelist``; a checkbox a ``singlevaluelist`` of
``true`` / ``false``. File fields are not attributes: the file comes as the
``media`` upload. A field shown only under a condition is not required by
the definition — the validation still requires it when its condition holds.
"""
from __future__ import annotations

from dateutil.parser import isoparse
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from ...forms.builder import input_name
from ...plugin_api.types import FieldSpec

DATATYPES = {
    "text": "string", "email": "string", "phone": "string", "address": "string", "textarea": "text",
    "integer": "number", "decimal": "number", "date": "datetime",
    "choice": "singlevaluelist", "multichoice": "multivaluelist", "boolean": "singlevaluelist",
}
BOOLEAN_VALUES = [{"key": "true", "name": "true"}, {"key": "false", "name": "false"}]


def attribute_fields(specs: list[FieldSpec]) -> list[FieldSpec]:
    return [spec for spec in specs if spec.type in DATATYPES]


def file_field(specs: list[FieldSpec]) -> FieldSpec | None:
    """The field a ``media`` upload fills: the type's first file field."""
    return next((spec for spec in specs if spec.type == "file"), None)


def attribute(spec: FieldSpec, order: int) -> dict:
    item = {
        "variable": True,
        "code": spec.name,
        "datatype": DATATYPES[spec.type],
        "required": bool(spec.required and spec.condition is None),
        "datatype_description": str(spec.help or ""),
        "order": order,
        "description": str(spec.label),
    }
    if spec.type in ("choice", "multichoice"):
        item["values"] = [{"key": str(value), "name": str(label)} for value, label in spec.choices]
    elif spec.type == "boolean":
        item["values"] = BOOLEAN_VALUES
    return item


def definition(specs: list[FieldSpec]) -> list[dict]:
    return [attribute(spec, order) for order, spec in enumerate(attribute_fields(specs), start=1)]


def submitted_attributes(form: MultiDict) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (repeated for a
    multivaluelist) as ``{code: [values]}``."""
    values: dict[str, list[str]] = {}
    for key in form:
        if not (key.startswith("attribute[") and key.endswith("]")):
            continue
        code = key[len("attribute["):-1]
        if code.endswith("]["):
            code = code[:-2]
        values.setdefault(code, []).extend(form.getlist(key))
    return values


def _form_value(spec: FieldSpec, value: str) -> str:
    if spec.type == "date" and "T" in value:
        try:
            return isoparse(value).date().isoformat()
        except ValueError:
            return value  # the form's validation names the attribute
    if spec.type == "boolean":
        # WTForms' checkbox is ticked by any value but its false values.
        return "y" if value == "true" else ""
    return value


def formdata(specs: list[FieldSpec], attributes: dict[str, list[str]]) -> tuple[MultiDict, dict[str, str]]:
    """The form input for the validation, and the attributes refused before
    it (unknown code, a checkbox neither true nor false), with why."""
    by_name = {spec.name: spec for spec in attribute_fields(specs)}
    items, refused = [], {}
    for code, values in attributes.items():
        spec = by_name.get(code)
        if spec is None:
            refused[code] = _("This service has no such attribute.")
            continue
        if spec.type == "boolean" and any(value.strip().lower() not in ("true", "false") for value in values):
            refused[code] = _("The value must be true or false.")
            continue
        for value in values:
            converted = _form_value(spec, value.strip().lower() if spec.type == "boolean" else value)
            if converted != "" or spec.type != "boolean":
                items.append((input_name(spec), converted))
    return MultiDict(items), refused
