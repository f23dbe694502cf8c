"""Who may receive a campaign, decided per person at send time.

The law's two grounds for a commune to write to its inhabitants (RGPD art.
6(1)): their **consent** (a municipal newsletter, events — « information
municipale »: the person must have said yes, and not withdrawn it), or the
commune's **public-service mission** (art. 6(1)(e): a heat-wave register
reminder, roadworks in one's street, enrolment dates) — no consent needed,
but whoever asked not to receive them any more (a withdrawn consent) is
left out all the same, and every message offers to stop (CNIL's guidance on
municipal communication; RFC 8058 one-click unsubscribe).
"""
from __future__ import annotations

from enum import StrEnum


class LegalBasis(StrEnum):
    CONSENT = "consent"
    PUBLIC_TASK = "public_task"


class Exclusion(StrEnum):
    NO_CONSENT = "no_consent"
    OPTED_OUT = "opted_out"
    NO_ADDRESS = "no_address"
    DUPLICATE = "duplicate"
    # A mail server refused the address for good in an earlier campaign (a hard bounce).
    ADDRESS_ERROR = "address_error"


LEGAL_BASES = tuple(LegalBasis)


def exclusion(legal_basis: str, *, address: str, consent_given: bool, consent_withdrawn: bool,
              address_already_reached: bool, address_in_error: bool = False) -> Exclusion | None:
    """Why this person is left out of a campaign, or None when the message goes.

    ``consent_given``: an active consent for the channel and the purpose
    « information municipale »; ``consent_withdrawn``: one withdrawn (and
    none given again since); ``address_already_reached``: another recipient
    of the same campaign has the same address (one message per address);
    ``address_in_error``: a mail server refused it for good before.
    """
    if legal_basis not in LEGAL_BASES:
        raise ValueError(f"unknown legal basis {legal_basis!r}")
    if not address.strip():
        return Exclusion.NO_ADDRESS
    if legal_basis == LegalBasis.CONSENT and not consent_given:
        return Exclusion.OPTED_OUT if consent_withdrawn else Exclusion.NO_CONSENT
    if legal_basis == LegalBasis.PUBLIC_TASK and consent_withdrawn and not consent_given:
        return Exclusion.OPTED_OUT
    if address_in_error:
        return Exclusion.ADDRESS_ERROR
    if address_already_reached:
        return Exclusion.DUPLICATE
    return None
