"""Plugin urbanisme: manifest and hook implementations (the plugin's face).

Planning-permission files with legal instruction delays. The domain content (request types, workflows,
dashboards) builds on the core's requests; the legal rules are in rules.py.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from grc_core.plugins import hookimpl
from grc_core.plugins.types import PermissionDecl, PluginManifest, ServiceDecl

HERE = Path(__file__).parent

manifest = PluginManifest(
    name="urbanisme",
    label=_l("Town planning"),
    version="0.1.0",
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
def grc_register_permissions():
    return [
        PermissionDecl("urbanisme.instruct", _l("Instruct planning files"), _l("Check completeness, consult, propose a decision."), ('admin', 'manager', 'agent')),
        PermissionDecl("urbanisme.sign", _l("Sign planning decisions"), _l("Sign a decision on behalf of the maire."), ('admin',)),
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
