"""The démarches a commune opens online: its active request types open to
the ``web`` channel, their plugin enabled, never a confidential (CCAS) type,
grouped by domain and searchable."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..citizens.search import normalize
from ..extensions import db
from ..forms.specs import active_request_types, usable_request_type
from ..models import RequestType
from ..plugin_api.types import DemarcheInfo
from ..requests.confidentiality import confidential_types
from ..tenancy.activation import active_plugins

CHANNEL = "web"
COMMUNE_DOMAIN = _l("Other procedures")


@dataclass
class Demarche:
    request_type: RequestType
    domain: str
    infos: list[DemarcheInfo] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return next((info.description for info in self.infos if info.description), "")


def open_types(commune) -> list[RequestType]:
    secret = confidential_types(commune)
    return [t for t in active_request_types(CHANNEL) if t.code not in secret and t.workflow_id is not None]


def demarche(commune, request_type: RequestType) -> Demarche:
    registry = current_app.extensions["grc"]
    manifests = registry.manifests
    domain = str(manifests[request_type.plugin].label) if request_type.plugin in manifests else str(COMMUNE_DOMAIN)
    return Demarche(request_type, domain, registry.demarche_info(active_plugins(commune), request_type, commune))


def find(commune, code: str) -> Demarche | None:
    """The démarche of this code when it is open online (as :func:`open_types`
    says), else None. Its type alone is read, with what filing reads (its
    workflow and service): filing takes it as it is, without reading it again."""
    if code in confidential_types(commune):
        return None
    read = db.session.scalar(select(RequestType).where(RequestType.code == code[:100]).options(
        joinedload(RequestType.workflow), joinedload(RequestType.service)))
    found = usable_request_type(read, channel=CHANNEL)
    if found is None or found.workflow_id is None:
        return None
    return demarche(commune, found)


def catalogue(commune, query: str = "") -> list[tuple[str, list[Demarche]]]:
    """``[(domain, démarches)]`` by domain then label; ``query`` keeps the
    démarches whose label, domain or description hold every word of it."""
    words = normalize(query).split()
    groups: dict[str, list[Demarche]] = {}
    for request_type in open_types(commune):
        item = demarche(commune, request_type)
        text = normalize(" ".join([request_type.shown_label, item.domain, *(i.description for i in item.infos)]))
        if all(word in text for word in words):
            groups.setdefault(item.domain, []).append(item)
    return [(domain, sorted(items, key=lambda d: normalize(d.request_type.shown_label)))
            for domain, items in sorted(groups.items(), key=lambda pair: normalize(pair[0]))]
