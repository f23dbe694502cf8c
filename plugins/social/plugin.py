"""Plugin social: manifest and hook implementations (the plugin's face).

Domiciliation, vulnerable persons register, optional and legal aid, social
housing — under professional secrecy (L133-5 CASF): every request type is
declared with ``read_permission="social.read"`` and the core hides it from
whoever does not hold it, everywhere (grc_core.requests.confidentiality).
The domain lives in its modules: request_types.py (forms), workflows.py
(legal timers), checks.py / guards.py / lifecycle.py (rules/ applied),
register.py and views.py (the register, the préfet's export), panels.py,
dashboards.py, retention.py, demo.py; the legal rules are in rules/.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import MenuItem, PermissionDecl, PluginManifest, ServiceDecl, hookimpl

from . import models  # noqa: F401  (the plugin's tables)
from . import request_types as rt

manifest = PluginManifest(
    name="social",
    label=_l("Social action (CCAS)"),
    version="0.2.0",
    description=_l("Domiciliation, vulnerable persons register, social aid and housing."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("ccas", "Amandine Girard", "agent", ['social.ccas'], ['social.read', 'social.write']),
    ("direction-ccas", "Marc Chevalier", "manager", ['social.ccas'], ['social.read', 'social.write', 'social.decide', 'social.registre']),
)


@hookimpl
def grc_register_services():
    return [
        ServiceDecl("social.ccas", "CCAS", "Centre communal d'action sociale"),
    ]


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("social.read", _l("Read social files"), _l("Covered by professional secrecy (L133-5 CASF)."), ()),
        PermissionDecl("social.write", _l("Write social files"), _l("Create and update CCAS files."), ()),
        PermissionDecl("social.decide", _l("Decide on social aid"), _l("Record the commission's decisions."), ()),
        PermissionDecl("social.registre", _l("Vulnerable persons register"), _l("Persons designated by the maire (R121-2 CASF)."), ()),
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
def grc_admin_views():
    from .views import RegisterView

    # A view instance belongs to one Admin: a new one for each app.
    return [RegisterView(name=_l("Vulnerable persons register"), endpoint="social_registre",
                         url="/admin/social/registre", category=_l("Social action (CCAS)"))]


@hookimpl
def grc_menu_items(user):
    from grc_core.plugin_api import can

    if not can("social.registre"):
        return []
    return [MenuItem(_l("Vulnerable persons register"), "social_registre.index", category=_l("Social action (CCAS)"),
                     order=70)]


@hookimpl
def grc_validate_request(request_type, data, commune, now):
    from grc_core.plugin_api import local_date

    from .checks import validate

    # The day of the submission on the engine's clock, not the system's.
    return validate(request_type, data, commune, local_date(now))


@hookimpl
def grc_check_transition(request, transition, fields, actor, commune, now):
    from .guards import check

    return check(request, transition, fields, actor, commune, now)


@hookimpl
def grc_request_submitted(request, commune):
    if request.request_type.code in rt.CODES:
        from .lifecycle import submitted

        submitted(request, commune)


@hookimpl
def grc_request_transitioned(request, transition, actor, commune):
    if request.request_type.code in rt.CODES:
        from .lifecycle import transitioned

        transitioned(request, transition, actor, commune)


@hookimpl
def grc_request_panels(request, commune):
    from .panels import request_panels

    return request_panels(request, commune)


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
