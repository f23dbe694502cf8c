"""Sending a campaign: recipients decided at send time, then batches through
the job queue, each batch one transaction.

1. :func:`prepare` evaluates the segment again, as its author (he reaches
   only the people he may read), and writes one ``CampaignRecipient`` per
   person — on the first of the campaign's channels that may reach them
   (channels.py), pending, or excluded with the reason
   (:func:`rules.exclusion`: consent, opt-out, address, address in error,
   duplicate). The unique constraint makes a second run add nobody twice.
2. :func:`send_batch` takes pending recipients, writes each one's e-mail to
   the outbox and marks it sent, and commits both together: a worker killed
   in the middle rolls back the whole batch, the next run sends it — each
   person receives the campaign exactly once. The outbox then delivers and
   retries like any e-mail of GRC; :func:`sync_delivery` reads back the
   addresses it could not deliver to (bounces.py).
3. The letters: one PDF for every pending letter recipient, stored, and
   those recipients marked sent in the same transaction (letters.py).
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select
from sqlalchemy.orm import selectinload

from grc_core.plugin_api import (
    Citizen, Commune, Consent, Membership, OutboxMessage, SegmentContext, User, citizen_language, db, enqueue_email,
    enqueue_job, job,
    enqueue_sms, local_date, read_unsubscribe_token, record_audit_event, segment_citizen_ids, sign_unsubscribe_token,
    unsubscribe_headers, utcnow,
)

from . import bounces, letters, rules, tracking
from .channels import CHANNELS
from .models import AddressInError, Campaign, CampaignRecipient

BATCH_SIZE = 200
PURPOSE = "information_municipale"
UNSUBSCRIBE_PATH = "/campagnes/unsubscribe/"


def author_context(campaign: Campaign, now) -> SegmentContext:
    membership = db.session.scalar(select(Membership).where(Membership.user_id == campaign.author_id))
    author = db.session.get(User, campaign.author_id) if campaign.author_id else None
    return SegmentContext(campaign.commune_id, local_date(now), author, membership)


def _consents(citizen_ids: list[int], channel: str) -> tuple[set[int], set[int]]:
    """(ids with an active consent, ids with a withdrawn one) for the channel and purpose."""
    rows = db.session.execute(select(Consent.citizen_id, Consent.revoked_at).where(
        Consent.citizen_id.in_(citizen_ids), Consent.channel == channel, Consent.purpose == PURPOSE)).all()
    return ({c for c, revoked in rows if revoked is None}, {c for c, revoked in rows if revoked is not None})


def prepare(campaign: Campaign, now) -> dict[str, dict[str, int]]:
    """Write the campaign's recipients (once): one row per person, on the
    first of the campaign's channels that may reach them (channels.py), or
    excluded on the last channel tried, with its reason (where the fallback
    ended: « opted out of letters » says more than « no e-mail »). Returns
    the counts."""
    channels = [CHANNELS[code] for code in campaign.channel_list]
    already = set(db.session.scalars(select(CampaignRecipient.citizen_id).where(
        CampaignRecipient.campaign_id == campaign.id)))
    ids = sorted(set(db.session.scalars(segment_citizen_ids(campaign.segment.definition,
                                                            author_context(campaign, now)))) - already)
    reached = {channel.code: set() for channel in channels}
    for recipient in db.session.scalars(select(CampaignRecipient).where(
            CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.status != "excluded")):
        reached[recipient.channel].add(CHANNELS[recipient.channel].same_key(recipient.citizen, recipient.address))
    in_error = set(db.session.execute(select(AddressInError.channel, AddressInError.address).where(
        AddressInError.channel.in_(list(reached)))).all())
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        consents = {channel.code: _consents(chunk, channel.code) for channel in channels}
        rows = []
        for citizen in db.session.scalars(select(Citizen).where(Citizen.id.in_(chunk)).order_by(Citizen.id)):
            last = chosen = None
            for channel in channels:
                address = channel.address_of(citizen)
                key = channel.same_key(citizen, address)
                given, withdrawn = consents[channel.code]
                reason = rules.exclusion(campaign.legal_basis, address=address, consent_given=citizen.id in given,
                                         consent_withdrawn=citizen.id in withdrawn,
                                         address_in_error=(channel.code, address) in in_error,
                                         address_already_reached=key in reached[channel.code])
                if reason is None:
                    chosen = (channel, address)
                    reached[channel.code].add(key)
                    break
                last = (channel, address, reason)
            channel, address, reason = (*chosen, None) if chosen else last
            rows.append({"commune_id": campaign.commune_id, "campaign_id": campaign.id, "citizen_id": citizen.id,
                         "channel": channel.code, "address": address[:254],
                         "status": "excluded" if reason else "pending", "reason": reason.value if reason else ""})
        # One multi-row INSERT per thousand people: the ORM's unit of work would take minutes at 100,000.
        if rows:
            db.session.execute(insert(CampaignRecipient), rows)
    return counts(campaign)


def counts(campaign: Campaign) -> dict[str, dict[str, int]]:
    """Per channel (and ``"all"``): recipients per status (sent, pending,
    failed, bounced) or exclusion reason, unsubscribed and clicked."""
    out: dict[str, dict[str, int]] = {"all": {}}
    recipient = CampaignRecipient

    def add(channel, key, number):
        for column in (channel, "all"):
            row = out.setdefault(column, {})
            row[key] = row.get(key, 0) + number

    for channel, status, reason, number in db.session.execute(
            select(recipient.channel, recipient.status, recipient.reason, func.count()).where(
                recipient.campaign_id == campaign.id).group_by(recipient.channel, recipient.status,
                                                               recipient.reason)):
        add(channel, reason or status, number)
        add(channel, "targeted", number)
    for column, key in ((recipient.unsubscribed_at, "unsubscribed"), (recipient.clicked_at, "clicked")):
        for channel, number in db.session.execute(select(recipient.channel, func.count()).where(
                recipient.campaign_id == campaign.id, column.is_not(None)).group_by(recipient.channel)):
            add(channel, key, number)
    return out


TOKEN_SALT = "campagnes.unsubscribe"


def unsubscribe_token(recipient: CampaignRecipient) -> str:
    return sign_unsubscribe_token(TOKEN_SALT, [recipient.commune_id, recipient.id])


def recipient_of(token: str) -> tuple[int, int] | None:
    """(commune id, recipient id) a token was made for; None when forged."""
    value = read_unsubscribe_token(TOKEN_SALT, token)
    return (value[0], value[1]) if value else None


def unsubscribe(recipient: CampaignRecipient, now) -> bool:
    """Record that the person no longer wants the commune's information
    messages on this channel: the consent is withdrawn (kept as proof), or an
    opt-out recorded when there was none. False when already done."""
    if recipient.unsubscribed_at is not None:
        return False
    recipient.unsubscribed_at = now
    active = db.session.scalars(select(Consent).where(
        Consent.citizen_id == recipient.citizen_id, Consent.channel == recipient.channel,
        Consent.purpose == PURPOSE, Consent.revoked_at.is_(None))).all()
    for consent in active:
        consent.revoked_at = now
    if not active:
        db.session.add(Consent(citizen_id=recipient.citizen_id, channel=recipient.channel, purpose=PURPOSE,
                               given_at=now, revoked_at=now,
                               source=f"Désinscription (campagne « {recipient.campaign.name} »)"[:120]))
    return True


def values_for(citizen: Citizen, commune: Commune) -> dict[str, str]:
    return {"prenom": citizen.first_name, "nom": citizen.last_name, "commune": commune.name,
            "quartier": citizen.quartier}


def message_for(campaign: Campaign, recipient: CampaignRecipient, commune: Commune,
                links: dict[str, int] | None = None) -> tuple[str, str, dict]:
    """The e-mail of one recipient: subject, body, headers. ``links``: the
    campaign's tracked links (url → id) when the commune tracks clicks."""
    body = campaign.body
    if links:
        body = tracking.rewrite(body, lambda url: tracking.tracked_url(campaign, commune, recipient, links[url]))
    link = f"{campaign.site_url.rstrip('/')}{UNSUBSCRIBE_PATH}{unsubscribe_token(recipient)}"
    # The author's words as written; the fixed parts in the recipient's language.
    with force_locale(citizen_language(recipient.citizen)):
        basis = str(BASIS_NOTICE[campaign.legal_basis]) % {"commune": commune.name}
        notice = f"{tracking.NOTICE}\n" if links else ""
        footer = _("To stop receiving these messages: %(link)s", link=link)
    body = f"{rules.fill(body, values_for(recipient.citizen, commune))}\n\n-- \n{basis}\n{notice}{footer}\n"
    headers = unsubscribe_headers(link)
    bounce_address = bounces.return_path(recipient)
    if bounce_address:
        headers["Return-Path"] = bounce_address
    return rules.fill(campaign.subject, values_for(recipient.citizen, commune)), body, headers


