"""A model view that leaves who may delete its rows to the core's default."""
from grc_core.plugin_api import PluginManifest, SecureModelView, Service, hookimpl

manifest = PluginManifest(name="bad_admin_permission", label="Admin permission", version="0.1.0")


class ServicesView(SecureModelView):
    permission = edit_permission = "core.admin"


@hookimpl
def grc_admin_views():
    return [ServicesView(Service, name="Services", endpoint="bad_admin_permission_services")]
