"""Start-up errors of the plugin system: each one names its culprit.

The broken plugins live in tests/plugins/bad_*.py, one mistake each. The
app is only built, never served: no database is touched.
"""
from __future__ import annotations

import os
import subprocess
import sys
from itertools import permutations
from pathlib import Path

import pytest

from grc_core import create_app
from grc_core.plugins.manager import PluginError, available_plugins, build_plugin_manager, load_order
from grc_core.plugin_api import DataCategory, PluginManifest, ProcessingActivityDecl

ROOT = Path(__file__).resolve().parent.parent
BAD = {
    name: f"tests.plugins.{name}" for name in (
        "bad_admin_class", "bad_admin_endpoint", "bad_admin_permission", "bad_argument", "bad_blueprint", "bad_cycle_a",
        "bad_cycle_b", "bad_declaration_type", "bad_duplicate", "bad_hook_typo", "bad_manifest_name",
        "bad_missing_dependency", "bad_no_manifest", "bad_prefix", "bad_shared", "bad_unmarked_helper",
        "bad_unmarked_hook", "bad_unspecified", "bad_processing",
    )
}
BAD["bad_shared.annexe"] = "tests.plugins.bad_shared_annexe"
BAD["bad_import"] = "tests.plugins.does_not_exist"


def start(tmp_path, *plugins):
    """Build an app loading ``plugins`` (the bad ones are available as extras)."""
    return create_app({
        "PLUGINS": list(plugins),
        "EXTRA_PLUGINS": BAD,
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'grc.sqlite'}",
    })


def start_error(tmp_path, *plugins) -> str:
    with pytest.raises(PluginError) as caught:
        start(tmp_path, *plugins)
    return str(caught.value)


# --- each mistake, and the message that names it ----------------------------------

def test_unknown_plugin_lists_the_available_ones(tmp_path):
    with pytest.raises(PluginError) as caught:
        build_plugin_manager(["nope"])
    message = str(caught.value)
    assert message.startswith("Plugin inconnu : nope. Plugins disponibles : ")
    installed = sorted(available_plugins())
    assert message.endswith(f"{', '.join(installed) or 'aucun'}.")
    assert "nope" in start_error(tmp_path, "nope")


def test_a_plugin_listed_twice_is_refused(tmp_path):
    assert start_error(tmp_path, "bad_shared", "bad_shared") == "Plugin listé deux fois : bad_shared."


def test_a_module_that_cannot_be_imported_is_named(tmp_path):
    message = start_error(tmp_path, "bad_import")
    assert message.startswith("Plugin « bad_import » : import de tests.plugins.does_not_exist impossible")


def test_a_module_without_manifest_is_refused(tmp_path):
    assert start_error(tmp_path, "bad_no_manifest") == (
        "Plugin « bad_no_manifest » : tests.plugins.bad_no_manifest ne définit pas de `manifest` (PluginManifest)."
    )


def test_missing_dependency(tmp_path):
    assert start_error(tmp_path, "bad_missing_dependency") == (
        "Plugin « bad_missing_dependency » : dépend de « cadastre », qui n'est pas chargé "
        "(ajoutez-le à GRC_PLUGINS)."
    )


def test_dependency_cycle(tmp_path):
    assert start_error(tmp_path, "bad_cycle_a", "bad_cycle_b") == (
        "Dépendances circulaires entre plugins : bad_cycle_a → bad_cycle_b."
    )


def test_duplicate_code_within_a_plugin(tmp_path):
    assert start_error(tmp_path, "bad_duplicate") == (
        "Plugin « bad_duplicate » : le code « bad_duplicate.deliver » est déjà déclaré par « bad_duplicate »."
    )


def test_plugin_name_cannot_reach_into_another_plugins_prefix(tmp_path):
    # "bad_shared.annexe" would declare codes under "bad_shared."; names are identifiers.
    assert start_error(tmp_path, "bad_shared", "bad_shared.annexe") == (
        "Plugin « bad_shared.annexe » : nom invalide (lettres minuscules, chiffres et _ ; il préfixe codes et tables)."
    )


def test_code_without_the_plugin_prefix(tmp_path):
    assert start_error(tmp_path, "bad_prefix") == (
        "Plugin « bad_prefix » : le code « acte_naissance » (grc_register_request_types) doit commencer "
        "par « bad_prefix. »."
    )


def test_a_processing_activity_names_a_declared_retention_policy(tmp_path):
    assert start_error(tmp_path, "bad_processing") == (
        "Plugin « bad_processing » : le traitement « bad_processing.fichier » renvoie à une politique de "
        "conservation inconnue « bad_processing.oubli »."
    )


def test_a_processing_activity_has_a_lawful_basis_of_article_6():
    with pytest.raises(ValueError, match="legal_basis must be one of consent, contract"):
        ProcessingActivityDecl("x.y", "Fichier", purpose="Tenir un fichier.", legal_basis="interet_general")
    with pytest.raises(ValueError, match=r"special_basis \(GDPR art. 9\(2\)\)"):
        ProcessingActivityDecl("x.y", "Fichier", purpose="Aider.", legal_basis="public_task",
                               data_categories=(DataCategory("Santé", special=True),))


def test_declaration_of_the_wrong_type(tmp_path):
    assert start_error(tmp_path, "bad_declaration_type") == (
        "Plugin « bad_declaration_type » : grc_register_permissions doit renvoyer des PermissionDecl, pas dict."
    )


def test_hookimpl_whose_name_is_not_a_hook(tmp_path):
    assert start_error(tmp_path, "bad_hook_typo") == (
        "Plugin « bad_hook_typo » : la fonction grc_register_service n'est pas un hook GRC "
        "(voir docs/plugin_hooks.md)."
    )