def sms_for(campaign: Campaign, recipient: CampaignRecipient, commune: Commune) -> str:
    """The SMS of one recipient: the filled message, the legal basis in a few
    words and the unsubscribe link (no link tracking: an SMS is short, and its
    reader sees where a link goes)."""
    link = f"{campaign.site_url.rstrip('/')}{UNSUBSCRIBE_PATH}{unsubscribe_token(recipient)}"
    with force_locale(citizen_language(recipient.citizen)):
        basis = str(SMS_BASIS_NOTICE[campaign.legal_basis]) % {"commune": commune.name}
    return f"{rules.fill(campaign.body, values_for(recipient.citizen, commune))}\n{basis}\nSTOP : {link}"


# Shown in every message: why the commune may write, in the recipient's language (translated when used).
BASIS_NOTICE = {
    "consent": _l("You receive this message from the town hall of %(commune)s because you accepted its municipal "
                  "information."),
    "public_task": _l("You receive this message from the town hall of %(commune)s as part of its mission to inform "
                      "the public (GDPR art. 6(1)(e))."),
}
SMS_BASIS_NOTICE = {
    "consent": _l("Town hall of %(commune)s, municipal information you accepted."),
    "public_task": _l("Town hall of %(commune)s, public information mission."),
}


def send_batch(campaign: Campaign, now, limit: int = BATCH_SIZE) -> int:
    """Send up to ``limit`` pending e-mail and SMS recipients in one
    transaction; how many were sent. Each message is written to the core's
    outbox and linked to its recipient, whose delivery (refused, given up)
    :func:`sync_delivery` reads back."""
    commune = db.session.get(Commune, campaign.commune_id)
    links = tracking.links_of(campaign, commune)
    batch = db.session.scalars(select(CampaignRecipient).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.channel.in_(("email", "sms")),
        CampaignRecipient.status == "pending")
        .order_by(CampaignRecipient.id).limit(limit).with_for_update(skip_locked=True, of=CampaignRecipient)
        .options(selectinload(CampaignRecipient.citizen))).all()
    for recipient in batch:
        if recipient.channel == "sms":
            recipient.outbox_message = enqueue_sms(recipient.address, sms_for(campaign, recipient, commune), now=now)
        else:
            subject, body, headers = message_for(campaign, recipient, commune, links)
            recipient.outbox_message = enqueue_email(recipient.address, subject, body, now=now, headers=headers)
        recipient.status, recipient.sent_at = "sent", now
    db.session.commit()
    return len(batch)


