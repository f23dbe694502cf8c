"""`grc plugin new`: the package it writes is a working plugin whose own
tests pass, run from its folder without installing it (GRC_EXTRA_PLUGINS)."""
from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from sqlalchemy.engine import make_url

from grc_core.plugin_api.testing import grc_cli

FILES = {
    "pyproject.toml", "README.md", "babel.cfg", "conftest.py", "tests/test_plugin.py",
    "grc_cimetiere/__init__.py", "grc_cimetiere/plugin.py", "grc_cimetiere/request_types.py",
    "grc_cimetiere/workflows.py", "grc_cimetiere/migrations/versions/cimetiere_0001_branch.py",
    *(f"grc_cimetiere/translations/{lang}/LC_MESSAGES/grc_cimetiere.{ext}" for lang in ("fr", "en")
      for ext in ("po", "mo")),
}


def new(*args):
    return CliRunner().invoke(grc_cli(), ["plugin", "new", *args])


def files(folder) -> set[str]:
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}


def test_the_package_has_an_entry_point_a_branch_and_compiled_catalogs(tmp_path):
    target = tmp_path / "grc-cimetiere"
    result = new("cimetiere", "--dir", str(target), "--label", "Cemetery")
    assert result.exit_code == 0, result.output
    assert f"Plugin « cimetiere » créé dans {target}." in result.output
    assert files(target) == FILES
    assert '[project.entry-points."grc.plugins"]\ncimetiere = "grc_cimetiere.plugin"' in \
        (target / "pyproject.toml").read_text()
    branch = (target / "grc_cimetiere/migrations/versions/cimetiere_0001_branch.py").read_text()
    assert 'revision = "cimetiere_0001"' in branch and 'branch_labels = ("cimetiere",)' in branch
    from babel.messages.mofile import read_mo

    with open(target / "grc_cimetiere/translations/fr/LC_MESSAGES/grc_cimetiere.mo", "rb") as mo:
        assert read_mo(mo).get("Manage Cemetery").string == "Gérer « Cemetery »"


def test_its_own_tests_pass_without_installing_it(tmp_path):
    target = tmp_path / "grc-cimetiere"
    assert new("cimetiere", "--dir", str(target)).exit_code == 0
    env = {**os.environ, "GRC_EXTRA_PLUGINS": "cimetiere=grc_cimetiere.plugin", "GRC_TEST_PLUGINS": "cimetiere",
           "PYTHONPATH": str(target)}
    env.pop("PYTEST_XDIST_WORKER", None)
    if os.environ.get("GRC_TEST_DATABASE_URL"):
        # A database of its own: this session's is in use.
        url = make_url(os.environ["GRC_TEST_DATABASE_URL"])
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        env["GRC_TEST_DATABASE_URL"] = url.set(database=f"{url.database}_scaffold_{worker}").render_as_string(
            hide_password=False)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:cacheprovider"],
                         cwd=target, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "7 passed" in run.stdout


def test_a_bad_name_is_refused_and_nothing_is_written(tmp_path):
    result = new("Cimetière", "--dir", str(tmp_path / "x"))
    assert result.exit_code == 2
    assert "« Cimetière » n'est pas un nom de plugin : lettres minuscules, chiffres et _" in result.output
    assert not (tmp_path / "x").exists()


def test_a_label_that_would_break_the_code_is_refused(tmp_path):
    result = new("cimetiere", "--dir", str(tmp_path / "x"), "--label", 'Cimetière "neuf"')
    assert result.exit_code == 2 and "n'est pas un libellé" in result.output
    assert not (tmp_path / "x").exists()


def test_an_existing_folder_is_left_alone(tmp_path):
    (tmp_path / "grc-cimetiere").mkdir()
    (tmp_path / "grc-cimetiere" / "notes.txt").write_text("mine")
    result = new("cimetiere", "--dir", str(tmp_path / "grc-cimetiere"))
    assert result.exit_code == 2 and "existe déjà : indiquez un nouveau dossier (--dir)." in result.output
    assert files(tmp_path / "grc-cimetiere") == {"notes.txt"}


def test_the_default_folder_is_named_after_the_plugin(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert new("espaces_verts").exit_code == 0
    assert (tmp_path / "grc-espaces-verts" / "grc_espaces_verts" / "plugin.py").is_file()
