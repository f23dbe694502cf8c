"""The social plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugin_api.testing import PluginContract


class TestContract(PluginContract):
    plugin = "social"
    services = {"social.ccas"}
    permissions = {"social.read", "social.write", "social.decide", "social.registre"}
    label_fr = "Action sociale (CCAS)"
