"""The citizen's side of the portal, as the 360° record shows it: the
accounts linked to the record, their verification, the notification
preferences, and the agent's invitation to open an account.

An invitation is an e-mail through the outbox to the record's address, in
the citizen's language, with a link to the sign-up page with the address
filled in; it is audited. The route asks grc_core.security.access for the
record first (an agent who may not read the citizen cannot invite him).
"""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..audit import record
from ..extensions import db
from ..models import Citizen, CitizenAccount, Commune
from ..notifications.outbox import enqueue_email
from ..notifications.templates import citizen_language
from ..tenancy.addresses import portal_url


class InvitationRefused(Exception):
    """Why no invitation was sent, in words for the agent."""


def accounts_of(citizen: Citizen) -> list[CitizenAccount]:
    return list(db.session.scalars(select(CitizenAccount).where(CitizenAccount.citizen_id == citizen.id)
                                   .order_by(CitizenAccount.id)))


def invite(citizen: Citizen, actor) -> str:
    """Queue the invitation (committed); the address it goes to. Raises
    InvitationRefused when the record has no address or already an account."""
    email = (citizen.email or "").strip().lower()
    if not email:
        raise InvitationRefused(_("This citizen has no e-mail address: add one to the record first."))
    if db.session.scalar(select(CitizenAccount.id).where(func.lower(CitizenAccount.email) == email)):
        raise InvitationRefused(_("An account of the portal already uses %(email)s.", email=email))
    commune = db.session.get(Commune, citizen.commune_id)
    link = portal_url(commune, "portal.sign_up", email=email)
    with force_locale(citizen_language(citizen)):
        subject = _("Your account on the portal of %(commune)s", commune=commune.name)
        body = _("Hello %(name)s,\n\nThe services of %(commune)s invite you to open your account on the commune's "
                 "portal: you will file your procedures online and follow your requests, including those filed "
                 "at the town hall.\n\nCreate your account here:\n\n%(link)s\n\nIf you do not want an account, "
                 "ignore this message.", name=citizen.full_name, commune=commune.name, link=link)
    enqueue_email(email, subject, body)
    record("citizen.portal_invited", target=citizen.full_name, user=actor, commit=False,
           details={"email": email})
    db.session.commit()
    return email
