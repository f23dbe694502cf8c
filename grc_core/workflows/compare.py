"""A commune's copy of a workflow against its plugin's template, side by side.

The copy is never overwritten by a template update (DESIGN.md): the admin
reads what differs — states, transitions and timers added, removed or
changed, attribute by attribute — and applies what they want in the editor.
Pure functions of two definitions (plain dicts, grc_core.workflows.definition).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# The attributes compared, per part, in the editor's order.
ATTRIBUTES = {
    "states": ("label", "kind", "visible"),
    "transitions": ("label", "source", "target", "roles", "permission", "comment_required", "notify_citizen",
                    "set_due_days", "required_fields", "fields"),
    "timers": ("state", "action", "transition", "escalate", "delay_days", "delay_months", "delay_hours", "anchor",
               "condition"),
}
# Keys older definitions lack read as their default: no difference where there is none.
DEFAULTS = {"visible": True, "anchor": "entered_state", "delay_days": 0, "delay_months": 0, "delay_hours": 0,
            "action": "transition", "fields": [], "escalate": []}


@dataclass
class Difference:
    """One state, transition or timer that differs. ``status``: ``added`` (only
    in the template), ``removed`` (only in the copy) or ``changed``;
    ``attributes``: ``(name, value in the copy, value in the template)``."""

    code: str
    status: str
    attributes: list[tuple[str, object, object]] = field(default_factory=list)


def _normal(name: str, value):
    from .definition import without_keys

    value = without_keys(value)
    if value is None or value == "":
        value = DEFAULTS.get(name)
    if isinstance(value, (list, tuple)):
        return sorted(value) if name in ("source", "roles") else list(value)
    return value


def _by_code(definition: dict, part: str) -> dict[str, dict]:
    return {row["code"]: row for row in definition.get(part) or () if row.get("code")}


def compare(copy: dict, template: dict) -> dict[str, list[Difference]]:
    """Per part (``states``, ``transitions``, ``timers``), what differs
    between the commune's ``copy`` and the plugin's ``template``: the copy's
    order first, then what only the template has. Empty lists when equal."""
    result = {}
    for part, names in ATTRIBUTES.items():
        mine, theirs = _by_code(copy, part), _by_code(template, part)
        differences = []
        for code in [*mine, *(code for code in theirs if code not in mine)]:
            ours, their = mine.get(code), theirs.get(code)
            if their is None:
                differences.append(Difference(code, "removed", [(n, _normal(n, ours.get(n)), None) for n in names]))
            elif ours is None:
                differences.append(Difference(code, "added", [(n, None, _normal(n, their.get(n))) for n in names]))
            else:
                changed = [(n, _normal(n, ours.get(n)), _normal(n, their.get(n))) for n in names
                           if _normal(n, ours.get(n)) != _normal(n, their.get(n))]
                if changed:
                    differences.append(Difference(code, "changed", changed))
        result[part] = differences
    return result


def has_differences(differences: dict[str, list[Difference]]) -> bool:
    return any(differences.values())
