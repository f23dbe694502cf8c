"""An admin view whose endpoint does not start with the plugin name."""
from flask_admin import expose

from grc_core.plugin_api import PluginManifest, SecureView, hookimpl

manifest = PluginManifest(name="bad_admin_endpoint", label="Admin endpoint", version="0.1.0")


class RegistresView(SecureView):
    @expose("/")
    def index(self):
        return "Registres"


@hookimpl
def grc_admin_views():
    return [RegistresView(name="Registres", endpoint="registres")]
