"""First of two plugins that declare the same code (with bad_shared_annexe).

The prefix rule leaves one way for two plugins to clash: a plugin name that
extends another one with a dot ("bad_shared.annexe"), whose codes also carry
the shorter name's prefix.
"""
from grc_core.plugin_api import PermissionDecl, PluginManifest, hookimpl

manifest = PluginManifest(name="bad_shared", label="Shared", version="0.1.0")


@hookimpl
def grc_register_permissions():
    return [PermissionDecl("bad_shared.annexe.consult", "Consulter l'annexe")]
