"""A workflow definition is plain data, stored as JSON on ``Workflow.definition``::

    {"states": [{"code", "label", "kind", "visible"}],
     "transitions": [{"code", "label", "source": [...], "target", "roles": [...],
                      "permission", "comment_required", "required_fields": [...],
                      "notify_citizen", "set_due_days"}],
     "timers": [{"code", "state", "transition", "delay_days", "delay_months", "anchor"}]}

Plugins declare templates as :class:`WorkflowDecl`; :func:`from_decl` turns
one into this form, and each commune keeps and edits its own copy.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from ..plugins.types import WorkflowDecl


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
