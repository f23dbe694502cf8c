"""Plugin equipements: manifest and hook implementations (the plugin's face).

Booking municipal halls and sports facilities, recurring season slots for
associations, equipment loans and temporary drinks stands. The legal rules
are in rules/ (pure); request_types.py, workflows.py, settings.py,
dashboards.py, retention.py and processing.py declare; services.py applies
the rules to a request and a transition and keeps the plugin's rows; admin.py
(reference data) and views.py (calendar, convention) are the back office.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import MenuItem, PermissionDecl, PluginManifest, ServiceDecl, can, hookimpl

from . import models  # noqa: F401  (the tables, for the migrations and the ORM)
from .request_types import TYPES

manifest = PluginManifest(
    name="equipements",
    label=_l("Facilities"),
    version="0.1.0",
    description=_l("Booking municipal halls and sports facilities, equipment loans and temporary drinks stands."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("equipements", "Nadia Mercier", "agent", ["equipements.equipements"], []),
    ("chef-equipements", "Laurent Girard", "manager", ["equipements.equipements"], ["equipements.decide"]),
)


def _ours(request) -> bool:
    return request.request_type is not None and request.request_type.code in TYPES


@hookimpl
def grc_register_services():
    return [ServiceDecl("equipements.equipements", "Équipements et vie associative", "Direction des services "
                                                                                     "techniques")]


@hookimpl
def grc_register_settings():
    from .settings import SETTINGS

    return list(SETTINGS)


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("equipements.decide", _l("Decide on bookings and drinks stands"),
                       _l("Confirm bookings, grant season slots, authorise temporary drinks stands."),
                       ("admin", "manager")),
        PermissionDecl("equipements.manage", _l("Manage the facilities' reference data"),
                       _l("Facilities, closures, equipment stock, user categories, tariffs."), ("admin", "manager")),
        PermissionDecl("equipements.calendar", _l("Read the facilities' calendar"),
                       _l("Bookings, options and closures of every facility."),
                       ("admin", "manager", "agent", "accueil")),
    ]


@hookimpl
def grc_register_retention_policies():
    from .retention import policies

    return policies()


@hookimpl
def grc_register_processing_activities():
    from .processing import ACTIVITIES

    return list(ACTIVITIES)


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
    # A view instance belongs to one Admin: new ones for each app.
    from .admin import views
    from .views import CalendarView, ConventionView

    return views() + [
        CalendarView(name=_l("Calendar"), category=_l("Facilities"), endpoint="equipements_calendar",
                     url="/admin/equipements/calendrier"),
        ConventionView(name=_l("Conventions"), endpoint="equipements_conventions",
                       url="/admin/equipements/conventions"),
    ]


@hookimpl
def grc_menu_items(user, commune):
    if not can("equipements.calendar"):
        return None
    return [MenuItem(_l("Facilities calendar"), "equipements_calendar.index", category=_l("Facilities"), order=60)]


@hookimpl
def grc_citizen_panels(citizen, requests):
    from .panels import citizen_panels

    return citizen_panels(citizen, [r for r in requests if _ours(r)])


@hookimpl
def grc_request_panels(request, user, commune):
    if not _ours(request):
        return None
    from .panels import request_panels

    return request_panels(request)


@hookimpl
def grc_validate_request(request_type, data, commune, now):
    if request_type.code not in TYPES:
        return None
    from .checks import validate

    return validate(request_type.code, data, commune, now)


@hookimpl
def grc_check_transition(request, transition, fields):
    if not _ours(request):
        return None
    from .guards import check_transition

    return check_transition(request, transition, fields)


@hookimpl
def grc_request_submitted(request, now):
    if _ours(request):
        from .services import submitted

        submitted(request, now)


@hookimpl
def grc_request_transitioned(request, transition, fields, commune, now):
    if _ours(request):
        from .services import transitioned

        transitioned(request, transition, fields, commune, now)


@hookimpl
def grc_demo_data(commune):
    from grc_core.plugin_api import demo_agents

    from .demo import load_demo

    demo_agents(commune, DEMO_AGENTS)
    load_demo(commune)
