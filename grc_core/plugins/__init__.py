"""The plugin system: contract (hookspecs), loading (manager), registry, types."""
from .hookspecs import hookimpl
from .manager import PluginError

__all__ = ["PluginError", "hookimpl"]
