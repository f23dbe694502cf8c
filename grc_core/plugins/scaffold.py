"""``grc plugin new NAME``: a working plugin package in a new folder.

The files come from ``scaffold_templates/``: each ``*.tmpl`` is a
:class:`string.Template` (``$name``, ``$package``, ``$dist``, ``$label``)
and ``__package__`` / ``__name__`` in a path become the package and the
plugin name. The catalogs are compiled here, so the package shows French as
soon as it is installed, and its tests pass as generated.
"""
from __future__ import annotations

import re
from pathlib import Path
from string import Template

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .manager import PLUGIN_NAME

TEMPLATES = Path(__file__).with_name("scaffold_templates")
# The label goes into Python strings and .po entries: no quote, no backslash.
LABEL = re.compile(r"^[^\W\d_][\w '’-]{0,59}$")


class ScaffoldError(Exception):
    """The plugin cannot be generated; the message (French, like the other
    commands') says why, and nothing was written."""


def scaffold(name: str, target: Path, label: str | None = None) -> list[Path]:
    """Write the plugin ``name`` into the new folder ``target``; the files written."""
    if not PLUGIN_NAME.match(name):
        raise ScaffoldError(f"« {name} » n'est pas un nom de plugin : lettres minuscules, chiffres et _, "
                            "commençant par une lettre (il préfixe codes et tables).")
    label = label or name.replace("_", " ").capitalize()
    if not LABEL.match(label):
        raise ScaffoldError(f"« {label} » n'est pas un libellé : lettres, chiffres, espaces, ' et -, 60 au plus.")
    if target.exists():
        raise ScaffoldError(f"{target} existe déjà : indiquez un nouveau dossier (--dir).")
    values = {"name": name, "package": f"grc_{name}", "dist": f"grc-{name.replace('_', '-')}", "label": label}
    written = []
    for source in sorted(TEMPLATES.rglob("*.tmpl")):
        relative = str(source.relative_to(TEMPLATES).with_suffix(""))
        path = target / relative.replace("__package__", values["package"]).replace("__name__", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(source.read_text(encoding="utf-8")).substitute(values), encoding="utf-8")
        written.append(path)
        if path.suffix == ".po":
            written.append(compile_catalog(path))
    return written


def compile_catalog(po: Path) -> Path:
    """``pybabel compile`` for one catalog: the .mo beside the .po."""
    with po.open("rb") as source:
        catalog = read_po(source)
    mo = po.with_suffix(".mo")
    with mo.open("wb") as output:
        write_mo(output, catalog)
    return mo


@click.group("plugin", help="Écrire un plugin : créer son paquet.")
def plugin_group():
    pass


@plugin_group.command("new")
@click.argument("name")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Dossier à créer (par défaut ./grc-<nom>).")
@click.option("--label", help="Nom du domaine, en anglais (par défaut : le nom du plugin).")
def plugin_new(name, directory, label):
    """Crée le paquet d'un plugin qui fonctionne : point d'entrée, manifeste, un type de demande, un
    circuit, traductions fr/en compilées, branche de migrations, tests."""
    target = directory or Path(f"grc-{name.replace('_', '-')}")
    try:
        scaffold(name, target, label)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Plugin « {name} » créé dans {target}.")
    click.echo(f"Ensuite : cd {target} && pip install -e . && GRC_TEST_PLUGINS={name} pytest")
