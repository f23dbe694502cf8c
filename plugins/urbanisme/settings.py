"""The plugin's per-commune settings and their documented defaults."""
from __future__ import annotations

from grc_core.plugin_api import SettingDecl

ALERT_DAYS = SettingDecl(
    "urbanisme.alert_days", "Jours avant l'échéance légale où un dossier s'affiche en rouge", 15,
    help="Un dossier dont la date limite de notification est à moins de ce nombre de jours est signalé en rouge.",
)

SETTINGS = (ALERT_DAYS,)
