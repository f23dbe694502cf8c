"""The plugin's per-commune settings and their documented defaults."""
from __future__ import annotations

from grc_core.plugin_api import SettingDecl

from . import rules

# Practice, not law (domain_rules §7, conf. C): « au moins N jours à l'avance ».
NOTICE_DAYS = SettingDecl(
    "equipements.delai_prevenance_jours", "Délai de prévenance d'une réservation (jours)", rules.DEFAULT_NOTICE_DAYS,
    help="Une réservation ou un prêt se demande au moins ce nombre de jours avant son début "
         "(les services de la commune en sont dispensés).")

# RGPD: how long a closed booking keeps the user's personal data (retention.py).
KEEP_MONTHS = SettingDecl(
    "equipements.conservation_mois", "Conservation des réservations et prêts clos (mois)", 24,
    help="Les données personnelles des demandes closes sont anonymisées après ce nombre de mois ; "
         "le calendrier et les montants restent pour les statistiques.")

SETTINGS = (NOTICE_DAYS, KEEP_MONTHS)


def setting(commune, decl: SettingDecl) -> int:
    try:
        return max(int((commune.settings or {}).get(decl.code, decl.default)), 0)
    except (TypeError, ValueError):
        return decl.default
