"""The e-mails of the portal, in the language the citizen is using, through
the outbox like every message (not committed: the caller's transaction)."""
from __future__ import annotations

from flask_babel import gettext as _

from ..notifications.outbox import enqueue_email
from ..tenancy.addresses import portal_url


def _link(endpoint: str, commune, token: str) -> str:
    return portal_url(commune, endpoint, token=token)


def send_verification(account, commune, token: str) -> None:
    subject = _("Confirm your e-mail address for the portal of %(commune)s", commune=commune.name)
    body = _("Hello %(name)s,\n\nTo activate your account on the portal of the commune of %(commune)s, open this "
             "link within 48 hours:\n\n%(link)s\n\nIf you did not ask for an account, ignore this message.",
             name=account.full_name, commune=commune.name, link=_link("portal.verify", commune, token))
    enqueue_email(account.email, subject, body)


def send_sign_in_link(account, commune, token: str) -> None:
    subject = _("Your sign-in link for the portal of %(commune)s", commune=commune.name)
    body = _("Hello %(name)s,\n\nTo sign in to the portal of the commune of %(commune)s without a password, open "
             "this link within 20 minutes. It works once.\n\n%(link)s\n\nIf you did not ask for it, ignore this "
             "message.", name=account.full_name, commune=commune.name,
             link=_link("portal.use_sign_in_link", commune, token))
    enqueue_email(account.email, subject, body)


def send_reset_link(account, commune, token: str) -> None:
    subject = _("Choose a new password for the portal of %(commune)s", commune=commune.name)
    body = _("Hello %(name)s,\n\nTo choose a new password for the portal of the commune of %(commune)s, open this "
             "link within one hour. It works once.\n\n%(link)s\n\nIf you did not ask for it, ignore this message: "
             "your password does not change.", name=account.full_name, commune=commune.name,
             link=_link("portal.reset_password", commune, token))
    enqueue_email(account.email, subject, body)


def send_filing_verification(identity, commune, request_type, token: str) -> None:
    """A démarche filed without an account reaches the town hall once its address is verified."""
    subject = _("Confirm your request to the commune of %(commune)s", commune=commune.name)
    body = _("Hello %(name)s,\n\nYou filed the request « %(type)s » on the portal of the commune of %(commune)s. "
             "To send it to the town hall, open this link within 48 hours:\n\n%(link)s\n\nUntil then, nobody at "
             "the town hall sees it; without confirmation it is deleted. If you did not file it, ignore this "
             "message.", name=f"{identity.first_name} {identity.last_name}".strip(), type=request_type.shown_label,
             commune=commune.name, link=_link("portal.confirm_filing", commune, token))
    enqueue_email(identity.email, subject, body)


def send_tracking_link(request, commune, token: str) -> None:
    """The private link to follow and answer a request filed without an account."""
    subject = _("Follow your request %(reference)s online", reference=request.reference)
    body = _("Hello %(name)s,\n\nYour request « %(type)s » has reached the town hall of %(commune)s under the "
             "reference %(reference)s. Follow it and answer the town hall with this private link:\n\n%(link)s\n\n"
             "Keep it to yourself: whoever has it can read and answer this request. You can revoke it from its "
             "page.", name=request.citizen.full_name, type=request.request_type.shown_label, commune=commune.name,
             reference=request.reference, link=_link("portal.track", commune, token))
    enqueue_email(request.citizen.email, subject, body, request=request)
