"""Sending a campaign: recipients decided at send time, then batches through
the job queue, each batch one transaction.

1. :func:`prepare` evaluates the segment again, as its author (he reaches
   only the people he may read), and writes one ``CampaignRecipient`` per
   person and channel — pending, or excluded with the reason
   (:func:`rules.exclusion`: consent, opt-out, address, duplicate). The
   unique constraint makes a second run add nobody twice.
2. :func:`send_batch` takes pending recipients, writes each one's e-mail to
   the outbox and marks it sent, and commits both together: a worker killed
   in the middle rolls back the whole batch, the next run sends it — each
   person receives the campaign exactly once. The outbox then delivers and
   retries like any e-mail of GRC.
"""
from __future__ import annotations

from sqlalchemy import exists, func, select

from grc_core.plugin_api import (
    Citizen, Commune, Consent, Membership, SegmentContext, User, db, enqueue_email, enqueue_job, job, local_date,
    read_unsubscribe_token, record_audit_event, segment_citizen_ids, sign_unsubscribe_token, unsubscribe_headers, utcnow,
)

from . import rules
from .models import Campaign, CampaignRecipient

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


def prepare(campaign: Campaign, now) -> dict[str, int]:
    """Write the campaign's recipients (once); returns the count per status/reason."""
    already = set(db.session.scalars(select(CampaignRecipient.citizen_id).where(
        CampaignRecipient.campaign_id == campaign.id)))
    ids = sorted(set(db.session.scalars(segment_citizen_ids(campaign.segment.definition,
                                                            author_context(campaign, now)))) - already)
    reached = set(db.session.scalars(select(CampaignRecipient.address).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.status != "excluded")))
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        given, withdrawn = _consents(chunk, campaign.channel)
        for citizen_id, email in db.session.execute(select(Citizen.id, Citizen.email).where(
                Citizen.id.in_(chunk)).order_by(Citizen.id)):
            address = (email or "").strip().lower()
            reason = rules.exclusion(campaign.legal_basis, address=address, consent_given=citizen_id in given,
                                     consent_withdrawn=citizen_id in withdrawn,
                                     address_already_reached=address in reached)
            if reason is None:
                reached.add(address)
            db.session.add(CampaignRecipient(campaign_id=campaign.id, citizen_id=citizen_id,
                                             channel=campaign.channel, address=address,
                                             status="excluded" if reason else "pending",
                                             reason=reason.value if reason else ""))
    db.session.flush()
    return counts(campaign)


def counts(campaign: Campaign) -> dict[str, int]:
    """Recipients per status (sent, pending, failed) or exclusion reason, and unsubscribed."""
    out = {}
    for status, reason, number in db.session.execute(
            select(CampaignRecipient.status, CampaignRecipient.reason, func.count()).where(
                CampaignRecipient.campaign_id == campaign.id).group_by(CampaignRecipient.status,
                                                                      CampaignRecipient.reason)):
        out[reason or status] = number
    out["unsubscribed"] = db.session.scalar(select(func.count()).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.unsubscribed_at.is_not(None)))
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


def message_for(campaign: Campaign, recipient: CampaignRecipient, commune: Commune) -> tuple[str, str, dict]:
    citizen = recipient.citizen
    values = {"prenom": citizen.first_name, "nom": citizen.last_name, "commune": commune.name,
              "quartier": citizen.quartier}
    link = f"{campaign.site_url.rstrip('/')}{UNSUBSCRIBE_PATH}{unsubscribe_token(recipient)}"
    basis = BASIS_NOTICE[campaign.legal_basis].format(commune=commune.name)
    body = (f"{rules.fill(campaign.body, values)}\n\n-- \n{basis}\n"
            f"Pour ne plus recevoir ces messages : {link}\n")
    return rules.fill(campaign.subject, values), body, unsubscribe_headers(link)


# Shown in every message: why the commune may write (the recipient's language is French).
BASIS_NOTICE = {
    "consent": "Vous recevez ce message de la mairie de {commune} parce que vous avez accepté "
               "de recevoir son information municipale.",
    "public_task": "Vous recevez ce message de la mairie de {commune} au titre de sa mission "
                   "d'information du public (RGPD art. 6-1-e).",
}


def send_batch(campaign: Campaign, now, limit: int = BATCH_SIZE) -> int:
    """Send up to ``limit`` pending recipients in one transaction; how many were sent."""
    commune = db.session.get(Commune, campaign.commune_id)
    batch = db.session.scalars(select(CampaignRecipient).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.status == "pending")
        .order_by(CampaignRecipient.id).limit(limit).with_for_update(skip_locked=True)).all()
    for recipient in batch:
        subject, body, headers = message_for(campaign, recipient, commune)
        enqueue_email(recipient.address, subject, body, now=now, headers=headers)
        recipient.status, recipient.sent_at = "sent", now
    db.session.commit()
    return len(batch)


@job("campagnes.send")
def send_job(campaign_id: int, limit: int = BATCH_SIZE) -> dict:
    """Prepare (once) then send every pending recipient, batch after batch,
    until the campaign is paused or cancelled; safe to run again (it runs in
    the campaign's commune: the queue's ``commune_id``)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != "sending":
        return {"sent": 0}
    if not db.session.scalar(select(exists().where(CampaignRecipient.campaign_id == campaign.id))):
        prepare(campaign, utcnow())
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
    campaign.status, campaign.finished_at = "sent", utcnow()
    record_audit_event("campagnes.sent", target=campaign.name, details=counts(campaign), commit=False)
    db.session.commit()
    return {"sent": sent}


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
