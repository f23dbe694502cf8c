"""A real hook without ``@hookimpl``: pluggy would never call it."""
from grc_core.plugin_api import PermissionDecl, PluginManifest

manifest = PluginManifest(name="bad_unmarked_hook", label="Unmarked hook", version="0.1.0")


def grc_register_permissions():
    return [PermissionDecl("bad_unmarked_hook.deliver", "Délivrer les actes")]
