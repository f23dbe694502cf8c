"""Writing audit events: who did or tried what, on what, when."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from .extensions import db
from .models import AuditEvent
from .tenancy.scoping import current_commune_id


def client_ip() -> str:
    # Behind a proxy, configure werkzeug's ProxyFix so remote_addr is right.
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, target: str = "", details: dict | None = None, *, user=None, commit=True) -> AuditEvent:
    """Append an audit event in the current commune (None outside one).

    Committed at once by default, so that a refused action is recorded even
    though the request that tried it is rolled back.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    event = AuditEvent(
        commune_id=current_commune_id(),
        user_id=getattr(user, "id", None),
        action=action,
        target=target[:200],
        ip=client_ip(),
        details=details or {},
    )
    db.session.add(event)
    if commit:
        db.session.commit()
    return event
