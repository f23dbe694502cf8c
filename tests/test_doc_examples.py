"""Every code example of docs/ runs: it is a real file (or part of one) of
the example plugin examples/grc-voirie, of a shipped plugin or of the dummy
plugin — all run by their test suites — or a snippet executed here. So no
example names a class, a field or a hook that does not exist."""
from __future__ import annotations

import inspect

import pytest

from grc_core.plugin_api import hookspecs

from tests.doc_examples import CHECKED, DOCS, ROOT, examples, expected

ALL = [example for doc in sorted(DOCS.glob("*.md")) for example in examples(doc)]
CODE = [example for example in ALL if example.language in CHECKED]
# Any block may come from a file (babel.cfg's ini too); code blocks must say where from.
FROM_FILES = [example for example in ALL if example.source not in (None, "run")]
RUN = [example for example in CODE if example.source == "run"]
# Where examples may come from: code that a test suite runs.
TESTED_FOLDERS = ("examples/grc-voirie/", "plugins/", "tests/plugins/dummy/")


def test_the_docs_have_examples_of_every_kind():
    assert len(FROM_FILES) >= 30 and RUN


@pytest.mark.parametrize("example", CODE, ids=lambda example: example.where)
def test_every_code_example_says_where_it_comes_from(example):
    assert example.source, (f"{example.where}: a ```{example.language} block without <!-- example: … --> "
                            "(a file of examples/grc-voirie, or run)")


@pytest.mark.parametrize("example", FROM_FILES, ids=lambda example: example.where)
def test_every_example_is_the_text_of_tested_code(example):
    assert example.source.startswith(TESTED_FOLDERS), f"{example.where}: {example.source} is not tested code"
    assert example.code == expected(example.source), (
        f"{example.where} differs from {example.source}: run `python -m tests.doc_examples` to copy it again")


@pytest.mark.parametrize("example", RUN, ids=lambda example: example.where)
def test_every_snippet_runs(example, tmp_path):
    namespace = {"__name__": "doc_example", "__file__": str(tmp_path / "plugin.py")}
    exec(compile(example.code, example.where, "exec"), namespace)
    for name, function in list(namespace.items()):
        # A hook implementation without arguments is called too: its body runs.
        if name in vars(hookspecs) and inspect.isfunction(function) and not inspect.signature(function).parameters:
            function()


def test_a_block_differing_from_its_source_is_caught(tmp_path):
    doc = tmp_path / "guide.md"
    doc.write_text("<!-- example: examples/grc-voirie/grc_voirie/rules/__init__.py -->\n```python\nx = 1\n```\n")
    [example] = examples(doc)
    assert example.source.endswith("__init__.py") and example.code != expected(example.source)
    assert expected("examples/grc-voirie/pyproject.toml#[project.entry-points.\"grc.plugins\"]") == (
        "[project.entry-points.\"grc.plugins\"]\nvoirie = \"grc_voirie.plugin\"\n")


def test_the_example_plugin_is_a_package_of_its_own():
    voirie = ROOT / "examples" / "grc-voirie"
    for path in ("pyproject.toml", "conftest.py", "grc_voirie/plugin.py", "grc_voirie/migrations/versions",
                 "grc_voirie/translations/fr/LC_MESSAGES/grc_voirie.mo",
                 "grc_voirie/translations/en/LC_MESSAGES/grc_voirie.mo", "tests"):
        assert (voirie / path).exists(), path
