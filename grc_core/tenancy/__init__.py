"""Communes: current-commune resolution, row scoping, per-commune activation."""
from .activation import active_plugins, disable_plugin, enable_plugin, is_active
from .scoping import (
    TenancyError, current_commune_id, is_unscoped, set_current_commune, unscoped, use_commune,
)

__all__ = [
    "TenancyError", "active_plugins", "current_commune_id", "disable_plugin", "enable_plugin",
    "is_active", "is_unscoped", "set_current_commune", "unscoped", "use_commune",
]
