"""The rules of the social plugin are a package, split by procedure: every
public name its modules define stays importable from ``plugins.social.rules``."""
from grc_core.plugin_api.testing import rules_package_problems
from plugins.social import rules


def test_every_public_name_of_the_modules_is_reexported():
    assert rules_package_problems(rules) == []
