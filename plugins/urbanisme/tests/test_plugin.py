"""The urbanisme plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugin_api.testing import PluginContract


class TestContract(PluginContract):
    plugin = "urbanisme"
    services = {"urbanisme.ads"}
    permissions = {"urbanisme.instruct", "urbanisme.sign"}
    label_fr = "Urbanisme"
