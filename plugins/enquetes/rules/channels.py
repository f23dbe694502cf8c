"""Which channel carries a closing survey to one person.

The commune chooses e-mail, SMS or the portal per request type. SMS needs a
mobile number (never a landline: a link cannot be read aloud) and the
person's SMS consent to the surveys; the portal needs an account linked to
the person and a consent to the surveys on some channel. When the chosen
channel cannot reach the person the survey falls back to e-mail, and the
invitation keeps why (``fallback``). E-mail needs an address and an active
e-mail consent; a consent only withdrawn is a refusal."""
from __future__ import annotations

SURVEY_CHANNELS = ("email", "sms", "portal")
# Why a survey went by e-mail rather than the setting's channel.
FALLBACKS = ("no_mobile", "no_sms_consent", "no_account", "no_portal_consent")


def consent_state(consents: list[tuple[str, bool]], channel: str | None) -> str:
    """"active", "withdrawn" (only withdrawn ones) or "" (none) among the
    (channel, still active) consents to the surveys; ``channel`` None: any."""
    rows = [active for code, active in consents if channel is None or code == channel]
    if any(rows):
        return "active"
    return "withdrawn" if rows else ""


def channel_for(wanted: str, *, email: str, mobile: str, has_account: bool,
                consents: list[tuple[str, bool]]) -> tuple[str, str, str]:
    """(channel, fallback, reason): the channel the survey goes by, why it is
    not ``wanted`` ("" when it is), and why it is not sent at all ("" when it
    is: ``no_address``, ``refused``, ``no_consent``)."""
    if wanted not in SURVEY_CHANNELS:
        raise ValueError(f"unknown survey channel {wanted!r}")
    fallback = ""
    if wanted == "sms":
        if not mobile:
            fallback = "no_mobile"
        elif consent_state(consents, "sms") != "active":
            fallback = "no_sms_consent"
        else:
            return "sms", "", ""
    elif wanted == "portal":
        if not has_account:
            fallback = "no_account"
        elif consent_state(consents, None) != "active":
            fallback = "no_portal_consent"
        else:
            return "portal", "", ""
    if not email:
        return "email", fallback, "no_address"
    state = consent_state(consents, "email")
    if state == "active":
        return "email", fallback, ""
    return "email", fallback, "refused" if state == "withdrawn" else "no_consent"