def test_hookimpl_without_spec_is_caught_by_check_pending(tmp_path):
    message = start_error(tmp_path, "bad_unspecified")
    assert message.startswith("Plugin « bad_unspecified » : ")
    assert "register_services" in message


def test_unmarked_grc_function_that_is_no_hook(tmp_path):
    assert start_error(tmp_path, "bad_unmarked_helper") == (
        "Plugin « bad_unmarked_helper » : la fonction grc_reference n'est pas un hook GRC "
        "(voir docs/plugin_hooks.md)."
    )


def test_unmarked_grc_function_that_is_a_hook(tmp_path):
    assert start_error(tmp_path, "bad_unmarked_hook") == (
        "Plugin « bad_unmarked_hook » : la fonction grc_register_permissions n'a pas le décorateur @hookimpl "
        "(from grc_core.plugin_api import hookimpl)."
    )


def test_manifest_name_differs_from_entry_point_name(tmp_path):
    assert start_error(tmp_path, "bad_manifest_name") == (
        "Plugin « bad_manifest_name » : son manifest s'appelle « etat_civil_bis » ; "
        "le nom du point d'entrée et celui du manifest doivent être identiques."
    )


def test_hookimpl_with_an_argument_the_spec_does_not_have(tmp_path):
    message = start_error(tmp_path, "bad_argument")
    assert message.startswith("Plugin « bad_argument » : ")
    assert "grc_menu_items" in message and "page" in message


def test_blueprint_without_the_plugin_prefix(tmp_path):
    assert start_error(tmp_path, "bad_blueprint") == (
        "Plugin « bad_blueprint » : le blueprint « registre » doit s'appeler « bad_blueprint » ou commencer par « bad_blueprint_ »."
    )


def test_admin_endpoint_without_the_plugin_prefix(tmp_path):
    assert start_error(tmp_path, "bad_admin_endpoint") == (
        "Plugin « bad_admin_endpoint » : l'endpoint d'administration « registres » doit commencer "
        "par « bad_admin_endpoint_ »."
    )


def test_admin_view_that_does_not_say_who_deletes(tmp_path):
    assert start_error(tmp_path, "bad_admin_permission") == (
        "Plugin « bad_admin_permission » : la vue ServicesView doit déclarer delete_permission."
    )


def test_admin_view_that_skips_the_access_checks(tmp_path):
    assert start_error(tmp_path, "bad_admin_class") == (
        "Plugin « bad_admin_class » : la vue RegistresView doit hériter de SecureModelView ou SecureView."
    )


ONE_LINE_CASES = [
    ("nope",), ("bad_import",), ("bad_no_manifest",), ("bad_missing_dependency",), ("bad_cycle_a", "bad_cycle_b"),
    ("bad_duplicate",), ("bad_shared", "bad_shared.annexe"), ("bad_prefix",), ("bad_declaration_type",),
    ("bad_hook_typo",), ("bad_unspecified",), ("bad_unmarked_helper",), ("bad_manifest_name",),
    ("bad_unmarked_hook",), ("bad_argument",), ("bad_blueprint",), ("bad_admin_endpoint",), ("bad_admin_class",),
]


@pytest.mark.parametrize("plugins", ONE_LINE_CASES, ids="+".join)
def test_every_start_up_error_fits_on_one_line(tmp_path, plugins):
    message = start_error(tmp_path, *plugins)
    assert "\n" not in message, message


# --- load order ------------------------------------------------------------------------

def manifests(**depends) -> dict[str, PluginManifest]:
    return {name: PluginManifest(name, name, "1.0", tuple(deps)) for name, deps in depends.items()}


def test_load_order_puts_dependencies_first_and_breaks_ties_by_name():
    declared = manifests(urbanisme=[], social=["etat_civil"], ecoles=["etat_civil", "urbanisme"], etat_civil=[])
    expected = ["etat_civil", "social", "urbanisme", "ecoles"]
    # Whatever order they were listed in.
    for names in permutations(declared):
        assert load_order({name: declared[name] for name in names}) == expected


def test_load_order_of_independent_plugins_is_alphabetical():
    assert load_order(manifests(urbanisme=[], ecoles=[], social=[])) == ["ecoles", "social", "urbanisme"]


def test_load_order_names_the_missing_dependency_and_the_cycle():
    with pytest.raises(PluginError, match="« ecoles » : dépend de « cantine »"):
        load_order(manifests(ecoles=["cantine"]))
    with pytest.raises(PluginError, match="circulaires entre plugins : ecoles → periscolaire"):
        load_order(manifests(etat_civil=[], ecoles=["periscolaire"], periscolaire=["ecoles", "etat_civil"]))


def test_plugins_are_called_in_load_order_whatever_the_listing():
    pm, loaded = build_plugin_manager(["peer", "dummy"], {
        "dummy": "tests.plugins.dummy.plugin", "peer": "tests.plugins.peer",
    })
    assert list(loaded) == ["dummy", "peer"]
    # pluggy calls the last registered first: registered in reverse, called in load order.
    assert [name for name, _plugin in pm.list_name_plugin()] == ["peer", "dummy"]
    assert [impl.plugin_name for impl in reversed(pm.hook.grc_menu_items.get_hookimpls())] == ["dummy", "peer"]


# --- the grc command ------------------------------------------------------------------------

def test_grc_prints_one_line_and_exits_non_zero_for_an_unknown_plugin(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GRC_")}
    env.update(GRC_PLUGINS="nope", GRC_INSTANCE_PATH=str(tmp_path), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", "from grc_core.cli import main; main()", "plugins", "list"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Erreur de configuration : Plugin inconnu : nope. Plugins disponibles : ")
    assert "Traceback" not in result.stderr
