"""The public plugin API: plugins import from it alone, and the API 1 paths
still work for one release, with a warning that names the new path."""
from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import grc_core.plugin_api as api
from grc_core.plugin_api import GRCDeprecationWarning

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = {"grc_core.plugin_api", "grc_core.plugin_api.testing"}


def plugin_sources() -> list[Path]:
    """Every Python file of the shipped plugins, of the example plugins and of
    the dummy plugin, tests included; migrations excepted (Alembic scripts
    import only Alembic)."""
    roots = [*sorted((ROOT / "plugins").iterdir()), *sorted((ROOT / "examples").iterdir()), ROOT / "tests" / "plugins"]
    return [path for folder in roots if folder.is_dir() for path in sorted(folder.rglob("*.py"))
            if "migrations" not in path.relative_to(folder).parts]


def core_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names
                                       if node.module == "grc_core"]
            found += [(node.lineno, module) for module in modules[-1:] if module.split(".")[0] == "grc_core"]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "grc_core"]
    return found


def test_the_walk_sees_every_plugin():
    folders = {path.relative_to(ROOT).parts[:2] for path in plugin_sources()}
    assert {("plugins", name) for name in ("ecoles", "equipements", "etat_civil", "social", "urbanisme")} <= folders
    assert ("tests", "plugins") in folders
    assert ("examples", "grc-voirie") in folders


def test_plugins_import_nothing_of_the_core_but_the_plugin_api():
    offences = [f"{path.relative_to(ROOT)}:{line} imports {module}"
                for path in plugin_sources() for line, module in core_imports(path) if module not in PUBLIC]
    assert offences == []


def test_the_walk_catches_every_form_of_import(tmp_path):
    source = tmp_path / "plugin.py"
    source.write_text("import grc_core.models\nfrom grc_core import extensions\nfrom grc_core.plugin_api import db\n"
                      "def f():\n    from grc_core.requests.queue import REFERENCE\n")
    assert [module for _, module in core_imports(source)] == [
        "grc_core.models", "grc_core.extensions", "grc_core.plugin_api", "grc_core.requests.queue"]


def test_every_public_name_resolves_and_is_documented():
    documented = (ROOT / "docs" / "writing_plugins.md").read_text()
    for name in api.__all__:
        assert getattr(api, name) is not None, name
        assert f"`{name}`" in documented or f"`{name}(" in documented, f"{name} is not in docs/writing_plugins.md"


def test_nothing_else_is_public():
    with pytest.raises(AttributeError):
        api.load_request  # noqa: B018 - the core's name, not the API's
    assert "Declared" not in api.__all__


def test_the_version_is_documented_in_the_changelog():
    assert f"## API version {api.GRC_API_VERSION}" in (ROOT / "docs" / "plugin_hooks.md").read_text()


@pytest.mark.parametrize("old, new, name", [
    ("grc_core.plugins.types", "grc_core.plugin_api", "CitizenPanel"),
    ("grc_core.plugins.hookspecs", "grc_core.plugin_api", "hookimpl"),
    ("grc_core.plugins.testing", "grc_core.plugin_api.testing", "make_commune"),
])
def test_api_1_modules_still_work_and_warn(old, new, name):
    sys.modules.pop(old, None)
    with pytest.warns(GRCDeprecationWarning, match=f"import from {new}"):
        module = importlib.import_module(old)
    assert getattr(module, name) is getattr(importlib.import_module(new), name)


def test_api_1_hookimpl_still_works_and_warns():
    import grc_core.plugins

    with pytest.warns(GRCDeprecationWarning, match="import hookimpl from grc_core.plugin_api"):
        marker = grc_core.plugins.hookimpl
    assert marker is api.hookimpl


def test_the_core_itself_never_uses_an_api_1_path():
    """Started with deprecation warnings as errors, the app and the test helpers load."""
    code = ("import warnings; warnings.simplefilter('error', DeprecationWarning);"
            "import grc_core.plugin_api.testing; from grc_core import create_app; import grc_core.cli;"
            "import plugins.etat_civil.plugin, plugins.social.plugin, plugins.urbanisme.plugin, plugins.ecoles.plugin")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# The module map of docs/writing_plugins.md ("Layout"): hook -> the module its
# implementation takes its answer from.
MODULE_MAP = {
    "grc_register_settings": "settings",
    "grc_register_request_types": "request_types",
    "grc_register_routing_rules": "request_types",
    "grc_register_workflows": "workflows",
    "grc_validate_request": "checks",
    "grc_check_transition": "guards",
    "grc_citizen_panels": "panels",
    "grc_request_panels": "panels",
    "grc_register_indicators": "dashboards",
    "grc_register_dashboard_widgets": "dashboards",
    "grc_register_retention_policies": "retention",
    "grc_demo_data": "demo",
}
SHIPPED = ("ecoles", "equipements", "etat_civil", "social", "urbanisme")


def modules_used_by_hooks(path: Path) -> dict[str, set[str]]:
    """Hook implementation -> the plugin's own modules it imports from."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                top_level[alias.asname or alias.name] = node.module or alias.name
    used = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("grc_"):
            modules = set()
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.level == 1:
                    modules |= {inner.module} if inner.module else {alias.name for alias in inner.names}
                elif isinstance(inner, ast.Name) and inner.id in top_level:
                    modules.add(top_level[inner.id])
            used[node.name] = modules
    return used


@pytest.mark.parametrize("plugin", SHIPPED)
def test_the_shipped_plugins_follow_the_module_map(plugin):
    folder = ROOT / "plugins" / plugin
    for hook, modules in modules_used_by_hooks(folder / "plugin.py").items():
        if hook in MODULE_MAP:
            assert MODULE_MAP[hook] in modules, f"{plugin}: {hook} should take its answer from {MODULE_MAP[hook]}.py"
    # plugin.py forwards none of the folders the core finds by convention.
    assert (folder / "translations").is_dir() and (folder / "migrations" / "versions").is_dir()
    assert not {"grc_translations_dir", "grc_migrations_dir"} & set(modules_used_by_hooks(folder / "plugin.py"))


def test_the_date_helpers_load_neither_flask_nor_a_database():
    """The plugins' pure rules modules import them from the plugin API."""
    code = ("import sys; import plugins.etat_civil.rules, plugins.social.rules, plugins.ecoles.rules, "
            "plugins.urbanisme.rules, plugins.equipements.rules; "
            "print(sorted({'flask', 'sqlalchemy'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
