"""A model view that leaves who may delete its rows to the core's default."""
from grc_core.admin.base import SecureModelView
from grc_core.models import Service
from grc_core.plugins import hookimpl
from grc_core.plugins.types import PluginManifest

manifest = PluginManifest(name="bad_admin_permission", label="Admin permission", version="0.1.0")


class ServicesView(SecureModelView):
    permission = edit_permission = "core.admin"


@hookimpl
def grc_admin_views():
    return [ServicesView(Service, name="Services", endpoint="bad_admin_permission_services")]
