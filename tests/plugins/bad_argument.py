"""An implementation asking for an argument the hook does not have."""
from grc_core.plugins import hookimpl
from grc_core.plugins.types import MenuItem, PluginManifest

manifest = PluginManifest(name="bad_argument", label="Argument", version="0.1.0")


@hookimpl
def grc_menu_items(user, commune, page):
    return [MenuItem("Registre", "admin.index")]
