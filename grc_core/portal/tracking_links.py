"""Private tracking links: follow and answer one request without an account.

Issued when a filing without an account is verified (grc_core.portal.anonymous).
The token is unguessable (256 random bits) and only its SHA-256 is stored; a
link belongs to its request's commune (tenancy: another commune's token is
unknown there) and works until revoked — by the citizen on the tracking page,
or by an agent on the request's page. Which request a token opens is decided
in grc_core.security.access.tracked_request.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select, update

from ..extensions import db
from ..models import Request, RequestEvent, TrackingLink
from ..security import clock
from .tokens import digest, new_token


def issue(request: Request) -> str:
    """A new link's token (the caller commits)."""
    token = new_token()
    db.session.add(TrackingLink(request_id=request.id, commune_id=request.commune_id, token_hash=digest(token),
                                created_at=clock.now()))
    return token


def revoke(link: TrackingLink) -> None:
    """The citizen revokes his link: it stops working, and the request's
    history says so (the caller commits)."""
    if link.revoked_at is None:
        link.revoked_at = clock.now()
        db.session.add(RequestEvent(request_id=link.request_id, commune_id=link.commune_id, at=link.revoked_at,
                                    kind="tracking_revoked", details={"by_citizen": True}))


def revoke_all(request: Request, actor) -> int:
    """An agent revokes every live link of the request (the caller commits); how many."""
    now = clock.now()
    revoked = db.session.execute(update(TrackingLink).where(
        TrackingLink.request_id == request.id, TrackingLink.revoked_at.is_(None),
    ).values(revoked_at=now).execution_options(synchronize_session=False)).rowcount
    if revoked:
        db.session.add(RequestEvent(request_id=request.id, commune_id=request.commune_id, at=now,
                                    actor_id=actor.id, kind="tracking_revoked", details={}))
    return revoked


def live_count(request: Request) -> int:
    return db.session.scalar(_live_count_statement(), {"request_id": request.id})


@cache
def _live_count_statement():
    # Built once (a bound ``request_id``): every request page asks.
    return select(func.count()).select_from(TrackingLink).where(
        TrackingLink.request_id == bindparam("request_id"), TrackingLink.revoked_at.is_(None))
