"""Validating a request's form data, server-side, every time.

:func:`validate_request_data` is what the intake page, the request page and
the API call: it builds the type's form, validates it, turns the values into
plain JSON (dates as ISO strings, decimals as strings), drops the fields
whose condition does not hold, then asks the active plugins' validators
(``grc_validate_request``) for the rules no spec can express. Field errors
are keyed by field name — a plugin's ``FieldError`` too —, the plugins'
other messages go under ``"__all__"``.
"""
from __future__ import annotations

import decimal
from collections.abc import Mapping
from datetime import date

from flask import current_app, get_template_attribute, has_request_context, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import CombinedMultiDict, FileStorage, MultiDict

from ..models import RequestType
from ..plugin_api.types import FieldError, FieldSpec
from ..tenancy import active_plugins
from .builder import PREFIX, build_form_class, condition_holds, input_name, is_empty, normalise_phone, spec_fields
from .hygiene import GrcForm
from .specs import fields_of

ALL = "__all__"
# Sentinel: take the submitted data of the current HTTP request.
CURRENT_REQUEST = object()


class RequestData(dict):
    """A request's form data as plain JSON values. Uploaded files are not
    JSON: the value holds the file's name and ``files`` the upload itself,
    for the attachments code to check and store."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.files = {}


def _submitted(formdata):
    """Form input as WTForms wants it. A plain mapping is the API's shape:
    keyed by field name, with Python values."""
    if formdata is CURRENT_REQUEST:
        if not has_request_context():
            return None
        return CombinedMultiDict((request.files, request.form))
    if formdata is None or hasattr(formdata, "getlist"):
        return formdata
    items = []
    for name, value in formdata.items():
        key = name if name.startswith(PREFIX) else input_name(name)
        values = value if isinstance(value, (list, tuple, set)) else [value]
        for item in values:
            if item is None or item is False:
                continue
            if item is True:
                item = "y"
            elif isinstance(item, date):
                item = item.isoformat()
            elif not isinstance(item, (str, FileStorage)):
                item = str(item)
            items.append((key, item))
    return MultiDict(items)


def initial_values(specs: list[FieldSpec], data: Mapping | None) -> dict:
    """Stored JSON values back into the Python values a form shows."""
    values = {}
    for spec in specs:
        value = (data or {}).get(spec.name)
        if value is None or spec.type == "file":
            continue
        try:
            if spec.type == "date":
                value = date.fromisoformat(value)
            elif spec.type == "decimal":
                value = decimal.Decimal(str(value))
        except (TypeError, ValueError, decimal.InvalidOperation):
            continue  # data stored before the field changed type: show it empty
        values[input_name(spec)] = value
    return values


def build_form(request_type: RequestType, formdata=CURRENT_REQUEST, data: Mapping | None = None,
               base: type[FlaskForm] = GrcForm, csrf: bool = False) -> FlaskForm:
    """The type's form, filled from ``formdata`` (the current request's by
    default, a MultiDict of ``f_<name>`` inputs, or the API's plain mapping)
    or else from stored ``data``. CSRF is off by default because the global
    CSRFProtect has already checked the POST; pass ``csrf=True`` for a page
    that renders this form on its own."""
    specs = fields_of(request_type)
    form_class = build_form_class(specs, base=base)
    return form_class(formdata=_submitted(formdata), data=initial_values(specs, data), meta={"csrf": csrf})


def _json_value(spec: FieldSpec, field):
    value = field.data
    if is_empty(field, spec):
        return [] if spec.type == "multichoice" else None
    if spec.type == "date":
        return value.isoformat()
    if spec.type == "decimal":
        return str(value)
    if spec.type == "phone":
        return normalise_phone(value)
    if spec.type == "file":
        return value.filename
    if spec.type == "boolean":
        return bool(value)
    if spec.type == "multichoice":
        return [str(item) for item in value]
    return value


def form_data(form) -> tuple[RequestData, dict[str, list[str]]]:
    """Validate a form built by :func:`build_form_class` from any specs (a
    request type's, a plugin's own questions): the JSON values of the fields
    shown (a field hidden by its condition is left out) and the errors per
    field name — store the data only when there is none."""
    form.validate()
    data, errors = RequestData(), {}
    for spec, field in spec_fields(form):
        if field.errors:
            errors[spec.name] = list(field.errors)
            continue
        if not condition_holds(form, spec):
            continue
        data[spec.name] = _json_value(spec, field)
        if spec.type == "file" and data[spec.name] is not None:
            data.files[spec.name] = field.data
    return data, errors


def validate_form(request_type: RequestType, form, commune, now=None) -> tuple[RequestData, dict[str, list[str]]]:
    """Validate an already built form (see :func:`build_form`); fields of a
    ``base`` form are validated too and keep their errors on the form.
    ``now`` (default: the clock) is passed to the plugins' validators."""
    errors: dict[str, list[str]] = {}
    if not request_type.active or (request_type.plugin and request_type.plugin not in active_plugins(commune)):
        errors[ALL] = [_("This request type is not available in your commune.")]
    data, field_errors = form_data(form)
    errors.update(field_errors)
    if not errors:
        messages = current_app.extensions["grc"].validate_request(
            active_plugins(commune), request_type=request_type, data=dict(data), commune=commune, now=now,
        )
        fields = {spec.name for spec, _field in spec_fields(form)}
        for message in messages:
            key = message.field if isinstance(message, FieldError) and message.field in fields else ALL
            errors.setdefault(key, []).append(str(message))
    return data, errors


def validate_request_data(request_type: RequestType, formdata, commune,
                          now=None) -> tuple[RequestData, dict[str, list[str]]]:
    """``(data, errors)``: store ``data`` only when ``errors`` is empty."""
    return validate_form(request_type, build_form(request_type, formdata), commune, now)


def render_fields(form, errors: Mapping | None = None) -> Markup:
    """The form's request fields in Bootstrap 4 markup, each error next to
    its field and the plugins' messages above them (templates can call the
    macro ``render_fields`` of ``grc/forms/_fields.html`` directly)."""
    return get_template_attribute("grc/forms/_fields.html", "render_fields")(form, errors)
