"""Declares a processing activity whose retention policy does not exist."""
from grc_core.plugin_api import hookimpl
from grc_core.plugin_api import PluginManifest, ProcessingActivityDecl

manifest = PluginManifest(name="bad_processing", label="Processing", version="0.1.0")


@hookimpl
def grc_register_processing_activities():
    return [ProcessingActivityDecl("bad_processing.fichier", "Fichier", purpose="Tenir un fichier.",
                                   legal_basis="public_task", retention_policy="bad_processing.oubli")]
