"""Registered as ``bad_manifest_name`` but its manifest says otherwise."""
from grc_core.plugin_api import PluginManifest

manifest = PluginManifest(name="etat_civil_bis", label="Civil status (copy)", version="0.1.0")
