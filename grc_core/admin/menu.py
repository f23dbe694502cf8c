"""The navbar's menus: the domains' menus grouped under one « Domains » menu.

A commune with every domain enabled gives its administrator a dozen menus:
at 1366 px they wrapped onto a second row. The core's menus stay in the bar;
each domain's (a category whose pages all belong to one plugin) becomes a
section of a single « Domains » menu. One domain alone keeps its own menu.

The navbar is read here once per page, as plain entries: Flask-Admin's menu
objects ask every view whether the member may open it each time a template
looks at them (children, accessible, visible, active), some 250 calls on
every back-office page before this module asked once per view.

The entries themselves are kept for the process, per :func:`menu_key`:
which views a member may open depends only on what
:func:`grc_core.admin.base.access_profile` reads, and each entry's name and
URL on the language and the application's root (1 ms of a 10 ms page).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, request
from flask_babel import get_locale
from markupsafe import Markup

from .base import access_profile

#: Kept navbars per admin, beyond which all are forgotten (a few per role and page in practice).
KEPT_NAVBARS = 2048


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


def _name(name) -> str:
    """A view's (often lazy) name, in the page's language, escaped as the template escaped it."""
    return Markup(name.__html__()) if hasattr(name, "__html__") else str(name)


def _link(item, current_view) -> MenuEntry:
    return MenuEntry(_name(item.name), item.get_url(), item.is_active(current_view))


def menu_key(current_view) -> tuple:
    """Everything the navbar of ``current_view``'s page depends on."""
    return (id(current_view), access_profile(), str(get_locale()), request.script_root)


def navbar_menus(root, current_view) -> NavbarMenus:
    """Split Flask-Admin's menu ``root`` into the core's entries and the
    domains' menus; ``current_view`` (the page's) is marked active.
    Built once per :func:`menu_key` (the entries are never changed by the pages)."""
    kept = vars(current_view.admin).setdefault("grc_navbars", {})
    key = menu_key(current_view)
    menus = kept.get(key)
    if menus is None:
        if len(kept) >= KEPT_NAVBARS:
            kept.clear()  # not one by one: safe with threads, and a full set is rare
        menus = kept[key] = _build(root, current_view)
    return menus


def _build(root, current_view) -> NavbarMenus:
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
        entry = MenuEntry(_name(item.name), active=any(page.active for page in pages), category=True, pages=pages)
        (menus.domains if _plugin_of(children, plugins) else menus.core).append(entry)
    if len(menus.domains) < 2:
        menus.core += menus.domains
        menus.domains = []
    return menus
