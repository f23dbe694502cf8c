"""The plugins of one app: their manifests, declarations and hook calls.

Declarations are collected once at start-up, validated (prefix, unique
codes) and kept with the plugin that made them; they are filtered per
commune when used. Per-page and event hooks are called only for the plugins
active in the commune, through ``subset_hook_caller``. Every call goes
through pluggy's hook callers — never the implementations by hand — so that
``firstresult``, hook wrappers and tracing apply; plugins are registered in
reverse load order, so pluggy calls them in load order.

A plugin's ``templates/``, ``translations/`` and ``migrations/versions/``
folders, next to its module, are found by convention; the hooks
``grc_translations_dir`` and ``grc_migrations_dir`` still override them
(API 1, optional).

This module is the only place in the core that calls ``pm.hook``.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import pluggy

from .manager import PluginError
from ..plugin_api.types import (
    CitizenPanel, Declared, DemarcheInfo, IndicatorDecl, MenuItem, PermissionDecl, PluginManifest,
    ProcessingActivityDecl, RequestPanel, RequestTypeDecl, RetentionPolicyDecl, RoutingDecision, RoutingRuleDecl,
    SegmentCriterionDecl, ServiceDecl, SettingDecl, WidgetDecl, WorkflowDecl,
)

# Declaration hook → the type its items must have.
DECLARATION_HOOKS: dict[str, type] = {
    "grc_register_settings": SettingDecl,
    "grc_register_permissions": PermissionDecl,
    "grc_register_services": ServiceDecl,
    "grc_register_request_types": RequestTypeDecl,
    "grc_register_workflows": WorkflowDecl,
    "grc_register_routing_rules": RoutingRuleDecl,
    "grc_register_indicators": IndicatorDecl,
    "grc_register_dashboard_widgets": WidgetDecl,
    "grc_register_retention_policies": RetentionPolicyDecl,
    "grc_register_processing_activities": ProcessingActivityDecl,
    "grc_register_segment_criteria": SegmentCriterionDecl,
}


def _now(now: datetime | None) -> datetime:
    """The engine's clock, aware UTC, for the hooks' ``now`` argument."""
    from ..models import utcnow
    from ..workflows.deadlines import as_utc

    return as_utc(now or utcnow())


@dataclass
class PluginRegistry:
    pm: pluggy.PluginManager
    manifests: dict[str, PluginManifest]
    core_permissions: tuple[PermissionDecl, ...] = ()
    # The core's own declarations (its indicators and widgets), by hook name.
    core_declarations: dict[str, tuple] = field(default_factory=dict)
    declarations: dict[str, dict[str, Declared]] = field(default_factory=dict)
    # Blueprint (and admin endpoint) name → plugin, for the per-commune 404.
    blueprint_owners: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self._subset_cache: dict[tuple[str, frozenset[str]], pluggy.HookCaller] = {}
        self._collect_declarations()

    def _per_plugin(self, hook_name: str, **kwargs) -> Iterable[tuple[str, Any]]:
        """Each plugin's answers to a hook, in load order, to know who returned what."""
        for plugin in self.names:
            for result in self._only(hook_name, plugin)(**kwargs):
                yield plugin, result

    # --- start-up --------------------------------------------------------

    def _collect_declarations(self) -> None:
        for hook_name, expected in DECLARATION_HOOKS.items():
            collected: dict[str, Declared] = {}
            if hook_name == "grc_register_permissions":
                for permission in self.core_permissions:
                    collected[permission.code] = Declared(None, permission)
            for item in self.core_declarations.get(hook_name, ()):
                collected[item.code] = Declared(None, item)
            for plugin, items in self._per_plugin(hook_name):
                for item in items or ():
                    self._check_declaration(plugin, hook_name, expected, item, collected)
                    collected[item.code] = Declared(plugin, item)
            self.declarations[hook_name] = collected
        self._check_retention_links()

    def _check_retention_links(self) -> None:
        """A processing activity's ``retention_policy`` must name a declared policy."""
        policies = self.declarations["grc_register_retention_policies"]
        for code, entry in self.declarations["grc_register_processing_activities"].items():
            policy = entry.item.retention_policy
            if policy and policy not in policies:
                raise PluginError(
                    f"Plugin « {entry.plugin or 'core'} » : le traitement « {code} » renvoie à une politique de "
                    f"conservation inconnue « {policy} »."
                )

    @staticmethod
    def _check_declaration(plugin, hook_name, expected, item, collected) -> None:
        if not isinstance(item, expected):
            raise PluginError(
                f"Plugin « {plugin} » : {hook_name} doit renvoyer des {expected.__name__}, "
                f"pas {type(item).__name__}."
            )
        if not item.code.startswith(f"{plugin}."):
            raise PluginError(
                f"Plugin « {plugin} » : le code « {item.code} » ({hook_name}) doit commencer "
                f"par « {plugin}. »."
            )
        if item.code in collected:
            owner = collected[item.code].plugin or "core"
            raise PluginError(
                f"Plugin « {plugin} » : le code « {item.code} » est déjà déclaré par « {owner} »."
            )

    # --- who is loaded ---------------------------------------------------

    @property
    def names(self) -> list[str]:
        """Loaded plugins in load order."""
        return list(self.manifests)

    def plugin_module(self, name: str):
        return self.pm.get_plugin(name)

    # --- declarations ------------------------------------------------------

    def _declared(self, hook_name: str, active: Iterable[str] | None) -> list[Any]:
        """Declarations of the core and of ``active`` plugins (None = all)."""
        allowed = None if active is None else set(active)
        return [
            entry.item for entry in self.declarations[hook_name].values()
            if entry.plugin is None or allowed is None or entry.plugin in allowed
        ]

    def declared_by(self, hook_name: str, plugin: str) -> list[Any]:
        return [e.item for e in self.declarations[hook_name].values() if e.plugin == plugin]

    def owner_of(self, hook_name: str, code: str) -> str | None:
        entry = self.declarations[hook_name].get(code)
        return entry.plugin if entry else None

    def settings(self, active=None) -> list[SettingDecl]:
        return self._declared("grc_register_settings", active)

    def permissions(self, active=None) -> list[PermissionDecl]:
        return self._declared("grc_register_permissions", active)

    def services(self, active=None) -> list[ServiceDecl]:
        return self._declared("grc_register_services", active)

    def request_types(self, active=None) -> list[RequestTypeDecl]:
        return sorted(self._declared("grc_register_request_types", active), key=lambda d: (d.order, d.code))

    def workflows(self, active=None) -> list[WorkflowDecl]:
        return self._declared("grc_register_workflows", active)

    def routing_rules(self, active=None) -> list[RoutingRuleDecl]:
        return sorted(self._declared("grc_register_routing_rules", active), key=lambda d: (d.order, d.code))

    def indicators(self, active=None) -> list[IndicatorDecl]:
        return self._declared("grc_register_indicators", active)

    def dashboard_widgets(self, active=None) -> list[WidgetDecl]:
        return sorted(self._declared("grc_register_dashboard_widgets", active), key=lambda d: (d.order, d.code))

    def retention_policies(self, active=None) -> list[RetentionPolicyDecl]:
        return sorted(self._declared("grc_register_retention_policies", active), key=lambda d: d.code)

    def processing_activities(self, active=None) -> list[ProcessingActivityDecl]:
        return sorted(self._declared("grc_register_processing_activities", active), key=lambda d: d.code)

    def processing_activities_by_plugin(self, active=None) -> list[tuple[str | None, ProcessingActivityDecl]]:
        """``(plugin or None for the core, activity)``, the core's first."""
        allowed = None if active is None else set(active)
        entries = [e for e in self.declarations["grc_register_processing_activities"].values()
                   if e.plugin is None or allowed is None or e.plugin in allowed]
        return [(e.plugin, e.item) for e in sorted(entries, key=lambda e: (e.plugin is not None, e.item.code))]

    # --- wiring (once per app) ---------------------------------------------

    def segment_criteria(self, active=None) -> list[tuple[str | None, SegmentCriterionDecl]]:
        """(plugin or None for the core, criterion) in the order they were declared."""
        entries = self.declarations["grc_register_segment_criteria"].values()
        return [(e.plugin, e.item) for e in entries if e.plugin is None or active is None or e.plugin in active]

    def blueprints(self) -> list[tuple[str, Any]]:
        """``(plugin, blueprint)`` pairs."""
        return [(plugin, bp) for plugin, bps in self._per_plugin("grc_blueprints") for bp in bps or ()]

    def admin_views(self) -> list[tuple[str, Any]]:
        return [(plugin, v) for plugin, views in self._per_plugin("grc_admin_views") for v in views or ()]

    def plugin_folder(self, name: str) -> Path:
        """The folder of the plugin's module (``plugins/<name>/`` for ``plugin.py``)."""
        return Path(inspect.getfile(self.pm.get_plugin(name))).parent

    def _folders(self, relative: str, override: str | None = None) -> dict[str, str]:
        found = dict(self._per_plugin(override)) if override else {}
        for plugin in self.names:
            folder = self.plugin_folder(plugin) / relative
            if plugin not in found and folder.is_dir():
                found[plugin] = str(folder)
        return {plugin: found[plugin] for plugin in self.names if found.get(plugin)}

    def migrations_dirs(self) -> dict[str, str]:
        return self._folders("migrations/versions", "grc_migrations_dir")

    def translations_dirs(self) -> dict[str, str]:
        return self._folders("translations", "grc_translations_dir")

    def templates_dirs(self) -> dict[str, str]:
        return self._folders("templates")

    def register_commands(self, cli) -> None:
        self.pm.hook.grc_register_commands(cli=cli)

    # --- per commune -------------------------------------------------------

    def _caller(self, hook_name: str, active: Iterable[str]) -> pluggy.HookCaller:
        inactive = frozenset(self.names) - frozenset(active)
        key = (hook_name, inactive)
        if key not in self._subset_cache:
            self._subset_cache[key] = self.pm.subset_hook_caller(
                hook_name, [self.pm.get_plugin(name) for name in inactive]
            )
        return self._subset_cache[key]

    def _only(self, hook_name: str, plugin: str) -> pluggy.HookCaller:
        return self._caller(hook_name, [plugin])

    def menu_items(self, active, user, commune) -> list[MenuItem]:
        results = self._caller("grc_menu_items", active)(user=user, commune=commune)
        return sorted((item for items in results for item in items or ()), key=lambda i: (i.order, i.label))

    def citizen_panels(self, active, citizen, requests, user, commune) -> list[CitizenPanel]:
        results = self._caller("grc_citizen_panels", active)(citizen=citizen, requests=requests, user=user,
                                                             commune=commune)
        return sorted((p for panels in results for p in panels or ()), key=lambda p: (p.order, p.title))

    def request_panels(self, active, request, user, commune) -> list[RequestPanel]:
        results = self._caller("grc_request_panels", active)(request=request, user=user, commune=commune)
        return sorted((p for panels in results for p in panels or ()), key=lambda p: (p.order, p.title))

    def portal_request_panels(self, active, request, account, commune) -> list[RequestPanel]:
        results = self._caller("grc_portal_request_panels", active)(request=request, account=account, commune=commune)
        return sorted((p for panels in results for p in panels or ()), key=lambda p: (p.order, p.title))

    def demarche_info(self, active, request_type, commune) -> list[DemarcheInfo]:
        results = self._caller("grc_portal_demarche_info", active)(request_type=request_type, commune=commune)
        return sorted((info for info in results if info is not None), key=lambda info: info.order)

    def check_transition(self, active, request, transition, fields, actor, commune, now=None) -> list:
        """Messages (str or :class:`FieldError`) of the active plugins' guards."""
        results = self._caller("grc_check_transition", active)(
            request=request, transition=transition, fields=fields, actor=actor, commune=commune, now=_now(now)
        )
        return [message for messages in results for message in messages or ()]

    def validate_request(self, active, request_type, data, commune, now=None) -> list:
        results = self._caller("grc_validate_request", active)(
            request_type=request_type, data=data, commune=commune, now=_now(now)
        )
        return [message for messages in results for message in messages or ()]

    def request_submitted(self, active, request, commune, now=None) -> None:
        self._caller("grc_request_submitted", active)(request=request, commune=commune, now=_now(now))

    def request_transitioned(self, active, request, transition, actor, commune, now=None, fields=None) -> None:
        self._caller("grc_request_transitioned", active)(
            request=request, transition=transition, fields=dict(fields or {}), actor=actor, commune=commune,
            now=_now(now),
        )

    def tick(self, active, commune, now=None) -> None:
        self._caller("grc_tick", active)(commune=commune, now=_now(now))

    def rebuild_indicators(self, active, commune, connection) -> int:
        """Aggregate rows the ``active`` plugins recounted for ``commune``."""
        results = self._caller("grc_rebuild_indicators", active)(commune=commune, connection=connection)
        return sum(n or 0 for n in results)

    def route_request(self, active, request, commune) -> RoutingDecision | None:
        return self._caller("grc_route_request", active)(request=request, commune=commune)

    # --- lifecycle (one plugin) ----------------------------------------------

    def plugin_enabled(self, plugin: str, commune) -> None:
        self._only("grc_plugin_enabled", plugin)(commune=commune)

    def plugin_disabled(self, plugin: str, commune) -> None:
        self._only("grc_plugin_disabled", plugin)(commune=commune)

    def demo_data(self, plugin: str, commune) -> None:
        self._only("grc_demo_data", plugin)(commune=commune)
