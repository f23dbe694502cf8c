"""A plugin module without a ``manifest``."""
from grc_core.plugin_api import hookimpl


@hookimpl
def grc_register_settings():
    return []
