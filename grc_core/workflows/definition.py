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
    from ..forms.specs import spec_to_dict

    return {
        "states": [
            {"code": s.code, "label": str(s.label), "kind": s.kind, "visible": s.visible_to_citizen}
            for s in decl.states
        ],
        "transitions": [_transition_from_decl(t, spec_to_dict) for t in decl.transitions],
        "timers": [_timer_from_decl(timer) for timer in decl.timers],
    }


# Keys added by the contract's second version are written only when they say
# something: the templates that do not use them keep their fingerprint, and
# communes are not told that a template changed when it did not.
def _transition_from_decl(transition: TransitionSpec, spec_to_dict) -> dict:
    data = {**asdict(transition), "label": str(transition.label), "source": list(transition.source),
            "roles": list(transition.roles), "required_fields": list(transition.required_fields)}
    del data["fields"]
    if not transition.resume:
        del data["resume"]
    if transition.fields:
        data["fields"] = [spec_to_dict(spec) for spec in transition.fields]
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
    """Identifies a template version, to tell a commune that its template changed."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


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
    """The state's label, or its code when the state is unknown."""
    found = state(definition or {}, code)
    return found["label"] if found and found.get("label") else code


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

    return tuple(spec_from_dict(spec) for spec in data.get("fields") or () if isinstance(spec, dict))
