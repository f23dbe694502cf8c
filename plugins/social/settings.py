"""Commune settings of the CCAS: its own rules for optional aid (set by its
conseil d'administration, nothing fixed by law) and the project choices the
law leaves open ("?" in the domain rules)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from grc_core.plugin_api import SettingDecl

from .rules import DEFAULT_ABSENCE_WARNING_LEAD_DAYS, DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS, AidRules, AidWindow

QF_CEILING = SettingDecl(
    "social.aide_plafond_qf", "Aides facultatives : quotient familial maximal (0 = pas de condition)", 800,
    help="Règlement des aides facultatives du CCAS ; plafond inclus.")
RESOURCES_CEILING = SettingDecl(
    "social.aide_plafond_ressources", "Aides facultatives : ressources mensuelles maximales du foyer en € "
    "(0 = pas de condition)", 0, help="Quand les deux plafonds sont fixés, les deux conditions s'appliquent.")
WINDOW = SettingDecl(
    "social.aide_periode_plafond", "Aides facultatives : période du plafond par foyer", str(AidWindow.CALENDAR_YEAR),
    help="« annee_civile » (du 1er janvier au 31 décembre, par défaut) ou « 12_mois_glissants ».")
CAP_PARTIAL = SettingDecl(
    "social.aide_plafonner", "Aides facultatives : au-delà du plafond, accorder le reste (sinon refuser)", True)
DEFAULT_YEARLY = {"secours_urgence": 300, "aide_alimentaire": 400, "aide_energie": 350, "aide_mobilite": 200}
YEARLY_CEILINGS = {
    # Named by the aid's code: the labels of AID_KINDS are translated when read, not at import.
    kind: SettingDecl(f"social.aide_plafond_annuel_{kind}",
                      f"Aides facultatives ({kind}) : plafond annuel par foyer en € (0 = aucun)", DEFAULT_YEARLY[kind])
    for kind in DEFAULT_YEARLY
}
ABSENCE_WARNING_DAYS = SettingDecl(
    "social.domiciliation_avertissement_jours", "Domiciliation : avertir la personne combien de jours avant la fin "
    "pour 3 mois sans contact", DEFAULT_ABSENCE_WARNING_LEAD_DAYS)
LOGEMENT_REMINDER_MONTHS = SettingDecl(
    "social.logement_rappel_mois", "Logement social : rappel du renouvellement combien de mois avant l'échéance",
    DEFAULT_LOGEMENT_REMINDER_LEAD_MONTHS)

SETTINGS = (QF_CEILING, RESOURCES_CEILING, WINDOW, CAP_PARTIAL, *YEARLY_CEILINGS.values(), ABSENCE_WARNING_DAYS,
            LOGEMENT_REMINDER_MONTHS)


def value(commune, setting: SettingDecl):
    """The commune's value of ``setting``, or its documented default."""
    return ((getattr(commune, "settings", None) or {}) if commune is not None else {}).get(setting.code,
                                                                                           setting.default)


def _money(raw) -> Decimal | None:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return amount.quantize(Decimal("0.01")) if amount > 0 else None


def aid_rules(commune, kind: str) -> AidRules:
    """The CCAS's rules for one kind of optional aid (rules.AidRules)."""
    qf = value(commune, QF_CEILING)
    window = value(commune, WINDOW)
    return AidRules(
        kind,
        qf_ceiling=int(qf) if str(qf).isdigit() and int(qf) > 0 else None,
        resources_ceiling=_money(value(commune, RESOURCES_CEILING)),
        yearly_ceiling=_money(value(commune, YEARLY_CEILINGS[kind])) if kind in YEARLY_CEILINGS else None,
        window=window if window in {str(w) for w in AidWindow} else AidWindow.CALENDAR_YEAR,
        cap_partial=bool(value(commune, CAP_PARTIAL)),
    )
