"""Declares the same permission code twice."""
from grc_core.plugin_api import PermissionDecl, PluginManifest, hookimpl

manifest = PluginManifest(name="bad_duplicate", label="Duplicate", version="0.1.0")


@hookimpl
def grc_register_permissions():
    return [
        PermissionDecl("bad_duplicate.deliver", "Délivrer les copies d'actes"),
        PermissionDecl("bad_duplicate.deliver", "Délivrer les extraits d'actes"),
    ]
