"""Closing surveys: invited when a request enters a closing state, sent by
``grc tick`` when due, answered through a signed link.

1. :func:`invite` (hook ``grc_request_transitioned``): one invitation per
   request (unique), due at closure + the type's delay — unless the type is
   confidential and the commune did not allow it.
2. :func:`send_due` (``grc tick``): the channel and consent decided at
   sending (``rules.channel_for``): an e-mail with one link per score, an SMS
   with one link to the scores (the core's SMS outbox), or nothing to send for
   the portal — the survey is a card on the citizen's request page there.
3. :func:`record_score`, then :func:`complete` (« résolu ? », comment): the
   answer goes to the request's history; a bad one triggers the type's
   action (:func:`act_on_bad_answer`) once.
"""
from __future__ import annotations

from sqlalchemy import select

from grc_core.plugin_api import (
    Citizen, CitizenAccount, Commune, Consent, Request, Service, TransitionError, add_history_event, apply_transition,
    confidential_permission_of, db, enqueue_email, enqueue_sms, mobile_number, record_audit_event, spec_from_dict,
)

from . import links, rules
from .models import SurveyInvitation, SurveySetting

PURPOSE = "enquetes_satisfaction"
ANSWER_PATH = "/enquetes/r/"
# The recipient's language is French; English in the source for the catalog would be read by nobody.
SCORE_WORDS = {1: "Très insatisfait", 2: "Insatisfait", 3: "Moyennement satisfait", 4: "Satisfait",
               5: "Très satisfait"}
RESOLVED_WORDS = {"yes": "oui", "partly": "en partie", "no": "non"}


def setting_for(request_type_id) -> SurveySetting | None:
    return db.session.scalar(select(SurveySetting).where(SurveySetting.request_type_id == request_type_id,
                                                         SurveySetting.enabled.is_(True)))


def questions(setting: SurveySetting | None) -> list:
    """The setting's extra questions (FieldSpec), in their order."""
    return [spec_from_dict(item) for item in (setting.fields if setting is not None else None) or ()]


def invite(request: Request, now, site_url: str, actor=None) -> SurveyInvitation | None:
    """The invitation for a request that just entered ``request.state`` (in
    the transition's transaction), or None when that state asks for none.
    ``actor``: the agent who applied the closing transition (None: a timer)."""
    setting = setting_for(request.request_type_id)
    if setting is None or request.state not in (setting.trigger_states or ()):
        return None
    if confidential_permission_of(request.request_type) and not setting.confidential_allowed:
        return None
    if db.session.scalar(select(SurveyInvitation.id).where(SurveyInvitation.request_id == request.id)):
        return None  # one survey per request, even closed twice
    invitation = SurveyInvitation(request_id=request.id, citizen_id=request.citizen_id,
                                  request_type_id=request.request_type_id, service_id=request.service_id,
                                  closed_at=now, due_at=rules.due_at(now, setting.delay_hours), site_url=site_url,
                                  agent_id=request.assignee_id or getattr(actor, "id", None))
    db.session.add(invitation)
    return invitation


def channel_of(citizen: Citizen | None, wanted: str) -> tuple[str, str, str]:
    """(channel, fallback, reason) for this person (rules.channel_for)."""
    if citizen is None:
        return "email", "", "no_address"
    consents = [(channel, revoked is None) for channel, revoked in db.session.execute(
        select(Consent.channel, Consent.revoked_at).where(Consent.citizen_id == citizen.id,
                                                          Consent.purpose == PURPOSE))]
    has_account = wanted == "portal" and db.session.scalar(
        select(CitizenAccount.id).where(CitizenAccount.citizen_id == citizen.id,
                                        CitizenAccount.email_verified_at.is_not(None)).limit(1)) is not None
    return rules.channel_for(wanted, email=(citizen.email or "").strip(),
                             mobile=mobile_number(citizen.phone or "") or "", has_account=has_account,
                             consents=consents)


def token_for(invitation: SurveyInvitation) -> str:
    return links.sign("enquetes.answer", invitation)


def invitation_of(token: str) -> tuple[int, int] | None:
    """(commune id, invitation id) a token was made for; None when forged."""
    return links.read("enquetes.answer", token)


def answer_url(invitation: SurveyInvitation, commune: Commune) -> str:
    """The page that lists the scores; each score's link is this plus ``/<score>``."""
    return f"{invitation.site_url.rstrip('/')}/c/{commune.slug}{ANSWER_PATH}{token_for(invitation)}"


def sms_for(invitation: SurveyInvitation, commune: Commune) -> str:
    """A short text: one link, to the page of the scores (five links would not fit)."""
    return (f"{commune.name} : votre demande {invitation.request.reference} est traitée. Votre avis en 1 clic : "
            f"{answer_url(invitation, commune)} (jusqu'au {invitation.expires_at:%d/%m/%Y})")


