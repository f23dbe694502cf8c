"""Bounces: addresses a mail server refused.

Two ways a refusal comes back:

- at once, when our relay refuses the recipient with a permanent 5xx reply
  to ``RCPT TO``: the core's outbox marks the e-mail ``bounced`` (not
  retried; a 4xx is retried as usual) and ``sending.sync_delivery`` records
  it here;
- later, as a delivery status notification (RFC 3464) sent by a remote
  server to the e-mail's envelope sender. Each campaign e-mail has its own
  (VERP): ``bounces+<commune>-<recipient>-<signature>@MAIL_BOUNCE_DOMAIN``,
  so the report names its recipient without trusting the report's text.
  The MTA of that domain pipes the reports to ``grc campagnes bounces``
  (:func:`process`), or an mbox of them is read the same way.

A hard bounce (action ``failed``, status 5.x.x) marks the recipient bounced
and the address in error: the commune's later campaigns leave it out with
the reason « adresse en erreur ». A delay (4.x.x) is only reported: the
remote server is still trying.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from email.message import Message

from flask import current_app
from sqlalchemy import select

from grc_core.plugin_api import db, use_commune

from .models import AddressInError, CampaignRecipient

LOCAL_PART = "bounces"
TOKEN = re.compile(r"bounces\+(\d+)-(\d+)-([0-9a-f]{20})@", re.IGNORECASE)
# Where an MTA writes the envelope recipient of the report (our VERP address).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")


def _signature(commune_id: int, recipient_id: int) -> str:
    # Lower-case hex: some MTAs lower-case the local part.
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    return hmac.new(key, f"campagnes.bounce:{commune_id}:{recipient_id}".encode(),
                    hashlib.sha256).hexdigest()[:20]


def return_path(recipient: CampaignRecipient) -> str:
    """The recipient's envelope sender, or "" when no bounce domain is configured."""
    domain = (current_app.config["GRC"].get("MAIL_BOUNCE_DOMAIN") or "").strip()
    if not domain or not recipient.id:
        return ""
    return (f"{LOCAL_PART}+{recipient.commune_id}-{recipient.id}-"
            f"{_signature(recipient.commune_id, recipient.id)}@{domain}")


def recipient_of(text: str) -> tuple[int, int] | None:
    """(commune id, recipient id) of the first well-signed VERP address in ``text``."""
    for match in TOKEN.finditer(text):
        commune_id, recipient_id, signature = int(match.group(1)), int(match.group(2)), match.group(3).lower()
        if hmac.compare_digest(signature, _signature(commune_id, recipient_id)):
            return commune_id, recipient_id
    return None


def record(recipient: CampaignRecipient, detail: str, now) -> None:
    """A hard bounce: the recipient is bounced, the address in error for later campaigns."""
    detail = " ".join(str(detail).split())[:300]
    if recipient.status != "bounced":
        recipient.status, recipient.bounced_at, recipient.bounce_detail = "bounced", now, detail
    if not db.session.scalar(select(AddressInError.id).where(
            AddressInError.channel == recipient.channel, AddressInError.address == recipient.address)):
        db.session.add(AddressInError(commune_id=recipient.commune_id, channel=recipient.channel,
                                      address=recipient.address, detail=detail, recorded_at=now))


def _report_fields(message: Message) -> list[Message]:
    """The per-recipient field groups of a delivery-status report (RFC 3464 §2.3)."""
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            groups = part.get_payload()
            if isinstance(groups, list):
                return [group for group in groups[1:] if isinstance(group, Message)]
    return []


def _verp_recipient(message: Message) -> tuple[int, int] | None:
    for name in ENVELOPE_HEADERS:
        for value in message.get_all(name) or ():
            found = recipient_of(str(value))
            if found:
                return found
    # Some MTAs only keep it in the returned message's headers (its Return-Path).
    return recipient_of(message.as_string())


def process(message: Message, now) -> str:
    """Record what one report says; returns what was done:
    ``bounced`` (hard), ``failed`` (given up, not the address's fault),
    ``delayed``, ``not-a-report`` or ``unknown-recipient``."""
    fields = _report_fields(message)
    if not fields:
        return "not-a-report"
    found = _verp_recipient(message)
    if found is None:
        return "unknown-recipient"
    commune_id, recipient_id = found
    with use_commune(commune_id):
        recipient = db.session.get(CampaignRecipient, recipient_id)
        if recipient is None or recipient.commune_id != commune_id:
            return "unknown-recipient"
        outcome = "delayed"
        for group in fields:
            action = (group.get("Action") or "").strip().lower()
            status = (group.get("Status") or "").strip()
            if action != "failed":
                continue
            detail = f"{status} {group.get('Diagnostic-Code') or ''}".strip()
            if status.startswith("5"):
                record(recipient, detail, now)
                outcome = "bounced"
                break
            if recipient.status == "sent":
                recipient.status, recipient.bounce_detail = "failed", detail[:300]
            outcome = "failed"
        db.session.commit()
    return outcome
