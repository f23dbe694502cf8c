"""The rules of the etat_civil plugin are a package, split by procedure: every
public name its modules define stays importable from ``plugins.etat_civil.rules``."""
from grc_core.plugin_api.testing import rules_package_problems
from plugins.etat_civil import rules


def test_every_public_name_of_the_modules_is_reexported():
    assert rules_package_problems(rules) == []
