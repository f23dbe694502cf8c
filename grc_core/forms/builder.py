"""One builder turning ``FieldSpec`` lists into WTForms forms.

Every input is named ``f_<name>`` so that a request's fields never clash
with the fields of the page around them (citizen, channel, subject…). A
field with a condition is validated only when the condition holds; its input
carries ``data-grc-show-if`` / ``data-grc-show-values`` so that
``static/grc/forms.js`` shows it only then. Hidden or not, the server decides
again on every submission.
"""
from __future__ import annotations

import decimal
import json
import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField, DateField, DecimalField, EmailField, IntegerField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import Email, Length, NumberRange, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from ..plugin_api.types import FieldSpec
from .hygiene import GrcForm
from .specs import value_matches

PREFIX = "f_"
# ISO first: the browser's date input sends and shows it; agents may type 25/12/2026.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# 01 23 45 67 89, 01.23.45.67.89, 0123456789, +33 1 23 45 67 89, 0033123456789.
FRENCH_PHONE = re.compile(r"^(?:(?:\+|00)33[\s.-]?(?:\(0\))?[\s.-]?[1-9]|0[1-9])(?:[\s.-]?\d{2}){4}$")
EMPTY_CHOICE = ("", "—")


def input_name(spec: FieldSpec | str, prefix: str = PREFIX) -> str:
    return prefix + (spec if isinstance(spec, str) else spec.name)


def normalise_phone(raw: str) -> str:
    """``+33 1 23 45 67 89`` → ``01 23 45 67 89`` (how it is read on the phone)."""
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and raw.strip().startswith("+"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # +33 (0)1…: the trunk zero written twice
        digits = digits[1:]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


class FrenchDecimalField(DecimalField):
    """Accepts ``12,5`` as well as ``12.5``; refuses NaN and infinities."""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [str(value).replace("\u202f", "").replace(" ", "").replace(",", ".") for value in valuelist]
        super().process_formdata(valuelist)
        if isinstance(self.data, decimal.Decimal) and not self.data.is_finite():
            self.data = None
            raise ValueError(self.gettext("Not a valid decimal value."))


def is_empty(field, spec: FieldSpec) -> bool:
    if spec.type == "file":
        return not (isinstance(field.data, FileStorage) and field.data.filename)
    if spec.type == "multichoice":
        return not field.data
    if spec.type == "boolean":
        return False
    raw = field.raw_data
    return not raw or not str(raw[0]).strip()


def condition_holds(form, spec: FieldSpec) -> bool:
    """True when ``spec`` has no condition, or when its controlling field is
    itself shown and has one of the condition's values."""
    if spec.condition is None:
        return True
    controlling = form.grc_specs_by_name.get(spec.condition[0])
    if controlling is None or not condition_holds(form, controlling):
        return False
    field = form[input_name(controlling, form.grc_prefix)]
    # Fields validate in order: an invalid controller shows nothing that depends on it.
    return not field.errors and value_matches(field.data, spec.condition[1])


class Presence:
    """First validator of every built field: skips a field whose condition
    does not hold, requires a required one, lets an empty optional one pass
    (dropping parse errors of an empty input, as ``Optional`` does)."""

    def __init__(self, spec: FieldSpec):
        self.spec = spec
        self.required = spec.required and spec.type != "boolean"
        # The browser's own check only where it cannot get in the way: a
        # hidden conditional input or a group of checkboxes must not block.
        self.field_flags = (
            {"required": True} if self.required and spec.condition is None and spec.type != "multichoice" else {}
        )

    def __call__(self, form, field):
        if not condition_holds(form, self.spec):
            field.errors[:] = []
            raise StopValidation()
        if is_empty(field, self.spec):
            field.errors[:] = []
            if self.required:
                raise StopValidation(field.gettext("This field is required."))
            raise StopValidation()
        if field.process_errors:
            raise StopValidation()  # "not a number" says it all: no bounds check on nothing


def _bounds(spec: FieldSpec, cast):
    return {
        "min": None if spec.min is None else cast(spec.min),
        "max": None if spec.max is None else cast(spec.max),
    }


def _field_for(spec: FieldSpec, prefix: str):
    validators = [Presence(spec)]
    kwargs = {"description": spec.help or "", "render_kw": {}}
    if spec.condition is not None:
        kwargs["render_kw"] = {
            "data-grc-show-if": input_name(spec.condition[0], prefix),
            "data-grc-show-values": json.dumps(list(spec.condition[1]), ensure_ascii=False),
        }
    kind = spec.type
    has_bounds = spec.min is not None or spec.max is not None
    if kind in ("text", "textarea", "address"):
        if has_bounds:
            # Length says "no bound" with -1, not None.
            validators.append(Length(**{k: -1 if v is None else v for k, v in _bounds(spec, int).items()}))
        field_class = TextAreaField if kind == "textarea" else StringField
        if kind == "address":
            kwargs["render_kw"]["autocomplete"] = "street-address"
        return field_class(spec.label, validators, filters=[_strip], **kwargs)
    if kind == "integer":
        if has_bounds:
            validators.append(NumberRange(**_bounds(spec, int)))
        return IntegerField(spec.label, validators, **kwargs)
    if kind == "decimal":
        if has_bounds:
            validators.append(NumberRange(**_bounds(spec, lambda b: decimal.Decimal(str(b)))))
        return FrenchDecimalField(spec.label, validators, places=None, **kwargs)
    if kind == "date":
        return DateField(spec.label, validators, format=DATE_FORMATS, **kwargs)
    if kind == "email":
        validators.append(Email())
        return EmailField(spec.label, validators, filters=[_strip], **kwargs)
    if kind == "phone":
        validators.append(Regexp(FRENCH_PHONE, message=_l("Enter a French phone number, e.g. 01 23 45 67 89.")))
        kwargs["render_kw"]["type"] = "tel"
        return StringField(spec.label, validators, filters=[_strip], **kwargs)
    if kind == "choice":
        return SelectField(spec.label, validators, choices=[EMPTY_CHOICE, *spec.choices], **kwargs)
    if kind == "multichoice":
        return SelectMultipleField(
            spec.label, validators, choices=list(spec.choices),
            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(), **kwargs,
        )
    if kind == "boolean":
        kwargs["render_kw"]["data-grc-boolean"] = ""  # read as yes/no by forms.js
        return BooleanField(spec.label, validators, **kwargs)
    if kind == "file":
        return FileField(spec.label, validators, **kwargs)
    raise ValueError(f"unknown field type {kind!r}")  # check_specs() refuses it before


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def build_form_class(fields: Iterable[FieldSpec], base: type[FlaskForm] = GrcForm,
                     prefix: str = PREFIX) -> type[FlaskForm]:
    """A form class with one input per spec, after the fields of ``base``.

    Pass the page's own form as ``base`` to get one form (one CSRF token)
    holding both the page's fields and the request's.
    """
    specs = tuple(fields)
    attributes = {
        "grc_specs": specs,
        "grc_specs_by_name": {spec.name: spec for spec in specs},
        "grc_prefix": prefix,
    }
    for spec in specs:
        attributes[input_name(spec, prefix)] = _field_for(spec, prefix)
    return type("RequestDataForm", (base,), attributes)


def spec_fields(form) -> list[tuple[FieldSpec, object]]:
    """``(spec, bound field)`` pairs of a built form, in the specs' order."""
    return [(spec, form[input_name(spec, form.grc_prefix)]) for spec in form.grc_specs]
