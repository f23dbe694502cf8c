"""The plugin's per-commune settings and their documented defaults."""
from __future__ import annotations

from grc_core.plugin_api import SettingDecl

# Not fixed by the law: the délibération tariffs decide (§3.4).
NO_QF_TARIFF = SettingDecl(
    "ecoles.tarif_sans_qf", "Tarif de cantine sans quotient familial", "tranche_haute",
    help="« tranche_haute » : la tranche la plus élevée de la grille s'applique tant que la famille ne donne pas "
         "son quotient familial ; « aucun » : pas de tarif calculé, le service le fixe à la main.",
)

# RGPD: how long the quotient familial is kept (retention.py).
KEEP_YEARS = SettingDecl(
    "ecoles.conservation_qf_annees", "Conservation du quotient familial (années après la fin de l'année scolaire)",
    2, help="Le quotient familial des inscriptions est effacé ce nombre d'années après la fin de l'année scolaire.")

SETTINGS = (NO_QF_TARIFF, KEEP_YEARS)
