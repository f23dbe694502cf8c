"""Writing audit events: who did or tried what, on what, when."""
from __future__ import annotations

import json

from flask import has_request_context, request
from flask_login import current_user

from .audit_chain import chain_of, event_hash, last_link, lock_chain
from .extensions import db
from .models import AuditEvent, utcnow
from .tenancy.scoping import current_commune_id


def client_ip() -> str:
    # Behind a proxy, configure werkzeug's ProxyFix so remote_addr is right.
    return (request.remote_addr or "") if has_request_context() else ""


def record(action: str, target: str = "", details: dict | None = None, *, user=None, commit=True,
           permission: str | None = None) -> AuditEvent:
    """Append an audit event in the current commune (None outside one).

    ``permission``: the read permission guarding what the event is about (a
    confidential type's, e.g. ``social.read``); viewers of the log without it
    see the event without its target and details.

    Committed at once by default, so that a refused action is recorded even
    though the request that tried it is rolled back. The event is chained to
    the previous one of its commune (grc_core.audit_chain): writers of one
    commune wait for each other until the writer before them commits.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    commune_id = current_commune_id()
    chain = chain_of(commune_id)
    # Hashed as the database will give it back (tuples become lists, and so on).
    details = json.loads(json.dumps(details or {}, default=str))
    values = dict(commune_id=commune_id, at=utcnow(), user_id=getattr(user, "id", None), action=action,
                  target=target[:200], ip=client_ip(), details=details, read_permission=permission)
    lock_chain(chain)
    seq, prev_hash = last_link(chain)
    seq += 1
    event = AuditEvent(**values, chain=chain, seq=seq, prev_hash=prev_hash,
                       hash=event_hash(prev_hash=prev_hash, chain=chain, seq=seq, **values))
    db.session.add(event)
    if commit:
        db.session.commit()
    else:
        # Written now, so that the next event of this transaction finds it.
        db.session.flush()
    return event


# What an event is about; blanked for viewers without its read permission.
OBJECT_COLUMNS = ("target", "details")


def viewer_permissions() -> frozenset[str] | None:
    """The read permissions of the signed-in member (None: not restricted)."""
    from .requests.confidentiality import visible_permissions

    return visible_permissions()


def object_visible(event: AuditEvent, permissions: frozenset[str] | None) -> bool:
    return event.read_permission is None or permissions is None or event.read_permission in permissions


def object_visible_condition(permissions: frozenset[str] | None):
    """SQL condition: the events whose object these permissions may see (None: all)."""
    if permissions is None:
        return None
    return AuditEvent.read_permission.is_(None) | AuditEvent.read_permission.in_(sorted(permissions))
