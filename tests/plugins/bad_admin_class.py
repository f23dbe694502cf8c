"""An admin view that skips the core's access checks (plain Flask-Admin BaseView)."""
from flask_admin import BaseView, expose

from grc_core.plugin_api import PluginManifest, hookimpl

manifest = PluginManifest(name="bad_admin_class", label="Admin class", version="0.1.0")


class RegistresView(BaseView):
    @expose("/")
    def index(self):
        return "Registres"


@hookimpl
def grc_admin_views():
    return [RegistresView(name="Registres", endpoint="bad_admin_class_registres")]
