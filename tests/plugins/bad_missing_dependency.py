"""Depends on a plugin that is not loaded: start-up must stop and name both."""
from grc_core.plugin_api import PluginManifest

manifest = PluginManifest(name="bad_missing_dependency", label="Cemetery", version="0.1.0", depends=("cadastre",))
