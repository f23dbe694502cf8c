"""Form fields as data: ``FieldSpec`` ↔ JSON, the fields of a request type,
the checks a commune admin's specs must pass, and the request types agents
may use.

A plugin's request type keeps its fields in code (its ``RequestTypeDecl``):
the commune's ``RequestType`` row holds only its settings. A type defined by
a commune admin (``plugin`` None) keeps its fields as JSON on the row, one
dict per field::

    {"name": "motif", "label": "Motif", "type": "choice", "required": true,
     "choices": [["bruit", "Bruit"], ["voirie", "Voirie"]], "min": null, "max": null,
     "help": "", "condition": {"field": "categorie", "values": ["autre"]}}
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from functools import cache

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import RequestType
from ..plugin_api.types import FIELD_TYPES, FieldSpec
from ..security.ids import parse_id
from ..tenancy import active_plugins, current_commune_id

FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FIELD_NAME_MAX = 60  # RoutingRule.field_name holds one
CHOICE_TYPES = ("choice", "multichoice")
# Bounds are values for numbers and lengths for free text.
NUMBER_TYPES = ("integer", "decimal")
TEXT_TYPES = ("text", "textarea")
# How a checkbox reads in a condition or a routing rule ("oui" for an admin, "true" for the API).
TRUE_WORDS = ("true", "oui", "yes", "1", "y", "on")
FALSE_WORDS = ("false", "non", "no", "0", "n", "off", "")


# --- FieldSpec <-> JSON ----------------------------------------------------------

def spec_to_dict(spec: FieldSpec) -> dict:
    return {
        "name": spec.name,
        "label": str(spec.label),
        "type": spec.type,
        "required": bool(spec.required),
        "choices": [[str(value), str(label)] for value, label in spec.choices],
        "min": spec.min,
        "max": spec.max,
        "help": str(spec.help or ""),
        "condition": (
            {"field": spec.condition[0], "values": [str(v) for v in spec.condition[1]]}
            if spec.condition else None
        ),
    }


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def spec_from_dict(data: Mapping) -> FieldSpec:
    """The inverse of :func:`spec_to_dict`; raises ValueError on a bad number."""
    condition = data.get("condition")
    if isinstance(condition, Mapping) and condition.get("field"):
        condition = (str(condition["field"]), tuple(str(v) for v in condition.get("values") or ()))
    elif isinstance(condition, (list, tuple)) and len(condition) == 2 and condition[0]:
        condition = (str(condition[0]), tuple(str(v) for v in condition[1] or ()))
    else:
        condition = None
    return FieldSpec(
        name=str(data.get("name") or ""),
        label=str(data.get("label") or ""),
        type=str(data.get("type") or "text"),
        required=bool(data.get("required")),
        choices=tuple((str(value), str(label)) for value, label in data.get("choices") or ()),
        min=_number(data.get("min")),
        max=_number(data.get("max")),
        help=str(data.get("help") or ""),
        condition=condition,
    )


# --- the fields of a request type --------------------------------------------------

def plugin_declaration(request_type: RequestType):
    """The plugin's ``RequestTypeDecl`` behind a commune's type (None for the commune's own)."""
    if not request_type.plugin:
        return None
    for decl in current_app.extensions["grc"].request_types():
        if decl.code == request_type.code:
            return decl
    return None


def fields_of(request_type: RequestType) -> list[FieldSpec]:
    decl = plugin_declaration(request_type)
    if decl is not None:
        return list(decl.fields)
    return [spec_from_dict(item) for item in request_type.fields or ()]


def check_specs(fields: Iterable[FieldSpec | Mapping]) -> list[str]:
    """Why these fields cannot make a form (empty: they can)."""
    errors: list[str] = []
    earlier: dict[str, FieldSpec] = {}
    for position, item in enumerate(fields, start=1):
        try:
            spec = item if isinstance(item, FieldSpec) else spec_from_dict(item)
        except (TypeError, ValueError):
            errors.append(_("Field %(n)d: the bounds must be numbers.", n=position))
            continue
        errors.extend(_check_one(position, spec, earlier))
        if spec.name:
            earlier.setdefault(spec.name, spec)
    return errors


def _check_one(position: int, spec: FieldSpec, earlier: dict[str, FieldSpec]) -> list[str]:
    name = spec.name or str(position)
    errors = []
    if not FIELD_NAME.match(spec.name) or len(spec.name) > FIELD_NAME_MAX:
        errors.append(_(
            "Field %(name)s: the name must be lower-case letters, digits and underscores, starting with a "
            "letter (at most %(max)d characters).", name=name, max=FIELD_NAME_MAX))
    elif spec.name in earlier:
        errors.append(_("Field %(name)s: another field already has this name.", name=name))
    if not spec.label.strip():
        errors.append(_("Field %(name)s: the label is required.", name=name))
    if spec.type not in FIELD_TYPES:
        errors.append(_("Field %(name)s: unknown type « %(type)s ».", name=name, type=spec.type))
    if spec.type in CHOICE_TYPES:
        values = [value for value, _label in spec.choices]
        if not values:
            errors.append(_("Field %(name)s: a list of choices is required.", name=name))
        elif any(not value.strip() for value in values) or len(set(values)) != len(values):
            errors.append(_("Field %(name)s: each choice needs its own, non-empty value.", name=name))
    elif spec.choices:
        errors.append(_("Field %(name)s: only choice fields have choices.", name=name))
    if spec.min is not None or spec.max is not None:
        if spec.type not in NUMBER_TYPES + TEXT_TYPES:
            errors.append(_("Field %(name)s: bounds apply only to numbers and text.", name=name))
        elif spec.min is not None and spec.max is not None and spec.min > spec.max:
            errors.append(_("Field %(name)s: the minimum is greater than the maximum.", name=name))
        elif spec.type in TEXT_TYPES and any(
                bound is not None and (bound < 0 or not float(bound).is_integer()) for bound in (spec.min, spec.max)):
            errors.append(_("Field %(name)s: text lengths are whole numbers of characters.", name=name))
    if spec.condition is not None:
        errors.extend(_check_condition(name, spec.condition, earlier))
    return errors


def _check_condition(name: str, condition, earlier: dict[str, FieldSpec]) -> list[str]:
    field, values = condition
    controlling = earlier.get(field)
    if controlling is None:
        return [_("Field %(name)s: the condition must refer to a field above it (« %(field)s »).",
                  name=name, field=field)]
    if controlling.type == "file":
        return [_("Field %(name)s: a condition cannot depend on a file.", name=name)]
    if not values:
        return [_("Field %(name)s: the condition needs at least one value.", name=name)]
    if controlling.type in CHOICE_TYPES:
        known = {value.lower() for value, _label in controlling.choices}
        unknown = [v for v in values if v.lower() not in known]
        if unknown:
            return [_("Field %(name)s: « %(values)s » is not a choice of « %(field)s ».",
                      name=name, values=", ".join(unknown), field=field)]
    return []


# --- values as text (conditions and routing rules) --------------------------------------

def _fold(text: str) -> str:
    return text.strip().casefold()


def value_texts(value) -> set[str]:
    """Every text a stored or submitted value stands for, folded for comparison."""
    if isinstance(value, bool):
        return set(TRUE_WORDS if value else FALSE_WORDS)
    if value is None:
        return {""}
    if isinstance(value, (list, tuple, set)):
        return {text for item in value for text in value_texts(item)} or {""}
    if isinstance(value, date):
        return {value.isoformat(), value.strftime("%d/%m/%Y")}
    if isinstance(value, Decimal):
        return {_fold(str(value)), _fold(format(value.normalize(), "f"))}
    return {_fold(str(value))}


def value_matches(value, expected: Iterable[str]) -> bool:
    """Does the value equal one of ``expected``, as text, ignoring case?"""
    return bool(value_texts(value) & {_fold(str(item)) for item in expected})


# --- names from labels --------------------------------------------------------------------

def snake_case(label: str, max_length: int = FIELD_NAME_MAX) -> str:
    """``"Date de l'événement"`` → ``"date_de_l_evenement"``."""
    ascii_text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:max_length].rstrip("_")
    if name and not name[0].isalpha():
        name = f"f_{name}"[:max_length]
    return name


