"""Barometer surveys: a commune's own questions sent to a segment of its
population, answered once per invited person.

1. :func:`send` evaluates the segment as its author on the sending day,
   checks consent for each person (an active e-mail consent « enquêtes de
   satisfaction », none withdrawn — refused or never given: no survey) and
   writes one invitation per person with an e-mail through the outbox. A
   segment selecting nobody, or nobody who may receive it, is refused and
   nothing is stored.
2. The e-mail's link carries a signed token (the commune and the
   invitation); :func:`answer_problem` says why a token does not answer.
3. :func:`record_answer` keeps the first answer only; for an anonymous
   survey the answer holds no invitation, no person and no time — the
   invitation is only marked used. An agent types a paper or phone answer
   with the invitation's code, the channel recorded.
"""
from __future__ import annotations

import secrets

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from grc_core.plugin_api import (
    Citizen, Commune, Consent, Segment, SegmentContext, SegmentError, add_months, citizen_language, db, enqueue_email,
    local_date,
    segment_citizen_ids, spec_from_dict, utcnow,
)

from . import links, rules
from .models import Barometer, BarometerAnswer, BarometerInvitation
from .surveys import PURPOSE

ANSWER_PATH = "/enquetes/b/"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from paper
CHUNK = 1000


class SendRefused(ValueError):
    """Nothing was sent; the message says why, for the author."""


def questions(barometer: Barometer) -> list:
    return [spec_from_dict(item) for item in barometer.fields or ()]


def token_for(invitation: BarometerInvitation) -> str:
    return links.sign("enquetes.barometer", invitation)


def invitation_of(token: str) -> tuple[int, int] | None:
    """(commune id, invitation id) a token was made for; None when forged."""
    return links.read("enquetes.barometer", token)


def _new_code(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(8))
        if code not in taken:
            taken.add(code)
            return code


def _consents(citizen_ids: list[int]) -> tuple[set[int], set[int]]:
    rows = db.session.execute(select(Consent.citizen_id, Consent.revoked_at).where(
        Consent.citizen_id.in_(citizen_ids), Consent.channel == "email", Consent.purpose == PURPOSE)).all()
    return {c for c, revoked in rows if revoked is None}, {c for c, revoked in rows if revoked is not None}


def send(barometer: Barometer, commune: Commune, context: SegmentContext, site_url: str, now) -> dict[str, int]:
    """Invite the segment's people (the caller commits); the count per
    outcome (sent, no_consent, refused, no_address). Raises
    :class:`SendRefused` — nothing written — when it cannot be sent."""
    if barometer.status != "draft":
        raise SendRefused(_("This survey was already sent."))
    if not barometer.fields:
        raise SendRefused(_("Write at least one question before sending the survey."))
    segment = db.session.get(Segment, barometer.segment_id) if barometer.segment_id else None
    if segment is None or segment.commune_id != commune.id:
        raise SendRefused(_("Choose the segment of the people to ask."))
    try:
        ids = sorted(set(db.session.scalars(segment_citizen_ids(segment.definition, context))))
    except SegmentError as error:
        raise SendRefused(_("The segment cannot be evaluated: %(reason)s", reason=str(error))) from None
    if not ids:
        raise SendRefused(_("The segment « %(name)s » selects nobody today: nothing was sent.", name=segment.name))
    today = local_date(now)
    outcomes = {"sent": 0, "no_consent": 0, "refused": 0, "no_address": 0}
    planned = []
    taken: set[str] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        given, withdrawn = _consents(chunk)
        for citizen_id, email, quartier, birth, language in db.session.execute(select(
                Citizen.id, Citizen.email, Citizen.quartier, Citizen.birth_date, Citizen.language)
                .where(Citizen.id.in_(chunk)).order_by(Citizen.id)):
            address = (email or "").strip()
            reason = ("refused" if citizen_id in withdrawn else "no_consent" if citizen_id not in given
                      else "" if address else "no_address")
            outcomes[reason or "sent"] += 1
            planned.append((citizen_id, address, reason, quartier or "", rules.age_band(birth, today), language))
    if not outcomes["sent"]:
        raise SendRefused(_("Nobody in the segment « %(name)s » accepted the town hall's surveys by e-mail: "
                            "nothing was sent.", name=segment.name))
    invitations = []
    for citizen_id, address, reason, quartier, band, language in planned:
        invitation = BarometerInvitation(barometer_id=barometer.id, citizen_id=citizen_id, code=_new_code(taken),
                                         status="excluded" if reason else "sent", reason=reason,
                                         quartier=quartier[:80], age_band=band)
        invitations.append((invitation, address, language))
    db.session.add_all([invitation for invitation, _address, _language in invitations])
    db.session.flush()
    barometer.status, barometer.sent_at, barometer.site_url = "sent", now, site_url
    for invitation, address, language in invitations:
        if invitation.status == "sent":
            subject, body = message_for(barometer, invitation, commune, language)
            enqueue_email(address, subject, body, now=now)
    return outcomes


