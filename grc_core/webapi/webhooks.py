"""Signed webhooks: a commune's endpoints get its requests' events.

- **Events** come from the request's history: a ``created``, ``transition``
  or ``message`` row of ``RequestEvent`` becomes ``request.created``,
  ``request.state_changed`` or ``message.added``; a transition into a
  state of kind ``closed`` from one that is not is also ``request.closed``. A delivery row is written
  for each subscribed endpoint *in the same transaction* (an outbox): a
  change that is rolled back tells nothing, one that is committed is
  delivered even if the receiver is down then.
- **Payloads** are thin: the commune, the request's reference, type, status
  and state (and the transition's states, or whether the message is
  public) — never the citizen, the form or the text; the receiver reads
  more through the REST API with its key. Requests of confidential (CCAS)
  types send nothing at all.
- **Signature** (Standard Webhooks, https://www.standardwebhooks.com/):
  headers ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and
  ``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with
  the endpoint's secret (``whsec_`` + base64 key). docs/api.md shows the
  check.
- **Delivery**: a job (``webhooks.deliver``, on the queue when Redis is
  configured) or ``grc tick`` posts due deliveries; 2xx is delivered;
  anything else (an error status, a redirect — never followed —, a timeout)
  is retried after ``JOB_RETRY_INTERVALS`` seconds, then marked failed.
  Each attempt claims its row first, so two workers never post it twice.
- **Targets**: ``http(s)`` only, ``https`` in production, and never an
  address of a private, loopback or link-local network (SSRF) unless
  ``WEBHOOK_ALLOW_PRIVATE_TARGETS`` (tests, a closed network) — checked at
  registration and again before each post (DNS may change).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import uuid4

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..jobs import enqueue
from ..jobs.queue import queue_configured
from ..jobs.registry import job
from ..models import Commune, Request, RequestEvent, WebhookDelivery, WebhookEndpoint, utcnow
from ..requests.confidentiality import confidential_types
from ..tenancy import unscoped, use_commune
from ..tenancy.resolver import WEBHOOK_COMMUNES
from ..tenancy.scoping import current_commune_id, is_unscoped

EVENT_OF_KIND = {"created": "request.created", "transition": "request.state_changed", "message": "message.added"}
CLOSED = "request.closed"
PENDING = "grc_webhook_deliveries"
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


# --- targets ---------------------------------------------------------------------------

def target_problem(url: str) -> str | None:
    """Why events may not be sent to ``url`` (None: they may)."""
    settings = current_app.config["GRC"]
    parts = urlsplit(url or "")
    allowed = ("https",) if settings.get("PRODUCTION") else ("https", "http")
    if parts.scheme not in allowed or not parts.hostname or len(url) > 500:
        return _("The address must be an https:// URL (at most 500 characters).")
    if settings.get("WEBHOOK_ALLOW_PRIVATE_TARGETS"):
        return None
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (OSError, UnicodeError):
        return _("The host name of this address cannot be resolved.")
    if any(not ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        return _("This address is on a private or local network: events are never sent there.")
    return None


# --- events become deliveries ----------------------------------------------------------

def _payload(name: str, history: RequestEvent, request: Request, commune: Commune) -> dict:
    data = {"commune": commune.slug, "reference": request.reference, "request_type": request.request_type.code,
            "status": "closed" if request.state_kind == "closed" else "open", "state": request.state}
    if name in ("request.state_changed", CLOSED):
        data.update(from_state=history.from_state, to_state=history.to_state)
    elif name == "message.added":
        data["public"] = bool((history.details or {}).get("public"))
    return {"type": name, "timestamp": (history.at or utcnow()).isoformat(), "data": data}


def _closes(history: RequestEvent, request: Request) -> bool:
    """Does this transition bring the request into a closed-kind state (from one that is not)?"""
    if history.kind != "transition" or request.workflow is None:
        return False
    definition = request.workflow.definition or {}
    kinds = {state.get("code"): state.get("kind") for state in definition.get("states", ())}
    return kinds.get(history.to_state) == "closed" and kinds.get(history.from_state) != "closed"


def _may_have_endpoints(commune_id: int) -> bool:
    """False when this request read the commune with the signed-in member's
    memberships and it had no active endpoint then (grc_core.tenancy.resolver):
    no query."""
    if not has_request_context():
        return True
    return g.get(WEBHOOK_COMMUNES, {}).get(commune_id, True)


@event.listens_for(Session, "before_flush")
def _write_deliveries(session: Session, flush_context, instances) -> None:
    history = [row for row in session.new if isinstance(row, RequestEvent) and row.kind in EVENT_OF_KIND]
    commune_id = current_commune_id()
    if not history or commune_id is None or is_unscoped() or not _may_have_endpoints(commune_id):
        return
    with session.no_autoflush:
        endpoints = list(session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))))
        if not endpoints:
            return
        commune = session.get(Commune, commune_id)
        secret_types = confidential_types(commune_id)
        now = utcnow()
        for row in history:
            request = row.request or session.get(Request, row.request_id)
            if request is None or request.request_type is None or request.request_type.code in secret_types:
                continue
            names = [EVENT_OF_KIND[row.kind]] + ([CLOSED] if _closes(row, request) else [])
            for name in names:
                payload = _payload(name, row, request, commune)
                for endpoint in endpoints:
                    if name in (endpoint.events or ()):
                        session.add(WebhookDelivery(commune_id=commune_id, endpoint=endpoint, event=name,
                                                    message_id=f"msg_{uuid4().hex}", payload=payload,
                                                    next_attempt_at=now))


@event.listens_for(Session, "after_flush")
def _remember_deliveries(session: Session, flush_context) -> None:
    written = [(row.commune_id, row.id) for row in session.new if isinstance(row, WebhookDelivery)]
    if written:
        session.info.setdefault(PENDING, []).extend(written)


@event.listens_for(Session, "after_commit")
def _queue_deliveries(session: Session) -> None:
    written = session.info.pop(PENDING, [])
    if written and queue_configured():
        for commune_id, delivery_id in written:
            enqueue("webhooks.deliver", commune_id=commune_id, delivery_id=delivery_id)


@event.listens_for(Session, "after_rollback")
def _forget_deliveries(session: Session) -> None:
    session.info.pop(PENDING, None)


# --- posting ---------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is answered as it is: an error status


def _post(url: str, body: bytes, headers: dict, timeout: float) -> tuple[int | None, str]:
    """(status, error): the receiver's status, or None and why nothing answered."""
    problem = target_problem(url)
    if problem:
        return None, problem
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, (_("Redirects are not followed.") if 300 <= error.code < 400 else "")
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))[:500]


