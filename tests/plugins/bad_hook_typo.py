"""A marked implementation whose name is not a hook (``services``, singular)."""
from grc_core.plugin_api import PluginManifest, ServiceDecl, hookimpl

manifest = PluginManifest(name="bad_hook_typo", label="Hook typo", version="0.1.0")


@hookimpl
def grc_register_service():
    return [ServiceDecl("bad_hook_typo.urbanisme", "Urbanisme")]
