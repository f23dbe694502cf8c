"""What the quick intake needs beyond its view: the request types grouped by
domain for the type picker, and the guard against filing the same request
twice (back button, double tab, two clicks)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Request, RequestEvent, RequestType, utcnow
from ..security.access import may_read_request
from ..tenancy.activation import registry

# Minutes during which filing the same type for the same citizen asks first;
# GRC_INTAKE_DUPLICATE_MINUTES overrides it.
DEFAULT_DUPLICATE_MINUTES = 10


def types_by_domain(request_types: list[RequestType]) -> list[tuple[str, list[RequestType]]]:
    """The types under their domain's name (the plugin's label), domains in
    alphabetical order and the commune's own types last."""
    manifests = registry().manifests
    groups: dict[str, list[RequestType]] = {}
    own: list[RequestType] = []
    for request_type in request_types:
        manifest = manifests.get(request_type.plugin) if request_type.plugin else None
        if manifest is None:
            own.append(request_type)
        else:
            groups.setdefault(str(manifest.label), []).append(request_type)
    grouped = sorted(groups.items(), key=lambda item: item[0].casefold())
    if own:
        grouped.append((_("Commune's own types"), own))
    return grouped


def type_by_label(request_types: list[RequestType], label: str) -> RequestType | None:
    """The type an agent typed in the type-ahead box (its exact label, any case)."""
    wanted = label.strip().casefold()
    if not wanted:
        return None
    return next((t for t in request_types if t.shown_label.casefold() == wanted), None)


def duplicate_window() -> timedelta:
    return timedelta(minutes=int(current_app.config.get("GRC_INTAKE_DUPLICATE_MINUTES",
                                                        DEFAULT_DUPLICATE_MINUTES)))


def recent_same_request(*, citizen_id: int, request_type_id: int, user,
                        now: datetime | None = None) -> Request | None:
    """The latest request of this type for this citizen received within the
    duplicate window, among those the agent may read or filed himself (a
    confidential file someone else filed is never revealed by the warning)."""
    since = (now or utcnow()) - duplicate_window()
    candidates = db.session.scalars(
        select(Request).where(Request.citizen_id == citizen_id, Request.request_type_id == request_type_id,
                              Request.received_at >= since)
        .order_by(Request.received_at.desc(), Request.id.desc()))
    for candidate in candidates:
        if may_read_request(candidate):
            return candidate
        filer = db.session.scalar(select(RequestEvent.actor_id).where(
            RequestEvent.request_id == candidate.id, RequestEvent.kind == "created"))
        if filer == user.id:
            return candidate
    return None
