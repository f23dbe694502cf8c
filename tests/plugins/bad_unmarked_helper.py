"""An unmarked ``grc_`` function that is no hook: a typo or a misleading helper name."""
from grc_core.plugin_api import PluginManifest

manifest = PluginManifest(name="bad_unmarked_helper", label="Unmarked helper", version="0.1.0")


def grc_reference(year, number):
    return f"EC-{year}-{number:05d}"
