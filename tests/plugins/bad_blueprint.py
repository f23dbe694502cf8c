"""A blueprint whose name does not start with the plugin name."""
from flask import Blueprint

from grc_core.plugins import hookimpl
from grc_core.plugins.types import PluginManifest

manifest = PluginManifest(name="bad_blueprint", label="Blueprint", version="0.1.0")


@hookimpl
def grc_blueprints():
    return [Blueprint("registre", __name__, url_prefix="/registre")]
