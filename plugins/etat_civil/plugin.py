"""Plugin etat_civil: manifest and hook implementations (the plugin's face).

Acts, marriage and PACS files, recensement, name changes. The domain content
lives in its modules: request_types.py (forms), workflows.py (legal
timelines), checks.py / guards.py (rules/ applied to a request), panels.py,
views.py (recensement attestation and quarterly list), dashboards.py,
retention.py, demo.py; the legal rules are in rules/.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import MenuItem, PermissionDecl, PluginManifest, ServiceDecl, hookimpl

from . import request_types as rt

manifest = PluginManifest(
    name="etat_civil",
    label=_l("Civil status"),
    version="0.2.0",
    description=_l("Acts, marriage and PACS files, recensement, name changes."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("etat-civil", "Isabelle Fournier", "agent", ['etat_civil.etat_civil'], []),
    ("chef-etat-civil", "Thierry Roussel", "manager", ['etat_civil.etat_civil'], []),
)


@hookimpl
def grc_register_services():
    return [
        ServiceDecl("etat_civil.etat_civil", "État civil", "Direction de la population"),
    ]


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("etat_civil.deliver", _l("Issue civil status acts"), _l("Sign and deliver copies and extracts of acts."), ('admin', 'manager', 'agent')),
    ]


@hookimpl
def grc_register_settings():
    from .settings import SETTINGS

    return list(SETTINGS)


@hookimpl
def grc_register_request_types():
    return list(rt.REQUEST_TYPES)


@hookimpl
def grc_register_workflows():
    from .workflows import WORKFLOWS

    return list(WORKFLOWS)


@hookimpl
def grc_register_routing_rules():
    return list(rt.ROUTING_RULES)


@hookimpl
def grc_register_indicators():
    from .dashboards import INDICATORS

    return list(INDICATORS)


@hookimpl
def grc_register_dashboard_widgets():
    from .dashboards import WIDGETS

    return list(WIDGETS)


@hookimpl
def grc_register_retention_policies():
    from .retention import POLICIES

    return list(POLICIES)


@hookimpl
def grc_register_processing_activities():
    from .processing import ACTIVITIES

    return list(ACTIVITIES)


@hookimpl
def grc_register_segment_criteria():
    from .segments import CRITERIA

    return list(CRITERIA)


@hookimpl
def grc_admin_views():
    from .views import RecensementView

    # A view instance belongs to one Admin: a new one for each app.
    return [RecensementView(name=_l("Recensement citoyen"), endpoint="etat_civil_recensement",
                            url="/admin/etat_civil/recensement", category=_l("Civil status"))]


@hookimpl
def grc_menu_items(user):
    from grc_core.plugin_api import can

    if not can("etat_civil.deliver"):
        return []
    return [MenuItem(_l("Recensement citoyen"), "etat_civil_recensement.index", category=_l("Civil status"),
                     order=60)]


@hookimpl
def grc_validate_request(request_type, data, commune, now):
    from grc_core.plugin_api import local_date

    from .checks import validate

    # The day of the submission on the engine's clock, not the system's.
    return validate(request_type.code, data, commune, local_date(now))


@hookimpl
def grc_check_transition(request, transition, fields, actor, commune, now):
    from .guards import check

    return check(request, transition, fields, actor, commune, now)


@hookimpl
def grc_request_panels(request, user, commune):
    from .panels import request_panels

    return request_panels(request, user, commune)


@hookimpl
def grc_citizen_panels(citizen, requests):
    from .panels import citizen_panels

    return citizen_panels(citizen, requests)


@hookimpl
def grc_demo_data(commune):
    from grc_core.plugin_api import demo_agents

    from .demo import load_demo

    demo_agents(commune, DEMO_AGENTS)
    load_demo(commune)


@hookimpl
def grc_portal_demarche_info(request_type):
    from .portal import demarche_info

    return demarche_info(request_type)
