"""A workflow definition is plain data, stored as JSON on ``Workflow.definition``::

    {"states": [{"code", "label", "kind", "visible"}],
     "transitions": [{"code", "label", "source": [...], "target", "roles": [...],
                      "permission", "comment_required", "required_fields": [...],
                      "notify_citizen", "set_due_days"}],
     "timers": [{"code", "state", "transition", "delay_days", "delay_months", "anchor"}]}

``anchor`` is ``entered_state``, ``created`` or the name of a date field of
the request's form data.

Plugins declare templates as :class:`WorkflowDecl`; :func:`from_decl` turns
one into this form, and each commune keeps and edits its own copy.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from ..plugin_api.types import TransitionSpec, WorkflowDecl


def from_decl(decl: WorkflowDecl) -> dict:
    return {
        "states": [
            {"code": s.code, "label": str(s.label), "kind": s.kind, "visible": s.visible_to_citizen}
            for s in decl.states
        ],
        "transitions": [
            {**asdict(t), "label": str(t.label), "source": list(t.source), "roles": list(t.roles),
             "required_fields": list(t.required_fields)}
            for t in decl.transitions
        ],
        "timers": [asdict(timer) for timer in decl.timers],
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
    )
