"""Plugin urbanisme: manifest and hook implementations (the plugin's face).

Planning-permission files with legal instruction delays. The request types,
workflows, panels, pages and dashboards live in their own modules; the legal
rules are in rules/. This module only wires them to the core.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import MenuItem, PermissionDecl, PluginManifest, ServiceDecl, hookimpl

from . import models  # noqa: F401  (the plugin's tables join the metadata when the plugin loads)

manifest = PluginManifest(
    name="urbanisme",
    label=_l("Town planning"),
    version="0.3.0",
    description=_l("Planning-permission files with legal instruction delays."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("urbanisme", "Julien Mercier", "agent", ['urbanisme.ads'], []),
    ("dst", "Hélène Dubois", "manager", ['urbanisme.ads'], ['urbanisme.sign']),
)


@hookimpl
def grc_register_services():
    return [
        ServiceDecl("urbanisme.ads", "Urbanisme (ADS)", "Direction des services techniques"),
    ]


@hookimpl
def grc_register_processing_activities():
    from .processing import ACTIVITIES

    return list(ACTIVITIES)


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("urbanisme.instruct", _l("Instruct planning files"), _l("Check completeness, consult, propose a decision."), ('admin', 'manager', 'agent')),
        PermissionDecl("urbanisme.sign", _l("Sign planning decisions"), _l("Sign a decision on behalf of the maire."), ('admin',)),
    ]


@hookimpl
def grc_register_settings():
    from .settings import SETTINGS

    return list(SETTINGS)


@hookimpl
def grc_register_request_types():
    from .request_types import request_types

    return request_types()


@hookimpl
def grc_register_workflows():
    from .workflows import workflows

    return workflows()


@hookimpl
def grc_register_indicators():
    from .dashboards import indicators

    return indicators()


@hookimpl
def grc_register_dashboard_widgets():
    from .dashboards import widgets

    return widgets()


@hookimpl
def grc_register_commands(cli):
    import click
    from sqlalchemy import select

    from grc_core.plugin_api import db
    from grc_core.plugin_api import Commune
    from grc_core.plugin_api import use_commune

    from .numbering import NumberingError, continue_after

    @cli.group("urbanisme", help="Urbanisme : numérotation des dossiers.")
    def urbanisme():
        pass

    @urbanisme.command("numerotation")
    @click.option("--commune", "slug", required=True, help="Identifiant court de la commune.")
    @click.option("--annee", type=int, required=True, help="Année des numéros (celle du dépôt).")
    @click.option("--type", "letters", required=True, help="DP, PC, PA, PD ou CU.")
    @click.option("--dernier", type=int, required=True, help="Dernier numéro attribué avant GRC.")
    def numerotation(slug, annee, letters, dernier):
        """Fait suivre la numérotation de GRC le dernier numéro attribué avant GRC cette année-là."""
        commune = db.session.scalar(select(Commune).where(Commune.slug == slug))
        if commune is None:
            raise click.UsageError(f"Commune « {slug} » inconnue.")
        with use_commune(commune.id):
            try:
                continue_after(commune.id, annee, letters.upper(), dernier)
            except NumberingError as error:
                raise click.UsageError(str(error)) from None
            db.session.commit()
        click.echo(f"{commune.name} : le prochain dossier {letters.upper()} de {annee} portera le numéro "
                   f"{dernier + 1:05d}.")


@hookimpl
def grc_admin_views():
    from .admin import UrbanismeView

    # A view instance belongs to one Admin: a new one for each app.
    return [UrbanismeView(name=_l("Planning deadlines"), endpoint="urbanisme", category=_l("Town planning"))]


@hookimpl
def grc_menu_items(user, commune):
    from grc_core.plugin_api import can

    if can("urbanisme.instruct"):
        return [MenuItem(_l("Planning deadlines"), "urbanisme.index", category=_l("Town planning"), order=20)]
    return []


@hookimpl
def grc_validate_request(request_type, data, commune, now):
    from grc_core.plugin_api import local_date

    from .checks import validate

    # The day of the submission on the engine's clock, not the system's.
    return validate(request_type, data, commune, local_date(now))


@hookimpl
def grc_request_submitted(request, commune):
    from .dossier import create_from_request
    from .follow_ups import on_filed

    dossier = create_from_request(request, commune)
    if dossier is not None:
        on_filed(dossier, request)


@hookimpl
def grc_check_transition(request, transition, now):
    from .guards import check

    return check(request, transition, now)


@hookimpl
def grc_request_transitioned(request, transition, actor, commune):
    from grc_core.plugin_api import local_date

    from .dossier import of_request, on_transition
    from .follow_ups import on_transitioned

    dossier = of_request(request)
    if dossier is not None:
        on_transition(dossier, request, transition.code, local_date(request.state_entered_at))
        on_transitioned(dossier, request, transition.code, actor)


@hookimpl
def grc_request_panels(request, user, commune):
    from .panels import request_panels

    return request_panels(request, commune)


@hookimpl
def grc_citizen_panels(citizen, requests):
    from .panels import citizen_panels

    return citizen_panels(citizen, requests)


@hookimpl
def grc_demo_data(commune):
    from grc_core.plugin_api import demo_agents

    from .demo import load_demo_files

    demo_agents(commune, DEMO_AGENTS)
    load_demo_files(commune)


@hookimpl
def grc_portal_demarche_info(request_type):
    from .portal import demarche_info

    return demarche_info(request_type)
