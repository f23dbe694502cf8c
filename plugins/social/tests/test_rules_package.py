"""The rules of the social plugin are a package: every public name stays importable from it.

The rules are split by procedure into modules; callers import every public
name from ``plugins.social.rules``, so a public name that a module defines and
the package does not re-export would be out of reach the documented way.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from plugins.social import rules

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
    assert MODULES, "the rules package has no modules"
    assert len(rules.__all__) == len(set(rules.__all__)), "a name listed twice in __all__"
    defined = set()
    for module_name, module in MODULES.items():
        for name in defined_public_names(module):
            assert name in rules.__all__, f"{module_name}.{name} missing from rules.__all__"
            assert getattr(rules, name) is getattr(module, name), f"rules.{name} is not {module_name}.{name}"
            defined.add(name)
    assert set(rules.__all__) == defined, "__all__ names something no module defines"
