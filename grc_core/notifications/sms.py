"""SMS to citizens: a provider interface, one HTTP gateway, and what a text costs.

A provider sends one text to one number in E.164 form (``+33612345678``) and
returns its id for the message, or raises :class:`SmsTemporaryError` (worth
trying again later: the gateway is down, slow, overloaded) or
:class:`SmsPermanentError` (trying again changes nothing: a number or a key
refused). The outbox (:mod:`.outbox`) retries the first with its backoff and
gives up on the second at once, the reason kept on the message.

:class:`HttpGateway` is the one implementation: a JSON POST to
``SMS_GATEWAY_URL`` with the key ``SMS_GATEWAY_KEY`` as a bearer token
(docs/deployment.md gives the exchange, to point it at a provider's HTTP API
or at a small adapter in front of it). Without a URL there is no gateway:
:func:`gateway` is None and SMS wait in the outbox (see :mod:`.outbox`).

:func:`sms_length` counts the segments a text costs: 160 characters of the
GSM 03.38 alphabet fit in one SMS (153 per part when split), any other
character turns the whole text into UCS-2, 70 per SMS (67 per part).
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

import phonenumbers
from flask import current_app


class SmsError(Exception):
    """The gateway did not take the message; ``str(error)`` says why."""


class SmsTemporaryError(SmsError):
    """Try again later: nothing says the message is refused."""


class SmsPermanentError(SmsError):
    """Refused for good: trying again changes nothing."""


class SmsProvider(Protocol):
    def send(self, number: str, text: str, reference: str) -> str:
        """Send ``text`` to ``number`` (E.164); the provider's id of the message.
        ``reference`` names the message on our side, the same on every attempt,
        so that a provider may ignore a retry of what it already sent."""


# Statuses meaning "later, maybe": timeout, too many requests, server errors.
TEMPORARY_STATUSES = {408, 425, 429}


class HttpGateway:
    """``POST url`` with ``{"to", "text", "sender", "reference"}``; a 2xx answer
    with ``{"id": …}`` is a message taken. 408/425/429/5xx, a timeout or no
    connection are temporary; any other status is a refusal, whose ``error``
    (or body) becomes the reason."""

    def __init__(self, url: str, key: str, sender: str = "", timeout: float = 10.0):
        self.url, self.key, self.sender, self.timeout = url, key, sender, timeout

    def send(self, number: str, text: str, reference: str) -> str:
        payload = json.dumps({"to": number, "text": text, "sender": self.sender, "reference": reference})
        headers = {"Content-Type": "application/json", "Accept": "application/json",
                   "Idempotency-Key": reference}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        http_request = urllib.request.Request(self.url, data=payload.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:
                body = response.read(10_000)
        except urllib.error.HTTPError as error:
            reason = _reason(error.read(2_000)) or error.reason
            message = f"HTTP {error.code}: {reason}"
            if error.code >= 500 or error.code in TEMPORARY_STATUSES:
                raise SmsTemporaryError(message) from None
            raise SmsPermanentError(message) from None
        except (urllib.error.URLError, OSError) as error:  # no connection, timeout
            raise SmsTemporaryError(f"{type(error).__name__}: {getattr(error, 'reason', error)}") from None
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            answer = {}
        # Taken: an answer without an id is still a message sent (never send it twice).
        return str(answer.get("id", ""))[:100] if isinstance(answer, dict) else ""


def _reason(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    try:
        answer = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300]
    if isinstance(answer, dict) and answer.get("error"):
        return " ".join(str(answer["error"]).split())[:300]
    return " ".join(text.split())[:300]


def gateway() -> SmsProvider | None:
    """The configured gateway, or None when ``SMS_GATEWAY_URL`` is empty."""
    settings = current_app.config["GRC"]
    if not settings.get("SMS_GATEWAY_URL"):
        return None
    return HttpGateway(settings["SMS_GATEWAY_URL"], settings.get("SMS_GATEWAY_KEY") or "",
                       settings.get("SMS_SENDER") or "", float(settings.get("SMS_GATEWAY_TIMEOUT_SECONDS") or 10))


MOBILE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def mobile_number(raw: str, region: str = "FR") -> str | None:
    """``raw`` as an E.164 mobile number (``06 12 34 56 78`` → ``+33612345678``),
    or None when it is no valid number or a landline (no SMS reaches it)."""
    try:
        number = phonenumbers.parse(raw or "", region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# GSM 03.38: the basic alphabet (1 septet each) and its extension (escape + 1: 2 septets).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int  # SMS billed


def sms_length(text: str) -> SmsLength:
    """How many SMS ``text`` costs (0 for an empty text)."""
    if all(char in GSM_BASIC or char in GSM_EXTENSION for char in text):
        units = sum(2 if char in GSM_EXTENSION else 1 for char in text)
        single, part, encoding = 160, 153, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2  # an emoji is two units
        single, part, encoding = 70, 67, "UCS-2"
    if units == 0:
        return SmsLength(encoding, 0, 0)
    return SmsLength(encoding, units, 1 if units <= single else -(-units // part))
