"""The plugin system's machinery: loading (manager) and hook calls (registry).

Plugins import from :mod:`grc_core.plugin_api`, never from here.
"""
from __future__ import annotations

import warnings

from .manager import PluginError

__all__ = ["PluginError"]


def __getattr__(name: str):
    # API 1 documented ``from grc_core.plugins import hookimpl``; kept for one release.
    if name == "hookimpl":
        from grc_core.plugin_api import GRCDeprecationWarning, hookimpl

        warnings.warn("grc_core.plugins.hookimpl is deprecated: import hookimpl from grc_core.plugin_api.",
                      GRCDeprecationWarning, stacklevel=2)
        return hookimpl
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
