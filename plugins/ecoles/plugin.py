"""Plugin ecoles: manifest and hook implementations (the plugin's face).

School enrolment with the carte scolaire, dérogations, canteen and
after-school care. The legal rules are in rules/ (pure); request_types.py,
workflows.py, settings.py, dashboards.py and retention.py declare; checks.py
and guards.py apply the rules to a request and a transition; panels.py and
demo.py; services.py reads and writes the commune's rows for them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import PermissionDecl, PluginManifest, ServiceDecl, hookimpl

from . import models  # noqa: F401  (the tables, for the migrations and the ORM)
from .request_types import TYPES

manifest = PluginManifest(
    name="ecoles",
    label=_l("Schools"),
    version="0.2.0",
    description=_l("School enrolment, dérogations, canteen and after-school care."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("scolaire", "Camille Petit", "agent", ['ecoles.affaires_scolaires'], []),
    ("chef-scolaire", "Olivier Lambert", "manager", ['ecoles.affaires_scolaires'], ['ecoles.derogation.decide']),
)


def _ours(request) -> bool:
    return request.request_type is not None and request.request_type.code in TYPES


@hookimpl
def grc_register_services():
    return [
        ServiceDecl("ecoles.affaires_scolaires", "Affaires scolaires", "Direction de l'éducation"),
    ]


@hookimpl
def grc_register_settings():
    from .settings import SETTINGS

    return list(SETTINGS)


@hookimpl
def grc_register_retention_policies():
    from .retention import policies

    return policies()


@hookimpl
def grc_register_processing_activities():
    from .processing import ACTIVITIES

    return list(ACTIVITIES)


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("ecoles.assign", _l("Assign pupils to schools"), _l("Issue enrolment certificates."),
                       ('admin', 'manager', 'agent')),
        PermissionDecl("ecoles.derogation.decide", _l("Decide on dérogations"),
                       _l("Grant or refuse a change of school sector."), ('admin',)),
        PermissionDecl("ecoles.manage", _l("Manage the schools' reference data"),
                       _l("Schools, capacities, carte scolaire, tariffs."), ('admin', 'manager')),
    ]


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
def grc_register_segment_criteria():
    from .segments import CRITERIA

    return list(CRITERIA)


@hookimpl
def grc_admin_views():
    # A view instance belongs to one Admin: new ones for each app.
    from .admin import views
    from .views import CertificatesView

    return views() + [CertificatesView(name=_l("Certificates"), endpoint="ecoles_certificates",
                                       url="/admin/ecoles/certificats")]


@hookimpl
def grc_citizen_panels(citizen):
    from .panels import citizen_panels

    return citizen_panels(citizen)


@hookimpl
def grc_request_panels(request, user, commune):
    if not _ours(request):
        return None
    from .panels import request_panels

    return request_panels(request, commune)


@hookimpl
def grc_validate_request(request_type, data, now):
    if request_type.code not in TYPES:
        return None
    from grc_core.plugin_api import local_date

    from .checks import validate

    # The day of the submission on the engine's clock, not the system's.
    return validate(request_type.code, data, local_date(now))


@hookimpl
def grc_check_transition(request, transition, fields, actor, commune):
    if not _ours(request):
        return None
    from .guards import check_transition

    return check_transition(request, transition)


@hookimpl
def grc_request_submitted(request, commune):
    if _ours(request):
        from .services import submitted

        submitted(request)


@hookimpl
def grc_request_transitioned(request, transition, actor, commune):
    if _ours(request):
        from .services import transitioned

        transitioned(request, transition, commune)


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
