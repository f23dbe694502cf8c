"""The rules of the urbanisme plugin are a package, split by procedure: every
public name its modules define stays importable from ``plugins.urbanisme.rules``."""
from grc_core.plugin_api.testing import rules_package_problems
from plugins.urbanisme import rules


def test_every_public_name_of_the_modules_is_reexported():
    assert rules_package_problems(rules) == []
