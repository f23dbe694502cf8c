"""A workflow definition is plain data, stored as JSON on ``Workflow.definition``::

    {"states": [{"code", "label", "kind", "visible"}],
     "transitions": [{"code", "label", "source": [...], "target", "roles": [...],
                      "permission", "comment_required", "required_fields": [...],
                      "notify_citizen", "set_due_days", "fields": [<field spec>, ...], "resume"}],
     "timers": [{"code", "state", "transition", "delay_days", "delay_months", "anchor",
                 "delay_hours", "condition": {"field", "values": [...]} | null,
                 "action": "transition" | "escalate", "escalate": ["notify", "assign"]}]}

``anchor`` is ``entered_state``, ``created`` or the name of a date field of
the request's form data. A transition's ``fields`` are its own form fields
(:func:`grc_core.forms.specs.spec_to_dict`), asked when it is applied.
``resume`` (true) marks the transition a citizen's answer takes from a
waiting state (:func:`resume_transition`).
Keys added since the first version (``fields``, ``delay_hours``,
``condition``, ``action``, ``escalate``, ``resume``) may be missing from stored
definitions: :func:`timer_settings` and :func:`transition_spec` read them
with their defaults, so no data migration is needed.

Plugins declare templates as :class:`WorkflowDecl`; :func:`from_decl` turns
one into this form, and each commune keeps and edits its own copy.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from ..plugin_api.types import TimerSpec, TransitionSpec, WorkflowDecl


def from_decl(decl: WorkflowDecl) -> dict:
    """The template as a commune's copy stores it: labels in the default
    language with their translation key (grc_core.copied_labels), whatever the
    language of whoever enables the domain or compares the copy."""
    from ..forms.specs import spec_to_dict

    return {
        "states": [
            {"code": s.code, **_label(s.label), "kind": s.kind, "visible": s.visible_to_citizen}
            for s in decl.states
        ],
        "transitions": [_transition_from_decl(t, spec_to_dict) for t in decl.transitions],
        "timers": [_timer_from_decl(timer) for timer in decl.timers],
    }


# Keys added by the contract's second version are written only when they say
# something: the templates that do not use them keep their fingerprint, and
# communes are not told that a template changed when it did not.
def _label(label) -> dict:
    """``label`` (and ``label_key`` when the plugin's label has one)."""
    from ..copied_labels import copied

    text, key = copied(label)
    return {"label": text, "label_key": key} if key else {"label": text}


def _transition_from_decl(transition: TransitionSpec, spec_to_dict) -> dict:
    data = {**asdict(transition), **_label(transition.label), "source": list(transition.source),
            "roles": list(transition.roles), "required_fields": list(transition.required_fields)}
    del data["fields"]
    if not transition.resume:
        del data["resume"]
    if transition.fields:
        data["fields"] = [_field(spec, spec_to_dict) for spec in transition.fields]
    return data


def _field(spec, spec_to_dict) -> dict:
    """A transition's own field, its label, help and choices with their keys."""
    from ..copied_labels import copied

    data = {**spec_to_dict(spec), **_label(spec.label)}
    help_text, help_key = copied(spec.help or "")
    if help_key:
        data.update(help=help_text, help_key=help_key)
    choices = [copied(label) for _value, label in spec.choices]
    if any(key for _text, key in choices):
        data["choices"] = [[str(value), text] for (value, _label), (text, _key) in zip(spec.choices, choices)]
        data["choice_keys"] = [key for _text, key in choices]
    return data


def _timer_from_decl(timer: TimerSpec) -> dict:
    data = {"code": timer.code, "state": timer.state, "transition": timer.transition,
            "delay_days": timer.delay_days, "delay_months": timer.delay_months, "anchor": timer.anchor}
    if timer.delay_hours:
        data["delay_hours"] = timer.delay_hours
    if timer.condition:
        data["condition"] = {"field": timer.condition[0], "values": [str(v) for v in timer.condition[1]]}
    if timer.action != "transition":
        data["action"] = timer.action
        data["escalate"] = list(timer.escalate)
    return data


def timer_settings(timer: dict) -> dict:
    """A stored timer with every key, old definitions' missing ones at their default."""
    condition = timer.get("condition")
    if not (isinstance(condition, dict) and condition.get("field")):
        condition = None
    return {
        "code": timer.get("code") or "", "state": timer.get("state") or "",
        "transition": timer.get("transition") or "",
        "delay_months": timer.get("delay_months") or 0, "delay_days": timer.get("delay_days") or 0,
        "delay_hours": timer.get("delay_hours") or 0, "anchor": timer.get("anchor") or "entered_state",
        "condition": condition, "action": timer.get("action") or "transition",
        "escalate": list(timer.get("escalate") or ()),
    }


def fingerprint(definition: dict) -> str:
    """Identifies a template version, to tell a commune that its template
    changed. Translation keys are left out: copies made before they were
    stored keep their fingerprint."""
    return hashlib.sha256(json.dumps(without_keys(definition), sort_keys=True, ensure_ascii=False).encode()
                          ).hexdigest()


TRANSLATION_KEYS = ("label_key", "help_key", "choice_keys")


def without_keys(value):
    """``value`` without its translation keys, at every depth."""
    if isinstance(value, dict):
        return {name: without_keys(item) for name, item in value.items() if name not in TRANSLATION_KEYS}
    if isinstance(value, list):
        return [without_keys(item) for item in value]
    return value


ANCHORS = ("entered_state", "created")


def states(definition: dict) -> dict[str, dict]:
    """States by code, in the definition's order."""
    return {state["code"]: state for state in definition.get("states", ())}


def state(definition: dict, code: str) -> dict | None:
    return states(definition).get(code)


def initial_state(definition: dict) -> dict | None:
    """The state a request starts in: the (single) state of kind ``new``."""
    return next((s for s in definition.get("states", ()) if s.get("kind") == "new"), None)


def state_label(definition: dict | None, code: str) -> str:
    """The state's label in the reader's language, or its code when the state is unknown."""
    found = state(definition or {}, code)
    return shown(found) if found and found.get("label") else code


def localized(definition: dict | None) -> dict:
    """A copy of ``definition`` whose states', transitions' and transition
    fields' labels read in the reader's language: what pages show."""
    definition = definition or {}

    def one(item: dict) -> dict:
        item = {**item, "label": shown(item)}
        if item.get("fields"):
            item["fields"] = [readable_field(spec) for spec in item["fields"] if isinstance(spec, dict)]
        return item

    return {**definition, "states": [one(s) for s in definition.get("states", ())],
            "transitions": [one(t) for t in definition.get("transitions", ())]}


def readable_field(spec: dict) -> dict:
    """A stored field spec whose label, help and choices read in the reader's language."""
    from ..copied_labels import shown_label

    readable = {**spec, "label": shown(spec)}
    if spec.get("help_key"):
        readable["help"] = shown_label(spec.get("help") or "", spec["help_key"])
    keys = spec.get("choice_keys") or ()
    if keys and len(keys) == len(spec.get("choices") or ()):
        readable["choices"] = [[value, shown_label(label, key)] for (value, label), key in zip(spec["choices"], keys)]
    return readable


def shown(item: dict) -> str:
    """A state's or transition's label in the reader's language (grc_core.copied_labels)."""
    from ..copied_labels import shown_label

    return shown_label(item.get("label") or "", item.get("label_key"))


def transition(definition: dict, code: str) -> dict | None:
    return next((t for t in definition.get("transitions", ()) if t.get("code") == code), None)


def resume_transition(definition: dict, state_code: str) -> dict | None:
    """The transition a citizen's answer takes from this state: marked
    ``resume``, from a state of kind waiting (validation allows one per state)."""
    found = state(definition, state_code)
    if found is None or found.get("kind") != "waiting":
        return None
    return next((t for t in definition.get("transitions", ())
                 if t.get("resume") is True and state_code in (t.get("source") or ())), None)


def timers_on(definition: dict, state_code: str) -> list[dict]:
    return [timer for timer in definition.get("timers", ()) if timer.get("state") == state_code]


def transition_spec(data: dict) -> TransitionSpec:
    """A stored transition as the :class:`TransitionSpec` plugins receive in
    ``grc_request_transitioned``."""
    return TransitionSpec(
        code=data["code"], label=data.get("label", ""), source=tuple(data.get("source", ())),
        target=data["target"], roles=tuple(data.get("roles", ())), permission=data.get("permission") or None,
        comment_required=bool(data.get("comment_required")),
        required_fields=tuple(data.get("required_fields", ())),
        notify_citizen=bool(data.get("notify_citizen")), set_due_days=data.get("set_due_days"),
        fields=transition_fields(data), resume=bool(data.get("resume")),
    )


def transition_fields(data: dict) -> tuple:
    """The transition's own :class:`FieldSpec` fields (none in older definitions)."""
    from ..forms.specs import spec_from_dict

    return tuple(spec_from_dict(readable_field(spec)) for spec in data.get("fields") or () if isinstance(spec, dict))
