"""What every plugin owes the core."""
from grc_core.plugin_api.testing import PluginContract


class TestContract(PluginContract):
    plugin = "enquetes"
    services: set[str] = set()
    permissions = {"enquetes.settings", "enquetes.results", "enquetes.agent_results", "enquetes.barometers"}
    label_fr = "Enquêtes de satisfaction"
