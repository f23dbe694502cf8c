"""A plugin module without a ``manifest``."""
from grc_core.plugins import hookimpl


@hookimpl
def grc_register_settings():
    return []
