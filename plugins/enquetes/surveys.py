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

from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import (
    Citizen, CitizenAccount, Commune, Consent, Request, Service, TransitionError, add_history_event,
    apply_transition, citizen_language, confidential_permission_of, db, enqueue_email, enqueue_sms, mobile_number,
    record_audit_event, spec_from_dict,
)

from . import links, rules
from .labels import RESOLVED_WORDS, SCORE_LABELS
from .models import SurveyInvitation, SurveySetting

PURPOSE = "enquetes_satisfaction"
ANSWER_PATH = "/enquetes/r/"


def commune_language():
    """The history and the service's mailbox read the commune's language (the
    history is stored as written, like the core's own lines)."""
    return force_locale(citizen_language(None))


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


def sms_for(invitation: SurveyInvitation, commune: Commune, citizen: Citizen | None = None) -> str:
    """A short text in the citizen's language: one link, to the page of the scores (five links would not fit)."""
    with force_locale(citizen_language(citizen)):
        return _("%(commune)s: your request %(reference)s has been dealt with. Your opinion in one click: "
                 "%(link)s (until %(day)s)", commune=commune.name, reference=invitation.request.reference,
                 link=answer_url(invitation, commune), day=format_date(invitation.expires_at, "short"))


def message_for(invitation: SurveyInvitation, commune: Commune, citizen: Citizen | None = None) -> tuple[str, str]:
    """The invitation's subject and body, in the citizen's language."""
    request = invitation.request
    base = answer_url(invitation, commune)
    with force_locale(citizen_language(citizen)):
        links = "\n".join(_("  %(score)s – %(words)s: %(link)s", score=score, words=SCORE_LABELS[score],
                              link=f"{base}/{score}") for score in rules.SCORES)
        subject = _("%(commune)s: your opinion on the request %(reference)s", commune=commune.name,
                    reference=request.reference)
        body = _("Hello,\n\nYour request %(reference)s (%(type)s) has been dealt with. The town hall of %(commune)s "
                 "would like to know whether you are satisfied: one click is enough.\n\n%(links)s\n\nYou can then "
                 "say whether the problem is solved and add a comment. This link is valid until %(day)s.\n\n-- \n"
                 "You receive this message because you accepted the town hall's satisfaction surveys. Your answer "
                 "helps to improve the service; it is kept with your request.\n",
                 reference=request.reference, type=request.request_type.shown_label, commune=commune.name,
                 links=links, day=format_date(invitation.expires_at, "short"))
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
            subject, body = message_for(invitation, commune, citizen)
            enqueue_email(citizen.email.strip(), subject, body, now=now)
        elif channel == "sms":
            enqueue_sms(mobile_number(citizen.phone), sms_for(invitation, commune, citizen), now=now)
        invitation.status = "sent"
        sent += 1
    return sent


def record_score(invitation: SurveyInvitation, score: int, now) -> None:
    """The first click: the score, into the request's history (the caller commits)."""
    invitation.score, invitation.answered_at, invitation.status = score, now, "answered"
    with commune_language():
        add_history_event(invitation.request, "enquetes.answer", _("Satisfaction survey"),
                          _("Score %(score)s/5 (%(words)s)", score=score, words=SCORE_LABELS[score]), now=now)


def complete(invitation: SurveyInvitation, resolved: str, comment: str, now, answers: dict | None = None) -> None:
    """The follow-up, once (the caller commits); ``answers`` those of the extra questions, validated."""
    invitation.resolved, invitation.comment, invitation.completed_at = resolved, comment, now
    invitation.answers = dict(answers or {})
    with commune_language():
        parts = [_("Problem solved: %(answer)s", answer=RESOLVED_WORDS[resolved])] if resolved else []
        if comment:
            parts.append(_("Comment: %(comment)s", comment=comment))
        if invitation.answers:
            parts.append(ngettext("%(num)d other answer", "%(num)d other answers", len(invitation.answers)))
        if parts:
            add_history_event(invitation.request, "enquetes.answer", _("Satisfaction survey"), " — ".join(parts),
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
        with commune_language():
            enqueue_email(service.email, _("Bad answer on the request %(reference)s", reference=request.reference),
                          _("A citizen answered the satisfaction survey of the request %(reference)s (%(type)s):\n\n"
                            "Score: %(score)s/5\nProblem solved: %(solved)s\nComment: %(comment)s\n",
                            reference=request.reference, type=request.request_type.shown_label,
                            score=invitation.score, solved=RESOLVED_WORDS.get(invitation.resolved or "", "—"),
                            comment=invitation.comment or "—"), now=now)
    elif action == "reopen":
        invitation.bad_action_done = "reopen"
        db.session.commit()  # the answer is kept even if the reopening is refused
        with commune_language():
            comment = _("Satisfaction survey: %(answer)s", answer=invitation.comment or _(
                "score %(score)s/5, solved: %(solved)s", score=invitation.score,
                solved=RESOLVED_WORDS.get(invitation.resolved or "", "—")))
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
