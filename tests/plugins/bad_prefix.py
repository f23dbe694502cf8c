"""Declares a request type whose code lacks the plugin's prefix."""
from grc_core.plugin_api import PluginManifest, RequestTypeDecl, hookimpl

manifest = PluginManifest(name="bad_prefix", label="Prefix", version="0.1.0")


@hookimpl
def grc_register_request_types():
    return [RequestTypeDecl("acte_naissance", "Copie d'acte de naissance", service="bad_prefix.etat_civil",
                            workflow="bad_prefix.delivrance")]
