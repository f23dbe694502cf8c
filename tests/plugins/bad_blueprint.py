"""A blueprint whose name does not start with the plugin name."""
from flask import Blueprint

from grc_core.plugin_api import PluginManifest, hookimpl

manifest = PluginManifest(name="bad_blueprint", label="Blueprint", version="0.1.0")


@hookimpl
def grc_blueprints():
    return [Blueprint("registre", __name__, url_prefix="/registre")]
