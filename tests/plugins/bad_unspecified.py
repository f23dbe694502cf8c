"""A marked implementation without the ``grc_`` prefix: pluggy leaves it pending."""
from grc_core.plugin_api import PluginManifest, ServiceDecl, hookimpl

manifest = PluginManifest(name="bad_unspecified", label="Unspecified", version="0.1.0")


@hookimpl
def register_services():
    return [ServiceDecl("bad_unspecified.urbanisme", "Urbanisme")]
