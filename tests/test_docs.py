"""Meta-tests: the hook contract, its documentation, its tests and the dummy
plugin stay complete together (the idea of Datasette's tests/test_docs.py).

A hook added to grc_core/plugin_api/hookspecs.py fails here until it has a
section in docs/plugin_hooks.md with its exact signature and an example, a
``test_hook_<name>`` in tests/test_plugin_hooks.py, and an implementation in
the dummy plugin.
"""
from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from grc_core.plugin_api import hookspecs
from tests.plugins.dummy import plugin as dummy

ROOT = Path(__file__).resolve().parent.parent
HOOKS_DOC = ROOT / "docs" / "plugin_hooks.md"
GUIDE = ROOT / "docs" / "writing_plugins.md"
HOOK_TESTS = ROOT / "tests" / "test_plugin_hooks.py"

SPEC_MARK = f"{hookspecs.PROJECT}_spec"
IMPL_MARK = f"{hookspecs.PROJECT}_impl"
# Definition order, which groups the hooks by family.
SPECS = {name: f for name, f in vars(hookspecs).items() if inspect.isfunction(f) and hasattr(f, SPEC_MARK)}

SECTION = re.compile(r"^### (?P<name>\w+)\((?P<args>[^)]*)\)[ \t]*$")
EXAMPLE = re.compile(r"```python\n(?P<code>.*?)```", re.S)
LINK = re.compile(r"\]\((?P<target>[^)#\s]*)(?:#(?P<anchor>[^)\s]+))?\)")


def spec_arguments(name: str) -> list[str]:
    return list(inspect.signature(SPECS[name]).parameters)


def sections() -> dict[str, tuple[list[str], str]]:
    """Hook name → (arguments of its heading, text of its section)."""
    found: dict[str, tuple[list[str], str]] = {}
    current = None
    for line in HOOKS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = None
        elif line.startswith("### "):
            match = SECTION.match(line)
            assert match, f"a heading of docs/plugin_hooks.md that is not a hook signature: {line!r}"
            name = match["name"]
            assert name not in found, f"{name} is documented twice"
            arguments = [a.strip() for a in match["args"].split(",") if a.strip()]
            found[name] = (arguments, "")
            current = name
        elif current is not None:
            arguments, text = found[current]
            found[current] = (arguments, text + line + "\n")
    return found


def test_the_contract_has_hooks():
    assert len(SPECS) >= 20
    assert all(name.startswith("grc_") for name in SPECS)


@pytest.mark.parametrize("hook", SPECS)
def test_every_hook_is_documented_with_its_exact_signature(hook):
    documented = sections()
    assert hook in documented, f"docs/plugin_hooks.md has no section ### {hook}(...)"
    assert documented[hook][0] == spec_arguments(hook), (
        f"### {hook}({', '.join(documented[hook][0])}) differs from the hookspec "
        f"{hook}{inspect.signature(SPECS[hook])}"
    )


def test_no_section_documents_a_hook_that_does_not_exist():
    assert sorted(set(sections()) - set(SPECS)) == []


def test_sections_follow_the_order_of_the_hookspecs():
    assert list(sections()) == list(SPECS)


@pytest.mark.parametrize("hook", SPECS)
def test_every_section_has_an_example_implementing_the_hook(hook):
    text = sections()[hook][1]
    implementations = []
    for example in EXAMPLE.finditer(text):
        tree = ast.parse(example["code"])
        implementations += [
            node for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name == hook
            and any(getattr(d, "id", None) == "hookimpl" for d in node.decorator_list)
        ]
    assert implementations, f"the section of {hook} has no ```python example with @hookimpl def {hook}(...)"
    for implementation in implementations:
        arguments = [a.arg for a in implementation.args.args]
        assert set(arguments) <= set(spec_arguments(hook)), f"{hook} example takes {arguments}"


def functions_of_the_hook_tests() -> set[str]:
    tree = ast.parse(HOOK_TESTS.read_text(encoding="utf-8"))
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("hook", SPECS)
def test_every_hook_has_a_test(hook):
    assert f"test_hook_{hook}" in functions_of_the_hook_tests(), f"tests/test_plugin_hooks.py has no test_hook_{hook}"


def test_no_hook_test_for_a_hook_that_does_not_exist():
    tested = {name.removeprefix("test_hook_") for name in functions_of_the_hook_tests() if name.startswith("test_hook_")}
    assert sorted(tested - set(SPECS)) == []


def test_the_dummy_plugin_implements_every_hook():
    implemented = {
        name: f for name, f in vars(dummy).items() if inspect.isfunction(f) and hasattr(f, IMPL_MARK)
    }
    assert sorted(set(SPECS) - set(implemented)) == [], "hooks the dummy plugin does not implement"
    assert sorted(set(implemented) - set(SPECS)) == []
    for name, implementation in implemented.items():
        assert set(inspect.signature(implementation).parameters) <= set(spec_arguments(name)), name


def anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


@pytest.mark.parametrize("doc", [HOOKS_DOC, GUIDE], ids=lambda p: p.name)
def test_links_between_the_plugin_docs_resolve(doc):
    for link in LINK.finditer(doc.read_text(encoding="utf-8")):
        target, anchor = link["target"], link["anchor"]
        if target.startswith(("http://", "https://")):
            continue
        path = doc.parent / target if target else doc
        assert path.is_file(), f"{doc.name}: link to missing {target}"
        if anchor:
            assert anchor in anchors(path), f"{doc.name}: no heading #{anchor} in {path.name}"
