"""A transition's own fields: asked when it is applied, validated like a form.

A transition may ask for values that belong to it, not to the request (the
date of a decision, the reason of a refusal): ``fields`` of its definition,
one :class:`FieldSpec` dict each. They are validated with the form builder
of request types (:mod:`grc_core.forms.builder`), so their rules are the
same everywhere; the clean values go to the history event and to the
hooks, never into the request's form data.

On the request page each such transition has a form of its own whose inputs
are named :func:`input_prefix` + field name, so that two transitions asking
for the same field never clash.
"""
from __future__ import annotations

from collections.abc import Mapping

from ..forms.builder import build_form_class, condition_holds, spec_fields
from .definition import transition_fields


def input_prefix(transition: dict) -> str:
    return f"t_{transition['code']}__"


def build(transition: dict, formdata=None, prefix: str = "f_"):
    """The transition's form, filled from ``formdata`` (a MultiDict of inputs named ``prefix`` + name)."""
    form_class = build_form_class(transition_fields(transition), prefix=prefix)
    return form_class(formdata=formdata, meta={"csrf": False})


def validate(transition: dict, values: Mapping) -> tuple[dict, dict[str, list[str]]]:
    """``(clean values, errors by field name)`` of ``values`` (keyed by field
    name, as the API or a test gives them, or as read from the page)."""
    from ..forms.validation import _json_value, _submitted

    if not transition_fields(transition):
        return {}, {}
    own = {spec.name for spec in transition_fields(transition)}
    form = build(transition, _submitted({name: value for name, value in values.items() if name in own}))
    form.validate()
    clean, errors = {}, {}
    for spec, field in spec_fields(form):
        if field.errors:
            errors[spec.name] = list(field.errors)
        elif condition_holds(form, spec):
            clean[spec.name] = _json_value(spec, field)
    return clean, errors


def posted_values(transition: dict, form) -> dict:
    """The values of the transition's own inputs in a posted form, keyed by field name."""
    prefix = input_prefix(transition)
    values = {}
    for spec in transition_fields(transition):
        posted = [value for value in form.getlist(prefix + spec.name) if str(value).strip()]
        if posted:
            values[spec.name] = posted if spec.type == "multichoice" else posted[0]
    return values
