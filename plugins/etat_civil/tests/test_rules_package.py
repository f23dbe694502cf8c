"""The rules package of the etat_civil plugin: pure, and complete from ``plugins.etat_civil.rules``.

The rules are split by procedure into modules; callers import every public
name from the package, so a public name a module defines and the package does
not re-export would be unreachable the documented way.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import sys
from pathlib import Path

from plugins.etat_civil import rules

MODULES = {info.name: importlib.import_module(f"{rules.__name__}.{info.name}")
           for info in pkgutil.iter_modules(rules.__path__)}


def defined_public_names(module) -> set[str]:
    """Top-level names a module defines itself (not the ones it imports), without a leading underscore."""
    names = set()
    for node in ast.parse(Path(module.__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def test_every_public_name_of_the_modules_is_reexported():
    assert len(rules.__all__) == len(set(rules.__all__)), "a name listed twice in __all__"
    defined = set()
    for module_name, module in MODULES.items():
        for name in defined_public_names(module):
            assert name in rules.__all__, f"{module_name}.{name} missing from rules.__all__"
            assert getattr(rules, name) is getattr(module, name), f"rules.{name} is not {module_name}.{name}"
            defined.add(name)
    assert set(rules.__all__) == defined, "__all__ names something no module defines"


def test_rules_package_is_pure():
    """Standard library, python-dateutil, grc_core.calendar and the package's own modules only."""
    modules = set()
    for path in Path(rules.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1 and node.module in MODULES, f"{path.name}: import outside the package"
            elif isinstance(node, ast.ImportFrom):
                modules.add(node.module)
    grc_core = {m for m in modules if m.split(".")[0] == "grc_core"}
    assert grc_core == {"grc_core.calendar"}  # the only grc_core module allowed (and used)
    roots = {m.split(".")[0] for m in modules - grc_core}
    assert roots - {"dateutil", "__future__"} <= set(sys.stdlib_module_names)
