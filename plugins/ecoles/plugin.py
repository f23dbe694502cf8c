"""Plugin ecoles: manifest and hook implementations (the plugin's face).

School enrolment, dérogations, canteen and after-school care. The domain content (request types, workflows,
dashboards) builds on the core's requests; the legal rules are in rules.py.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from grc_core.plugins import hookimpl
from grc_core.plugins.types import PermissionDecl, PluginManifest, ServiceDecl

HERE = Path(__file__).parent

manifest = PluginManifest(
    name="ecoles",
    label=_l("Schools"),
    version="0.1.0",
    description=_l("School enrolment, dérogations, canteen and after-school care."),
    author="GRC",
)

# Demo agents of the plugin's service: local part of the e-mail, name, role,
# services, extra permissions.
DEMO_AGENTS = (
    ("scolaire", "Camille Petit", "agent", ['ecoles.affaires_scolaires'], []),
    ("chef-scolaire", "Olivier Lambert", "manager", ['ecoles.affaires_scolaires'], ['ecoles.derogation.decide']),
)


@hookimpl
def grc_register_services():
    return [
        ServiceDecl("ecoles.affaires_scolaires", "Affaires scolaires", "Direction de l'éducation"),
    ]


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("ecoles.assign", _l("Assign pupils to schools"), _l("Issue enrolment certificates."), ('admin', 'manager', 'agent')),
        PermissionDecl("ecoles.derogation.decide", _l("Decide on dérogations"), _l("Grant or refuse a change of school sector."), ('admin',)),
    ]


@hookimpl
def grc_translations_dir():
    return str(HERE / "translations")


@hookimpl
def grc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def grc_demo_data(commune):
    from grc_core.demo import demo_agents

    demo_agents(commune, DEMO_AGENTS)