# --- the request types agents may use -----------------------------------------------------

def _usable(request_type: RequestType, active: list[str], channel: str | None) -> bool:
    if not request_type.active or (request_type.plugin and request_type.plugin not in active):
        return False
    return channel is None or channel in (request_type.channels or ())


def active_request_types(channel: str | None = None) -> list[RequestType]:
    """The current commune's types an agent may file now, by label: active,
    their plugin enabled, and open to ``channel`` when one is given."""
    active = active_plugins(_commune_id())
    types = db.session.scalars(select(RequestType).where(RequestType.active.is_(True)).order_by(RequestType.label))
    return [t for t in types if _usable(t, active, channel)]


@cache
def _type_statement():
    """:func:`usable_request_type`'s query, built once (a bound ``request_type_id``):
    building it and its cache key took 0.15 ms on every filing."""
    return select(RequestType).where(RequestType.id == bindparam("request_type_id")).options(
        joinedload(RequestType.workflow), joinedload(RequestType.service))


def usable_request_type(request_type_id, channel: str | None = None) -> RequestType | None:
    """The type with this id if it may be filed now (else None: unknown,
    inactive, another commune's, its domain disabled, or closed to ``channel``).

    ``request_type_id`` may be a type this request already read (the intake
    checks it, then files it): it is checked again, not read again."""
    commune_id = _commune_id()
    if isinstance(request_type_id, RequestType) and request_type_id in db.session:
        request_type = request_type_id if commune_id in (None, request_type_id.commune_id) else None
    else:
        wanted = parse_id(getattr(request_type_id, "id", request_type_id))
        if wanted is None:
            return None
        # A query, not session.get(): the identity map would skip the commune's scoping.
        # Its workflow and service with it: filing reads both (the workflow's start, the routing).
        request_type = db.session.scalar(_type_statement(), {"request_type_id": wanted})
    if request_type is None or not _usable(request_type, active_plugins(commune_id), channel):
        return None
    return request_type


def _commune_id() -> int | None:
    commune = g.get("grc_commune")
    return commune.id if commune is not None else current_commune_id()
