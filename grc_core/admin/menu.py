"""The navbar's menus: the domains' menus grouped under one « Domains » menu.

A commune with every domain enabled gives its administrator a dozen menus:
at 1366 px they wrapped onto a second row. The core's menus stay in the bar;
each domain's (a category whose pages all belong to one plugin) becomes a
section of a single « Domains » menu. One domain alone keeps its own menu.

The navbar is read here once per page, as plain entries: Flask-Admin's menu
objects ask every view whether the member may open it each time a template
looks at them (children, accessible, visible, active), some 250 calls on
every back-office page before this module asked once per view.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app


@dataclass
class MenuEntry:
    """A link of the navbar, or a menu (``category``) of the ``pages`` the member may open."""

    name: str
    url: str | None = None
    active: bool = False
    category: bool = False
    pages: list[MenuEntry] = field(default_factory=list)


@dataclass
class NavbarMenus:
    core: list[MenuEntry] = field(default_factory=list)
    domains: list[MenuEntry] = field(default_factory=list)


def _plugin_of(children, plugins: list[str]) -> str | None:
    """The plugin all of a category's pages belong to, else None."""
    owners = set()
    for child in children:
        endpoint = getattr(getattr(child, "_view", None), "endpoint", "") or ""
        owners.add(next((name for name in plugins if endpoint == name or endpoint.startswith(name + "_")), None))
    return owners.pop() if len(owners) == 1 else None


def _link(item, current_view) -> MenuEntry:
    return MenuEntry(item.name, item.get_url(), item.is_active(current_view))


def navbar_menus(root, current_view) -> NavbarMenus:
    """Split Flask-Admin's menu ``root`` into the core's entries and the
    domains' menus; ``current_view`` (the page's) is marked active."""
    plugins = sorted(current_app.extensions["grc"].names, key=len, reverse=True)
    menus = NavbarMenus()
    for item in root:
        if not item.is_category():
            if item.is_accessible() and item.is_visible():
                menus.core.append(_link(item, current_view))
            continue
        children = item.get_children()  # those the member may open
        if not children:
            continue
        pages = [_link(child, current_view) for child in children if not child.is_category()]
        entry = MenuEntry(item.name, active=any(page.active for page in pages), category=True, pages=pages)
        (menus.domains if _plugin_of(children, plugins) else menus.core).append(entry)
    if len(menus.domains) < 2:
        menus.core += menus.domains
        menus.domains = []
    return menus