def deliver(delivery_id: int, now: datetime | None = None) -> str:
    """One attempt at a pending delivery of the current commune; its status after."""
    now = now or utcnow()
    settings = current_app.config["GRC"]
    delivery = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id))
    if delivery is None or delivery.status != "pending":
        return delivery.status if delivery else "unknown"
    claimed = db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == delivery.id, WebhookDelivery.status == "pending",
        WebhookDelivery.attempts == delivery.attempts).values(attempts=delivery.attempts + 1, last_attempt_at=now))
    db.session.commit()
    if claimed.rowcount != 1:
        return "claimed"
    db.session.refresh(delivery)
    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = int(now.timestamp())
    status, error = _post(endpoint.url, body, {
        "Content-Type": "application/json", "User-Agent": "GRC-Webhooks/1",
        "webhook-id": delivery.message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(endpoint.secret, delivery.message_id, timestamp, body),
    }, float(settings.get("WEBHOOK_TIMEOUT_SECONDS") or 10))
    delivery.response_code = status
    if status is not None and 200 <= status < 300:
        delivery.status, delivery.error, delivery.next_attempt_at = "delivered", "", None
    else:
        intervals = [int(seconds) for seconds in settings.get("JOB_RETRY_INTERVALS") or ()]
        delivery.error = error or _("The receiver answered %(status)s.", status=status)
        if delivery.attempts <= len(intervals):
            delivery.next_attempt_at = now + timedelta(seconds=intervals[delivery.attempts - 1])
        else:
            delivery.status, delivery.next_attempt_at = "failed", None
    db.session.commit()
    return delivery.status


@job("webhooks.deliver", without_queue="tick")
def deliver_webhook(delivery_id: int) -> str:
    return deliver(delivery_id)


def deliver_due(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """What ``grc tick`` does: one attempt at each due delivery, every commune."""
    now = now or utcnow()
    with unscoped():
        due = db.session.execute(select(WebhookDelivery.commune_id, WebhookDelivery.id).where(
            WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at).limit(limit)).all()
    counts = {"delivered": 0, "failed": 0, "retrying": 0}
    for commune_id, delivery_id in due:
        with use_commune(commune_id):
            status = deliver(delivery_id, now)
        key = {"delivered": "delivered", "failed": "failed"}.get(status, "retrying")
        counts[key] += 1
    return counts


def replay(delivery: WebhookDelivery, now: datetime | None = None) -> None:
    """Send a delivery again (same webhook-id: a receiver may drop a duplicate); committed."""
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now or utcnow()
    delivery.error = ""
    db.session.commit()
    if queue_configured():
        enqueue("webhooks.deliver", commune_id=delivery.commune_id, delivery_id=delivery.id)
