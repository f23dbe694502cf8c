"""The etat_civil plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugin_api.testing import PluginContract


class TestContract(PluginContract):
    plugin = "etat_civil"
    services = {"etat_civil.etat_civil"}
    permissions = {"etat_civil.deliver"}
    label_fr = "État civil"
