"""Plugin etat_civil: manifest and hook implementations (the plugin's face).

Acts, marriage and PACS files, recensement, name changes. The domain content (request types, workflows,
dashboards) builds on the core's requests; the legal rules are in rules.py.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from grc_core.plugins import hookimpl
from grc_core.plugins.types import PermissionDecl, PluginManifest, ServiceDecl

HERE = Path(__file__).parent

manifest = PluginManifest(
    name="etat_civil",
    label=_l("Civil status"),
    version="0.1.0",
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
def grc_translations_dir():
    return str(HERE / "translations")


@hookimpl
def grc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def grc_demo_data(commune):
    from grc_core.demo import demo_agents

    demo_agents(commune, DEMO_AGENTS)
