"""Plugin ecoles: manifest and hook implementations (the plugin's face).

School enrolment with the carte scolaire, dérogations, canteen and
after-school care. The legal rules are in rules.py (pure); services.py reads
and writes the commune's rows for the hooks; the declarations are in
request_types.py and dashboards.py.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grc_core.plugins import hookimpl
from grc_core.plugins.types import (
    CitizenPanel, PermissionDecl, PluginManifest, RequestPanel, ServiceDecl, SettingDecl,
)

from . import models  # noqa: F401  (the tables, for the migrations and the ORM)
from .request_types import TYPES

HERE = Path(__file__).parent

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


# Not fixed by the law: the délibération tariffs decide (§3.4).
NO_QF_TARIFF = SettingDecl(
    "ecoles.tarif_sans_qf", "Tarif de cantine sans quotient familial", "tranche_haute",
    help="« tranche_haute » : la tranche la plus élevée de la grille s'applique tant que la famille ne donne pas "
         "son quotient familial ; « aucun » : pas de tarif calculé, le service le fixe à la main.",
)


@hookimpl
def grc_register_settings():
    from .retention import KEEP_YEARS

    return [NO_QF_TARIFF, KEEP_YEARS]


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
    from .request_types import workflows

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
def grc_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def grc_admin_views():
    # A view instance belongs to one Admin: new ones for each app.
    from .admin import views
    from .views import CertificatesView

    return views() + [CertificatesView(name=_l("Certificates"), endpoint="ecoles_certificates",
                                       url="/admin/ecoles/certificats")]


@hookimpl
def grc_citizen_panels(citizen, user, commune):
    from .panels import citizen_panel_html

    html = citizen_panel_html(citizen)
    return [CitizenPanel(_("Schooling"), html, order=40)] if html else []


@hookimpl
def grc_request_panels(request, user, commune):
    if not _ours(request):
        return None
    from .panels import request_panel_html

    return [RequestPanel(_("Schooling"), request_panel_html(request, commune), order=20)]


@hookimpl
def grc_validate_request(request_type, data, commune):
    if request_type.code not in TYPES:
        return None
    from .services import validate

    return validate(request_type.code, data)


@hookimpl
def grc_check_transition(request, transition, fields, actor, commune):
    if not _ours(request):
        return None
    from .services import check_transition

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
def grc_translations_dir():
    return str(HERE / "translations")


@hookimpl
def grc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def grc_demo_data(commune):
    from grc_core.demo import demo_agents

    from .demo import load_demo

    demo_agents(commune, DEMO_AGENTS)
    load_demo(commune)
