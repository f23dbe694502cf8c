"""The navbar's menus: the domains' menus grouped under one « Domains » menu.

A commune with every domain enabled gives its administrator a dozen menus:
at 1366 px they wrapped onto a second row. The core's menus stay in the bar;
each domain's (a category whose pages all belong to one plugin) becomes a
section of a single « Domains » menu. One domain alone keeps its own menu.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app


@dataclass
class NavbarMenus:
    core: list = field(default_factory=list)
    domains: list = field(default_factory=list)


def _plugin_of(category, plugins: list[str]) -> str | None:
    """The plugin all of the category's pages belong to, else None."""
    owners = set()
    for child in category.get_children():
        endpoint = getattr(getattr(child, "_view", None), "endpoint", "") or ""
        owners.add(next((name for name in plugins if endpoint == name or endpoint.startswith(name + "_")), None))
    return owners.pop() if len(owners) == 1 else None


def navbar_menus(root) -> NavbarMenus:
    """Split Flask-Admin's menu ``root`` into the core's items and the domains' categories."""
    plugins = sorted(current_app.extensions["grc"].names, key=len, reverse=True)
    menus = NavbarMenus()
    for item in root:
        if item.is_category() and item.get_children() and _plugin_of(item, plugins):
            menus.domains.append(item)
        else:
            menus.core.append(item)
    if len(menus.domains) < 2:
        menus.core += menus.domains
        menus.domains = []
    return menus
