"""Returns a dict where a PermissionDecl is expected."""
from grc_core.plugins import hookimpl
from grc_core.plugins.types import PluginManifest

manifest = PluginManifest(name="bad_declaration_type", label="Declaration type", version="0.1.0")


@hookimpl
def grc_register_permissions():
    return [{"code": "bad_declaration_type.read", "label": "Lire"}]
