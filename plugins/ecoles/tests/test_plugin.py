"""The ecoles plugin's contract with the core: manifest, declarations, activation."""
from grc_core.plugins.testing import PluginContract


class TestContract(PluginContract):
    plugin = "ecoles"
    services = {"ecoles.affaires_scolaires"}
    permissions = {"ecoles.assign", "ecoles.derogation.decide", "ecoles.manage"}
    label_fr = "Écoles"
