"""Link tracking, off unless the commune turns it on (setting
``campagnes.suivi_des_liens``), and then said in every message.

When on, each link of the campaign's message is kept server-side
(``TrackedLink``) when the sending starts, and each recipient's e-mail
carries, instead of the link, ``/c/<commune>/campagnes/l/<token>``: the
token is signed and names the commune, the recipient and the link's row.
The redirect (public.py) records the recipient's first click and sends the
browser only to the stored URL — never to a URL a request carries, so the
route cannot serve as an open redirect; a forged or another commune's
token is a 404.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from grc_core.plugin_api import Commune, SettingDecl, db

from .models import Campaign, CampaignRecipient, TrackedLink

SETTING = SettingDecl(
    "campagnes.suivi_des_liens", "Suivi des clics sur les liens des campagnes", False,
    help="Désactivé par défaut. Activé : les liens des messages passent par le site de la mairie, qui compte "
         "le premier clic de chaque destinataire ; chaque message le dit.")
NOTICE = _l("The links of this message go through the town hall's website, which counts the clicks to measure "
            "the interest of this campaign.")
PATH = "/c/{slug}/campagnes/l/{token}"
# A link as people type it in a plain-text message; the punctuation that ends a sentence is not part of it.
URL = re.compile(r"https?://[^\s<>\"'{}]+")
TRAILING = ".,;:!?)]»"


def enabled(commune: Commune) -> bool:
    value = (commune.settings or {}).get(SETTING.code, SETTING.default)
    return value is True or str(value).strip().lower() in ("true", "1", "oui", "yes", "on")


def urls_in(text: str) -> list[str]:
    """The links of a message, in order, once each."""
    found = []
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        if url not in found:
            found.append(url)
    return found


def rewrite(text: str, replacement) -> str:
    """``text`` with each link replaced by ``replacement(url)``."""
    def replace(match: re.Match) -> str:
        url = match.group(0).rstrip(TRAILING)
        return replacement(url) + match.group(0)[len(url):]
    return URL.sub(replace, text)


def record_links(campaign: Campaign, commune: Commune) -> None:
    """Keep the message's links (once), when the commune tracks clicks."""
    if not enabled(commune):
        return
    known = set(db.session.scalars(select(TrackedLink.url).where(TrackedLink.campaign_id == campaign.id)))
    for url in urls_in(campaign.body):
        if url not in known and len(url) <= 2000:
            db.session.add(TrackedLink(campaign_id=campaign.id, url=url))
    db.session.flush()


def links_of(campaign: Campaign, commune: Commune) -> dict[str, int]:
    """url → id of the campaign's tracked links; empty when tracking is off."""
    if not enabled(commune):
        return {}
    return {url: link_id for link_id, url in db.session.execute(
        select(TrackedLink.id, TrackedLink.url).where(TrackedLink.campaign_id == campaign.id))}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="campagnes.link")


def tracked_url(campaign: Campaign, commune: Commune, recipient: CampaignRecipient, link_id: int) -> str:
    token = _serializer().dumps([commune.id, recipient.id, link_id])
    return campaign.site_url.rstrip("/") + PATH.format(slug=commune.slug, token=token)


def read_token(token: str) -> tuple[int, int, int] | None:
    """(commune id, recipient id, link id) a token was made for; None when forged."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if isinstance(value, list) and len(value) == 3 and all(type(v) is int for v in value):
        return value[0], value[1], value[2]
    return None
