"""Second of two plugins that declare the same code (see bad_shared)."""
from grc_core.plugin_api import PermissionDecl, PluginManifest, hookimpl

manifest = PluginManifest(name="bad_shared.annexe", label="Shared annex", version="0.1.0")


@hookimpl
def grc_register_permissions():
    return [PermissionDecl("bad_shared.annexe.consult", "Consulter l'annexe")]
