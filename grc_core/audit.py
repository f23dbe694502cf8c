"""Writing audit events: who did or tried what, on what, when."""
from __future__ import annotations

import json

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from .audit_chain import chain_of, event_hash, last_link, lock_chain
from .extensions import db
from .models import AuditEvent, utcnow
from .tenancy.scoping import current_commune_id

# Session.info key: the events recorded in the transaction, written at its commit.
PENDING = "grc_audit_pending"


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
    though the request that tried it is rolled back. With ``commit=False``
    the event is written when the caller commits, and lost if it rolls back.
    Either way it is chained to the previous event of its commune at the
    commit (grc_core.audit_chain), so that the chain's lock is held only
    while committing.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    commune_id = current_commune_id()
    # Hashed as the database will give it back (tuples become lists, and so on).
    details = json.loads(json.dumps(details or {}, default=str))
    event = AuditEvent(commune_id=commune_id, at=utcnow(), user_id=getattr(user, "id", None), action=action,
                       target=target[:200], ip=client_ip(), details=details, read_permission=permission,
                       chain=chain_of(commune_id))
    session = db.session()
    if not session.in_transaction():
        # Begun now, so that a rollback before any query also drops the event.
        session.begin()
    session.info.setdefault(PENDING, []).append(event)
    if commit:
        db.session.commit()
    return event


@event.listens_for(Session, "before_commit")
def _chain_pending_events(session) -> None:
    """Link the transaction's events to their chains and write them."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    # Chains locked in one order: two transactions never wait for each other crosswise.
    for chain in sorted({e.chain for e in pending}):
        lock_chain(session, chain)
        seq, prev_hash = last_link(session, chain)
        for audit_event in (e for e in pending if e.chain == chain):
            seq += 1
            audit_event.seq, audit_event.prev_hash = seq, prev_hash
            audit_event.hash = prev_hash = event_hash(
                prev_hash=prev_hash, chain=chain, seq=seq, commune_id=audit_event.commune_id, at=audit_event.at,
                user_id=audit_event.user_id, action=audit_event.action, target=audit_event.target,
                ip=audit_event.ip, details=audit_event.details, read_permission=audit_event.read_permission)
            session.add(audit_event)
    session.flush()


@event.listens_for(Session, "after_transaction_end")
def _drop_pending_events(session, transaction) -> None:
    # Rolled back or closed without a commit: the events go with the rest.
    if transaction.parent is None:
        session.info.pop(PENDING, None)


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
