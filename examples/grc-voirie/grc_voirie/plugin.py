"""Plugin voirie: manifest and hook implementations (the plugin's face).

Reports about the public road (potholes, lighting, signs) filed at the
counter or online, routed to the commune's road service, repaired through a
workflow whose timer escalates an immediate danger after 4 hours. Each hook
is a line or two that imports from the module of its concern.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import (
    MenuItem, PermissionDecl, PluginManifest, RoutingDecision, ServiceDecl, SettingDecl, can, hookimpl,
)

from .request_types import SERVICE, SIGNALEMENT

manifest = PluginManifest(
    name="voirie",
    label=_l("Roads"),
    version="0.1.0",
    description=_l("Reports about the public road, their repair and the escalation of dangers."),
    author="GRC",
)


@hookimpl
def grc_register_services():
    # A commune that already has its « voirie » service keeps it: the reports go there.
    return [ServiceDecl(SERVICE, "Voirie", "Services techniques", existing=("voirie",))]


@hookimpl
def grc_register_permissions():
    return [PermissionDecl("voirie.plan", _l("Plan road interventions"),
                           _l("Give a report its intervention date and team."), ("admin", "manager"))]


@hookimpl
def grc_register_settings():
    return [SettingDecl("voirie.astreinte", _l("On-call phone of the technical services"), "",
                        help=_l("Shown on every road report, for a danger outside office hours."))]


@hookimpl
def grc_register_request_types():
    from .request_types import request_types

    return request_types()


@hookimpl
def grc_register_workflows():
    from .workflows import workflows

    return workflows()


@hookimpl
def grc_register_routing_rules():
    from .request_types import routing_rules

    return routing_rules()


@hookimpl
def grc_register_indicators():
    from .dashboards import indicators

    return indicators()


@hookimpl
def grc_register_dashboard_widgets():
    from .dashboards import widgets

    return widgets()


@hookimpl
def grc_admin_views():
    from .views import DangersView

    # A view instance belongs to one Admin: a new one for each app.
    return [DangersView(name=_l("Immediate dangers"), endpoint="voirie_dangers", url="/admin/voirie/dangers",
                        category=_l("Roads"))]


@hookimpl
def grc_menu_items(user):
    # Cheap, called on every page; the view checks the permission again.
    if not can("voirie.plan"):
        return None
    return [MenuItem(_l("Immediate dangers"), "voirie_dangers.index", category=_l("Roads"), order=40)]


@hookimpl
def grc_citizen_panels(requests):
    from .panels import citizen_panels

    return citizen_panels(requests)


@hookimpl
def grc_request_panels(request, commune):
    from .panels import request_panels

    return request_panels(request, commune)


@hookimpl
def grc_validate_request(request_type, data):
    from .checks import validate

    return validate(request_type, data)


@hookimpl
def grc_check_transition(transition, fields, now):
    from .guards import check

    return check(transition, fields, now)


@hookimpl
def grc_request_transitioned(request, transition, fields):
    from .events import transitioned

    transitioned(request, transition, fields)


@hookimpl
def grc_route_request(request):
    # Asked before the default rule of request_types.py, which would match every report.
    if request.request_type.code != SIGNALEMENT or not (request.data or {}).get("danger_immediat"):
        return None
    return RoutingDecision(SERVICE, "Danger immédiat : la voirie intervient en priorité.", priority="urgente")


@hookimpl
def grc_demo_data(commune):
    from .demo import demo_data

    demo_data(commune)
