"""Rectifying a citizen's record (RGPD article 16): the normal edit, with its
history — every change writes an audit event ``citizen.rectified`` holding
each changed field's old and new values, who and when. The RGPD access
export lists them."""
from __future__ import annotations

from ..audit import record
from .rgpd_access import IDENTITY, RECTIFIED, plain

# What an agent edits (the timestamps change by themselves).
EDITABLE = tuple(name for name in IDENTITY if name not in ("created_at", "updated_at"))


def rectify(citizen, apply, *, actor) -> dict:
    """Run ``apply(citizen)`` and record what it changed; ``{field: [old, new]}``."""
    before = {name: getattr(citizen, name) for name in EDITABLE}
    apply(citizen)
    changes = {name: [plain(before[name]), plain(getattr(citizen, name))]
               for name in EDITABLE if getattr(citizen, name) != before[name]}
    if changes:
        record(RECTIFIED, target=f"citizen:{citizen.id}", user=actor, commit=False, details={"changes": changes})
    return changes
