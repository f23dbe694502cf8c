"""Commune settings for the rules the law leaves open ("?" in the domain rules)."""
from __future__ import annotations

from grc_core.plugin_api import SettingDecl

MINOR_EXTRAIT_FILIATION = SettingDecl(
    "etat_civil.mineur_extrait_avec_filiation",
    "Un mineur peut obtenir l'extrait avec filiation de son acte de naissance", False,
    help="Règle de 1974 non retrouvée dans le décret de 2017 : non par défaut.")
MINOR_RECONNAISSANCE_COPY = SettingDecl(
    "etat_civil.mineur_copie_reconnaissance",
    "Un mineur peut obtenir la copie de l'acte de reconnaissance le concernant", False,
    help="Le décret 2017-890 (art. 30) ne le prévoit pas explicitement : non par défaut.")
PLURILINGUE_AS = SettingDecl(
    "etat_civil.plurilingue_comme", "L'extrait plurilingue suit les règles de", "extrait_avec_filiation",
    help="« extrait_avec_filiation » (par défaut : l'extrait plurilingue mentionne les parents) ou "
         "« extrait_sans_filiation ».")
REMOTE_COMMUNE = SettingDecl(
    "etat_civil.commune_eloignee", "Délai de déclaration de naissance de 8 jours (communes de Guyane, "
    "décret 2017-278)", False)
PIECE_MONTHS = SettingDecl(
    "etat_civil.validite_acte_mois", "Validité de la copie d'acte de naissance d'un dossier de mariage ou de PACS "
    "(mois)", 3, help="3 mois ; 6 mois si elle est délivrée à l'étranger (réglage suivant).")
PIECE_MONTHS_ABROAD = SettingDecl(
    "etat_civil.validite_acte_etranger_mois", "Validité d'une copie d'acte délivrée à l'étranger (mois)", 6)

SETTINGS = (MINOR_EXTRAIT_FILIATION, MINOR_RECONNAISSANCE_COPY, PLURILINGUE_AS, REMOTE_COMMUNE, PIECE_MONTHS,
            PIECE_MONTHS_ABROAD)


def value(commune, setting: SettingDecl):
    """The commune's value of ``setting``, or its documented default."""
    return ((getattr(commune, "settings", None) or {}) if commune is not None else {}).get(setting.code,
                                                                                           setting.default)
