"""Plugin social: manifest and hook implementations (the plugin's face).

Domiciliation, vulnerable persons register, social aid and housing. The domain content (request types, workflows,
dashboards) builds on the core's requests; the legal rules are in rules.py.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from grc_core.plugins import hookimpl
from grc_core.plugins.types import PermissionDecl, PluginManifest, ServiceDecl

HERE = Path(__file__).parent

manifest = PluginManifest(
    name="social",
    label=_l("Social action (CCAS)"),
    version="0.1.0",
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
def grc_translations_dir():
    return str(HERE / "translations")


@hookimpl
def grc_migrations_dir():
    return str(HERE / "migrations" / "versions")


@hookimpl
def grc_demo_data(commune):
    from grc_core.demo import demo_agents

    demo_agents(commune, DEMO_AGENTS)
