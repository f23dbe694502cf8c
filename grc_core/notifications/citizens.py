"""Telling a citizen that a request moved, the way he asked for.

The preferences live on the citizen record (``notify_channel``:
e-mail, SMS or none; ``notify_digest``: one e-mail a day instead of one per
update; ``language``), because the record is what every request points to,
whatever the channel it came by; the portal's "My preferences" page and the
360° record edit the same fields.

These messages are non-essential: each carries a link back to the portal and
a one-click unsubscribe link (with the List-Unsubscribe headers on e-mails).
Essential messages (verifying an address, sign-in links, a new password, the
acknowledgement of a request) do not come here: they are always e-mailed.

- ``email``: one e-mail per update, at once (or gathered in the daily digest);
- ``sms``: one SMS per update to the record's mobile number; without a valid
  mobile number or without a gateway configured, the e-mail is sent instead
  (a citizen never loses an update because of a missing setting);
- ``none``: nothing is sent, the portal shows the update.

The digest (:func:`send_digests`, run by ``grc tick``) sends, once a day has
ended where the commune is, one e-mail per citizen listing that day's
updates; each update is claimed by the digest that carries it (a
compare-and-set), so two runs never send it twice.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..extensions import db
from ..models import Citizen, Commune, DigestItem, utcnow
from ..tenancy import unscoped, use_commune
from ..tenancy.addresses import portal_url
from ..workflows.deadlines import as_utc, local_date
from . import sms
from .outbox import enqueue_email, enqueue_sms
from .templates import citizen_language, digest_texts
from .unsubscribe import citizen_token, unsubscribe_headers


def portal_link(request) -> str | None:
    commune = db.session.get(Commune, request.commune_id)
    return portal_url(commune, "portal.request_page", request_id=request.id)


def unsubscribe_link(citizen) -> str | None:
    commune = db.session.get(Commune, citizen.commune_id)
    return portal_url(commune, "portal.unsubscribe", token=citizen_token(citizen))


def _footer(citizen, request) -> tuple[str, str | None]:
    portal, stop = portal_link(request), unsubscribe_link(citizen)
    lines = []
    with force_locale(citizen_language(citizen)):
        if portal:
            lines.append(_("Follow your request on the portal: %(link)s", link=portal))
        if stop:
            lines.append(_("To stop receiving these messages: %(link)s", link=stop))
    return ("\n\n-- \n" + "\n".join(lines) + "\n") if lines else "", stop


def _email(citizen, request, subject: str, body: str, now: datetime) -> dict:
    footer, stop = _footer(citizen, request)
    enqueue_email(citizen.email, subject, body.rstrip("\n") + footer, request=request, now=now,
                  headers=unsubscribe_headers(stop) if stop else None)
    return {"channel": "email", "recipient": citizen.email, "subject": subject}


def notify_request_update(request, *, subject: str, body: str, sms_text: str, digest_line: str,
                          now: datetime | None = None) -> dict | None:
    """Queue the update for the request's citizen according to his
    preferences (not committed); what was done, for the request's history,
    or None when nothing was (no citizen, no address, "none")."""
    citizen = request.citizen
    if citizen is None or citizen.notify_channel == "none":
        return None
    now = as_utc(now or utcnow())
    if citizen.notify_channel == "sms":
        number = sms.mobile_number(citizen.phone)
        if number is not None and sms.gateway() is not None:
            portal = portal_link(request)
            stop = unsubscribe_link(citizen)
            with force_locale(citizen_language(citizen)):
                text = " ".join(part for part in (
                    sms_text, portal,
                    _("Stop: %(link)s", link=stop) if stop else "") if part)
            enqueue_sms(number, text, request=request, now=now)
            return {"channel": "sms", "recipient": number, "segments": sms.sms_length(text).segments}
        # No mobile number or no gateway: the e-mail says it rather than nothing.
    if not citizen.email:
        return None
    if citizen.notify_digest:
        db.session.add(DigestItem(citizen_id=citizen.id, commune_id=citizen.commune_id, request_id=request.id,
                                  line=digest_line, created_at=now))
        return {"channel": "digest", "recipient": citizen.email}
    return _email(citizen, request, subject, body, now)


# --- the daily digest --------------------------------------------------------------

def _start_of_day(now: datetime) -> datetime:
    zone = ZoneInfo(current_app.config["GRC"]["DEFAULT_TIMEZONE"])
    return datetime.combine(local_date(now), time.min, tzinfo=zone).astimezone(timezone.utc)


def _digest(citizen, items: list[DigestItem], now: datetime):
    commune = db.session.get(Commune, citizen.commune_id)
    subject, intro = digest_texts(citizen, commune)
    with force_locale(citizen_language(citizen)):
        lines = [intro.rstrip("\n"), "\n".join(f"- {item.line}" for item in items),
                 _("The services of %(commune)s", commune=commune.name)]
        footer = []
        portal = portal_url(commune, "portal.my_requests")
        if portal:
            footer.append(_("Follow your requests on the portal: %(link)s", link=portal))
        stop = unsubscribe_link(citizen)
        if stop:
            footer.append(_("To stop receiving these messages: %(link)s", link=stop))
    body = "\n\n".join(lines) + "\n" + (("\n-- \n" + "\n".join(footer) + "\n") if footer else "")
    return enqueue_email(citizen.email, subject, body, now=now,
                         headers=unsubscribe_headers(stop) if stop else None)


def send_digests(now: datetime | None = None) -> int:
    """Write one digest e-mail per citizen with updates of the days that
    have ended; how many were written (committed, per citizen)."""
    now = as_utc(now or utcnow())
    cutoff = _start_of_day(now)
    with unscoped():
        commune_ids = db.session.scalars(select(Commune.id).where(Commune.active.is_(True))).all()
    written = 0
    for commune_id in commune_ids:
        with use_commune(commune_id):
            due = db.session.scalars(select(DigestItem).where(
                DigestItem.outbox_message_id.is_(None), DigestItem.created_at < cutoff)
                .order_by(DigestItem.citizen_id, DigestItem.created_at, DigestItem.id)).all()
            by_citizen = defaultdict(list)
            for item in due:
                by_citizen[item.citizen_id].append(item)
            for citizen_id, items in by_citizen.items():
                citizen = db.session.get(Citizen, citizen_id)
                ids = [item.id for item in items]
                if citizen.notify_channel == "none" or not citizen.email:
                    # Unsubscribed (or no address) since: these updates are not to be sent.
                    db.session.execute(DigestItem.__table__.delete().where(DigestItem.id.in_(ids)))
                    db.session.commit()
                    continue
                message = _digest(citizen, items, now)
                db.session.flush()
                claimed = db.session.execute(
                    update(DigestItem).where(DigestItem.id.in_(ids), DigestItem.outbox_message_id.is_(None))
                    .values(outbox_message_id=message.id).execution_options(synchronize_session=False)).rowcount
                if claimed != len(ids):
                    db.session.rollback()  # another run took them: its digest carries them
                    continue
                db.session.commit()
                written += 1
    return written