@job("campagnes.send")
def send_job(campaign_id: int, limit: int = BATCH_SIZE) -> dict:
    """Prepare (once) then send every pending e-mail and SMS recipient, batch after
    batch, until the campaign is paused or cancelled; then the letters (one
    PDF). Safe to run again (it runs in the campaign's commune: the queue's
    ``commune_id``)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "sending":
        return {"sent": 0}
    if not db.session.scalar(select(exists().where(CampaignRecipient.campaign_id == campaign.id))):
        prepare(campaign, utcnow())
        tracking.record_links(campaign, db.session.get(Commune, campaign.commune_id))
        db.session.commit()
    sent = 0
    while True:
        db.session.refresh(campaign)
        if campaign.status != "sending":
            return {"sent": sent}
        done = send_batch(campaign, utcnow(), limit)
        sent += done
        if done < limit:
            break
    sent += letters.generate(campaign, utcnow())
    campaign.status, campaign.finished_at = "sent", utcnow()
    record_audit_event("campagnes.sent", target=campaign.name, details=counts(campaign)["all"], commit=False)
    db.session.commit()
    return {"sent": sent}


def sync_delivery(now) -> int:
    """Read back what the outbox did with the campaigns' e-mails: refused
    for good (a bounce: the recipient is bounced, the address in error for
    later campaigns) or given up after its retries (failed). Run by
    ``grc tick``; how many recipients changed."""
    rows = db.session.execute(select(CampaignRecipient, OutboxMessage.status, OutboxMessage.last_error).join(
        OutboxMessage, OutboxMessage.id == CampaignRecipient.outbox_message_id).where(
        CampaignRecipient.status == "sent", OutboxMessage.status.in_(("bounced", "failed")))).all()
    for recipient, status, error in rows:
        if status == "bounced":
            bounces.record(recipient, error, now)
        else:
            recipient.status = "failed"
    db.session.commit()
    return len(rows)


def start(campaign: Campaign, now) -> None:
    """Begin sending (approved, at or after its time): the job does the rest."""
    campaign.status, campaign.started_at = "sending", now
    db.session.commit()
    enqueue_job("campagnes.send", commune_id=campaign.commune_id, campaign_id=campaign.id)


def start_due(commune, now) -> int:
    """Campaigns approved for a time now past: started by ``grc tick``."""
    due = db.session.scalars(select(Campaign).where(
        Campaign.status == "approved", Campaign.send_at.is_not(None), Campaign.send_at <= now)).all()
    for campaign in due:
        start(campaign, now)
    return len(due)
