"""Half of a dependency cycle (with bad_cycle_a)."""
from grc_core.plugin_api import PluginManifest

manifest = PluginManifest(name="bad_cycle_b", label="Cycle B", version="0.1.0", depends=("bad_cycle_a",))
