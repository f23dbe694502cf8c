"""The channels a campaign may use, in the order the campaign chooses.

Each person receives one message: on the first channel of the campaign's
list that may reach them (an address on that channel, the consent or the
public-service basis, no earlier hard bounce — ``rules.exclusion``); when
none may, the person is excluded with the reason of the last channel tried.

A channel says how to find a person's address on it and what makes two
recipients "the same" (one message each). How its messages leave is the
sending's business: e-mails and SMS through the core's outbox, one at a
time (``sending.send_batch``); letters all together as one printable PDF
(``letters.generate``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import Citizen, mobile_number


def _email(citizen: Citizen) -> str:
    return (citizen.email or "").strip().lower()


def _mobile(citizen: Citizen) -> str:
    """The citizen's mobile number in E.164 form; empty for a landline or none."""
    return mobile_number(citizen.phone or "") or ""


def postal_lines(citizen: Citizen) -> list[str]:
    """The address block's lines below the name (empty when incomplete: a letter needs street, postcode, city)."""
    street = " ".join(part for part in ((citizen.address_number or "").strip(),
                                        (citizen.address_street or "").strip()) if part)
    town = " ".join(part for part in ((citizen.postcode or "").strip(), (citizen.city or "").strip().upper())
                    if part)
    if not (citizen.address_street or "").strip() or not (citizen.postcode or "").strip() \
            or not (citizen.city or "").strip():
        return []
    return [street, town]


def _postal(citizen: Citizen) -> str:
    return "\n".join(postal_lines(citizen))


@dataclass(frozen=True)
class Channel:
    # Also the core's consent channel (Consent.channel): "email", "sms", "courrier".
    code: str
    label: object
    address_of: Callable[[Citizen], str]
    # Two recipients with the same key receive one message: one e-mail per
    # address; one letter per person and address (a household's members each
    # receive their own letter, a person recorded twice does not).
    same_key: Callable[[Citizen, str], str]


CHANNELS = {
    "email": Channel("email", _l("E-mail"), _email, lambda citizen, address: address),
    "sms": Channel("sms", _l("SMS"), _mobile, lambda citizen, address: address),
    "courrier": Channel("courrier", _l("Letter"), _postal,
                        lambda citizen, address: f"{citizen.full_name.lower()}|{address.lower()}"),
}
