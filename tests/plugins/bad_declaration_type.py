"""Returns a dict where a PermissionDecl is expected."""
from grc_core.plugin_api import PluginManifest, hookimpl

manifest = PluginManifest(name="bad_declaration_type", label="Declaration type", version="0.1.0")


@hookimpl
def grc_register_permissions():
    return [{"code": "bad_declaration_type.read", "label": "Lire"}]
