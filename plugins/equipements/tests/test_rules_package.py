"""The rules of the equipements plugin are a package: every public name its
modules define stays importable from ``plugins.equipements.rules``."""
from grc_core.plugin_api.testing import rules_package_problems
from plugins.equipements import rules


def test_every_public_name_of_the_modules_is_reexported():
    assert rules_package_problems(rules) == []