def link_for(barometer: Barometer, invitation: BarometerInvitation, commune: Commune) -> str:
    return f"{barometer.site_url.rstrip('/')}/c/{commune.slug}{ANSWER_PATH}{token_for(invitation)}"


def message_for(barometer: Barometer, invitation: BarometerInvitation, commune: Commune,
                language: str = "") -> tuple[str, str]:
    """The invitation's subject and body in ``language`` (the citizen's record's; the commune's when empty);
    the title and purpose as the author wrote them."""
    with force_locale(language or citizen_language(None)):
        kind = (_("Your answers are anonymous: they are not linked to your name.") if barometer.anonymous
                else _("Your answers carry your name: the town hall will know they come from you."))
        body = _("Hello,\n\nThe town hall of %(commune)s asks you a few questions: « %(title)s ».\n\n%(purpose)s\n\n"
                 "To answer (once, until %(day)s):\n%(link)s\n\n%(kind)s They are kept %(months)s months after the "
                 "end of the survey.\n\n-- \nYou receive this message because you accepted the town hall's surveys. "
                 "Code to copy onto a paper questionnaire: %(code)s\n",
                 commune=commune.name, title=barometer.title, purpose=barometer.purpose,
                 day=format_date(barometer.closes_on, "short"), link=link_for(barometer, invitation, commune),
                 kind=kind, months=barometer.retention_months, code=invitation.code)
        subject = _("%(commune)s: %(title)s", commune=commune.name, title=barometer.title)
    return subject, body


def invitation_for_token(token: str, commune: Commune) -> tuple[BarometerInvitation | None, str]:
    """The invitation a token names in ``commune``, or why there is none:
    invalid, other_commune, not_open, closed, already."""
    found = invitation_of(token)
    if found is None:
        return None, "invalid"
    commune_id, invitation_id = found
    if commune_id != commune.id:
        return None, "other_commune"
    invitation = db.session.get(BarometerInvitation, invitation_id)
    if invitation is None or invitation.commune_id != commune.id or invitation.status != "sent":
        return None, "invalid"
    return invitation, answer_problem(invitation)


def answer_problem(invitation: BarometerInvitation, today=None) -> str:
    """Why this invitation takes no answer now ("" when it does)."""
    barometer = db.session.get(Barometer, invitation.barometer_id)
    problem = rules.window_problem(barometer.opens_on, barometer.closes_on, today or local_date(utcnow()))
    if problem:
        return problem
    return "already" if invitation.used else ""


def record_answer(invitation: BarometerInvitation, data: dict, channel: str, now, entered_by_id=None) -> bool:
    """Store the answer unless the invitation was used (the first kept);
    whether it was stored. Marks the invitation used with a conditional
    UPDATE, so two answers sent at once store one. The caller commits."""
    if channel not in rules.ANSWER_CHANNELS:
        raise ValueError(f"unknown answer channel {channel!r}")
    # synchronize_session=False: the one object concerned is expired below;
    # SQLAlchemy's default evaluated the criteria on every object of the
    # session (a seventh of `grc demo`'s time, for its 1,675 answers).
    claimed = db.session.execute(update(BarometerInvitation).where(
        BarometerInvitation.id == invitation.id, BarometerInvitation.used.is_(False)).values(used=True)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        return False
    barometer = db.session.get(Barometer, invitation.barometer_id)
    named = not barometer.anonymous
    db.session.add(BarometerAnswer(
        barometer_id=barometer.id, invitation_id=invitation.id if named else None,
        citizen_id=invitation.citizen_id if named else None, channel=channel, entered_by_id=entered_by_id,
        answered_on=local_date(now), quartier=invitation.quartier, age_band=invitation.age_band, data=dict(data)))
    db.session.expire(invitation, ["used"])
    return True


def purge_expired(today) -> int:
    """Answers kept past their survey's retention are deleted (grc tick); how many surveys were purged."""
    purged = 0
    for barometer in db.session.scalars(select(Barometer).where(Barometer.status == "sent")):
        if today > add_months(barometer.closes_on, barometer.retention_months):
            if db.session.execute(delete(BarometerAnswer).where(BarometerAnswer.barometer_id == barometer.id)).rowcount:
                purged += 1
    return purged
