"""Load plugins: discover, select, order by ``depends``, register, validate.

Every failure raises :class:`PluginError` with a message that names the
culprit, so that ``grc`` can print one line and stop.
"""
from __future__ import annotations

import importlib
import re
from importlib.metadata import entry_points
from types import ModuleType

import pluggy

from ..plugin_api import hookspecs
from ..plugin_api.types import PluginManifest

ENTRY_POINT_GROUP = "grc.plugins"


class PluginError(Exception):
    """A plugin cannot be loaded; the message names it and says why."""


def available_plugins(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Name → module path of every installed plugin (plus ``extra`` ones)."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    found.update(extra or {})
    return found


# The name prefixes codes ("<name>."), tables and endpoints: no dots, so that
# no plugin can declare codes inside another plugin's prefix.
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _import(name: str, module_path: str) -> ModuleType:
    if not PLUGIN_NAME.match(name):
        raise PluginError(
            f"Plugin « {name} » : nom invalide (lettres minuscules, chiffres et _ ; il préfixe codes et tables)."
        )
    try:
        module = importlib.import_module(module_path)
    except ImportError as error:
        raise PluginError(f"Plugin « {name} » : import de {module_path} impossible ({error}).") from None
    manifest = getattr(module, "manifest", None)
    if not isinstance(manifest, PluginManifest):
        raise PluginError(f"Plugin « {name} » : {module_path} ne définit pas de `manifest` (PluginManifest).")
    if manifest.name != name:
        raise PluginError(
            f"Plugin « {name} » : son manifest s'appelle « {manifest.name} » ; "
            "le nom du point d'entrée et celui du manifest doivent être identiques."
        )
    return module


def load_order(manifests: dict[str, PluginManifest]) -> list[str]:
    """Topological order by ``depends``; ties broken by name (deterministic)."""
    for name, manifest in sorted(manifests.items()):
        for dependency in manifest.depends:
            if dependency not in manifests:
                raise PluginError(
                    f"Plugin « {name} » : dépend de « {dependency} », qui n'est pas chargé "
                    f"(ajoutez-le à GRC_PLUGINS)."
                )
    ordered: list[str] = []
    remaining = dict(manifests)
    while remaining:
        ready = sorted(
            name for name, manifest in remaining.items()
            if all(dep in ordered for dep in manifest.depends)
        )
        if not ready:
            cycle = " → ".join(sorted(remaining))
            raise PluginError(f"Dépendances circulaires entre plugins : {cycle}.")
        ordered.extend(ready[:1])
        del remaining[ready[0]]
    return ordered


def _check_hook_names(name: str, module: ModuleType, pm: pluggy.PluginManager) -> None:
    """A ``grc_*`` function without a spec, or without ``@hookimpl``, would
    silently never be called; refuse it."""
    for attribute in dir(module):
        if not attribute.startswith("grc_") or not callable(getattr(module, attribute)):
            continue
        if not hasattr(pm.hook, attribute):
            raise PluginError(
                f"Plugin « {name} » : la fonction {attribute} n'est pas un hook GRC "
                "(voir docs/plugin_hooks.md)."
            )
        if pm.parse_hookimpl_opts(module, attribute) is None:
            raise PluginError(
                f"Plugin « {name} » : la fonction {attribute} n'a pas le décorateur @hookimpl "
                "(from grc_core.plugin_api import hookimpl)."
            )


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


def build_plugin_manager(selected: list[str] | None, extra: dict[str, str] | None = None):
    """Return ``(pm, manifests)`` with plugins registered in load order.

    ``selected`` None means every available plugin.
    """
    available = available_plugins(extra)
    names = sorted(available) if selected is None else selected
    unknown = [name for name in names if name not in available]
    if unknown:
        listing = ", ".join(sorted(available)) or "aucun"
        raise PluginError(
            f"Plugin inconnu : {', '.join(unknown)}. Plugins disponibles : {listing}."
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise PluginError(f"Plugin listé deux fois : {', '.join(duplicates)}.")

    modules = {name: _import(name, available[name]) for name in names}
    manifests = {name: module.manifest for name, module in modules.items()}
    order = load_order(manifests)

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in order:
        _check_hook_names(name, modules[name], pm)
    # pluggy calls the last registered plugin first: registered in reverse
    # load order, its calls (firstresult included) follow the load order.
    for name in reversed(order):
        try:
            pm.register(modules[name], name=name)
        except pluggy.PluginValidationError as error:
            raise PluginError(f"Plugin « {name} » : {_one_line(error)}") from None
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(f"Plugin « {pm.get_name(error.plugin)} » : {_one_line(error)}") from None
    return pm, {name: manifests[name] for name in order}