def message_for(invitation: SurveyInvitation, commune: Commune) -> tuple[str, str]:
    request = invitation.request
    base = answer_url(invitation, commune)
    links = "\n".join(f"  {score} – {SCORE_WORDS[score]} : {base}/{score}" for score in rules.SCORES)
    subject = f"{commune.name} : votre avis sur la demande {request.reference}"
    body = (f"Bonjour,\n\nVotre demande {request.reference} ({request.request_type.label}) a été traitée. "
            f"La mairie de {commune.name} aimerait savoir si vous en êtes satisfait : un clic suffit.\n\n"
            f"{links}\n\nVous pourrez ensuite dire si le problème est résolu et ajouter un commentaire. "
            f"Ce lien est valable jusqu'au {invitation.expires_at:%d/%m/%Y}.\n\n-- \n"
            f"Vous recevez ce message parce que vous avez accepté les enquêtes de satisfaction de la mairie. "
            f"Votre réponse sert à améliorer le service ; elle est conservée avec votre demande.\n")
    return subject, body


def send_due(commune, now) -> int:
    """Send the invitations due by ``now`` (or skip them, saying why); how many were sent."""
    sent = 0
    due = db.session.scalars(select(SurveyInvitation).where(
        SurveyInvitation.status == "pending", SurveyInvitation.due_at <= now).order_by(SurveyInvitation.id)
        .with_for_update(skip_locked=True)).all()
    for invitation in due:
        setting = setting_for(invitation.request_type_id)
        citizen = db.session.get(Citizen, invitation.citizen_id) if invitation.citizen_id else None
        channel, fallback, reason = ("email", "", "disabled") if setting is None \
            else channel_of(citizen, setting.channel)
        invitation.channel, invitation.fallback = channel, fallback
        # Closed by a worker in a commune without a hostname: no address to link to, no broken message.
        if not reason and channel != "portal" and not invitation.site_url:
            reason = "no_site_url"
        if reason:
            invitation.status, invitation.reason = "skipped", reason
            continue
        invitation.sent_at, invitation.expires_at = now, rules.expires_at(now, setting.valid_days)
        if channel == "email":
            subject, body = message_for(invitation, commune)
            enqueue_email(citizen.email.strip(), subject, body, now=now)
        elif channel == "sms":
            enqueue_sms(mobile_number(citizen.phone), sms_for(invitation, commune), now=now)
        invitation.status = "sent"
        sent += 1
    return sent


def record_score(invitation: SurveyInvitation, score: int, now) -> None:
    """The first click: the score, into the request's history (the caller commits)."""
    invitation.score, invitation.answered_at, invitation.status = score, now, "answered"
    add_history_event(invitation.request, "enquetes.answer", "Enquête de satisfaction",
                      f"Note {score}/5 ({SCORE_WORDS[score]})", now=now)


def complete(invitation: SurveyInvitation, resolved: str, comment: str, now, answers: dict | None = None) -> None:
    """The follow-up, once (the caller commits); ``answers`` those of the extra questions, validated."""
    invitation.resolved, invitation.comment, invitation.completed_at = resolved, comment, now
    invitation.answers = dict(answers or {})
    parts = [f"Problème résolu : {RESOLVED_WORDS[resolved]}"] if resolved else []
    if comment:
        parts.append(f"Commentaire : {comment}")
    if invitation.answers:
        parts.append(f"{len(invitation.answers)} autre(s) réponse(s)")
    if parts:
        add_history_event(invitation.request, "enquetes.answer", "Enquête de satisfaction", " — ".join(parts),
                          now=now)


def act_on_bad_answer(invitation: SurveyInvitation, now) -> str:
    """The type's action on a bad answer, once per invitation; what was done
    ("alert", "reopen", or "" — nothing to do, or the reopening refused)."""
    if invitation.bad_action_done or not rules.is_bad_answer(invitation.score, invitation.resolved):
        return ""
    setting = setting_for(invitation.request_type_id)
    action = setting.bad_action if setting is not None else "none"
    request = invitation.request
    if action == "alert":
        service = db.session.get(Service, invitation.service_id) if invitation.service_id else None
        if service is None or not service.email:
            return ""
        enqueue_email(service.email, f"Avis négatif sur la demande {request.reference}",
                      f"Un usager a répondu à l'enquête de satisfaction de la demande {request.reference} "
                      f"({request.request_type.label}) :\n\nNote : {invitation.score}/5\nProblème résolu : "
                      f"{RESOLVED_WORDS.get(invitation.resolved, 'non dit')}\nCommentaire : "
                      f"{invitation.comment or '—'}\n", now=now)
    elif action == "reopen":
        invitation.bad_action_done = "reopen"
        db.session.commit()  # the answer is kept even if the reopening is refused
        comment = "Enquête de satisfaction : " + (invitation.comment or f"note {invitation.score}/5, "
                                                  f"résolu : {RESOLVED_WORDS.get(invitation.resolved, '—')}")
        try:
            apply_transition(request, setting.reopen_transition, actor=None, membership=None,
                             comment=comment[:2000], now=now, timer="enquetes.reopen")
        except TransitionError as error:
            record_audit_event("enquetes.reopen_refused", target=request.reference,
                               details={"reason": str(error)}, commit=False)
            return ""
        return "reopen"
    else:
        return ""
    invitation.bad_action_done = action
    return action
