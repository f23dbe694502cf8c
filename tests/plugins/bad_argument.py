"""An implementation asking for an argument the hook does not have."""
from grc_core.plugin_api import MenuItem, PluginManifest, hookimpl

manifest = PluginManifest(name="bad_argument", label="Argument", version="0.1.0")


@hookimpl
def grc_menu_items(user, commune, page):
    return [MenuItem("Registre", "admin.index")]
