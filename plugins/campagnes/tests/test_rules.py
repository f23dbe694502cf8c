"""Who receives a campaign, and the message's variables (rules/, pure)."""
import pytest

from grc_core.plugin_api.testing import rules_package_problems
from plugins.campagnes import rules
from plugins.campagnes.rules import Exclusion


def test_the_rules_package_exports_its_modules():
    assert rules_package_problems(rules) == []


@pytest.mark.parametrize("basis, address, given, withdrawn, reached, expected", [
    # Consent: only who said yes and has not withdrawn it.
    ("consent", "a@x.fr", True, False, False, None),
    ("consent", "a@x.fr", False, False, False, Exclusion.NO_CONSENT),
    ("consent", "a@x.fr", False, True, False, Exclusion.OPTED_OUT),
    # Given again after a withdrawal: the latest word counts (an active consent exists).
    ("consent", "a@x.fr", True, True, False, None),
    # Public-service information: no consent needed, but an unsubscription is respected.
    ("public_task", "a@x.fr", False, False, False, None),
    ("public_task", "a@x.fr", False, True, False, Exclusion.OPTED_OUT),
    ("public_task", "a@x.fr", True, True, False, None),
    # No address, whatever the basis; then one message per address.
    ("public_task", "  ", True, False, False, Exclusion.NO_ADDRESS),
    ("consent", "", False, True, False, Exclusion.NO_ADDRESS),
    ("public_task", "a@x.fr", False, False, True, Exclusion.DUPLICATE),
    ("consent", "a@x.fr", False, False, True, Exclusion.NO_CONSENT),
])
def test_exclusion(basis, address, given, withdrawn, reached, expected):
    assert rules.exclusion(basis, address=address, consent_given=given, consent_withdrawn=withdrawn,
                           address_already_reached=reached) == expected


@pytest.mark.parametrize("basis, given, withdrawn, expected", [
    # A hard bounce before: the address is in error, whatever the basis…
    ("public_task", False, False, Exclusion.ADDRESS_ERROR),
    ("consent", True, False, Exclusion.ADDRESS_ERROR),
    # …but who did not consent, or withdrew, is counted for that first.
    ("consent", False, False, Exclusion.NO_CONSENT),
    ("public_task", False, True, Exclusion.OPTED_OUT),
])
def test_an_address_in_error(basis, given, withdrawn, expected):
    assert rules.exclusion(basis, address="a@x.fr", consent_given=given, consent_withdrawn=withdrawn,
                           address_already_reached=True, address_in_error=True) == expected


def test_an_unknown_legal_basis_is_a_programming_error():
    with pytest.raises(ValueError):
        rules.exclusion("interest", address="a@x.fr", consent_given=True, consent_withdrawn=False,
                        address_already_reached=False)


def test_variables():
    assert rules.unknown_variables("Bonjour {prenom} {prenon}, {{nom}} {x} {prenon}") == ["prenon", "x"]
    assert rules.fill("Bonjour {prenom} {{nom}} {inconnu}", {"prenom": "Léa"}) == "Bonjour Léa {nom} {inconnu}"
    # Values are text, never re-read as variables.
    assert rules.fill("{prenom}", {"prenom": "{nom}"}) == "{nom}"
