"""The voirie's indicator and its widget on the operational dashboard."""
from __future__ import annotations

from sqlalchemy import func, select

from grc_core.plugin_api import (
    REQUEST_NOT_CLOSED, IndicatorDecl, IndicatorResult, Request, RequestType, Unit, WidgetDecl, db, in_services,
)

from .request_types import SIGNALEMENT


def open_reports(commune, filters) -> IndicatorResult:
    """Road reports not closed, in the services the viewer may see (counted in SQL)."""
    count = db.session.scalar(
        select(func.count()).select_from(Request)
        .join(RequestType, RequestType.id == Request.request_type_id)
        .where(RequestType.code == SIGNALEMENT, REQUEST_NOT_CLOSED, in_services(Request.service_id, filters.service_ids))
    )
    return IndicatorResult(value=count, note="Signalements de voirie reçus et pas encore clôturés, à cet instant.")


def indicators() -> list[IndicatorDecl]:
    return [IndicatorDecl("voirie.en_cours", "Signalements de voirie en cours", Unit("signalement", "signalements"),
                          compute=open_reports, dimensions=("now",),
                          description="Signalements pas encore réparés ni classés.")]


def widgets() -> list[WidgetDecl]:
    return [WidgetDecl("voirie.en_cours", "Voirie : signalements en cours", indicator="voirie.en_cours", order=40)]
