"""Panels of the CCAS: on the citizen's 360° page and on a CCAS request's
page (the legal dates computed by rules/, the household's aid this year),
rendered by ``social/panels/lines.html``. Professional secrecy is the core's:
it calls these only with the requests the agent may read."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, RequestPanel, db, state_label

from . import checks, rules
from . import request_types as rt
from .settings import aid_rules

DATE_LABELS = (
    ("date_limite_reponse", "Réponse due au plus tard le"),
    ("date_election", "Élection de domicile le"),
    ("date_expiration", "Attestation expirée à partir du"),
    ("date_dernier_contact", "Dernier contact le"),
    ("date_avertissement", "Avertissement prévu le"),
    ("date_fin_absence", "Fin pour absence de contact à partir du"),
    ("date_limite_transmission", "Transmission due au plus tard le"),
    ("date_transmission", "Transmis le"),
    ("date_decision", "Décision reçue le"),
    ("date_limite_enregistrement", "Numéro unique dû au plus tard le"),
    ("date_enregistrement", "Enregistrée ou renouvelée le"),
    ("date_rappel_renouvellement", "Rappel du renouvellement le"),
    ("date_limite_renouvellement", "À renouveler au plus tard le"),
    ("date_radiation", "Radiation si non renouvelée le"),
)


def _fr(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _euros(amount: Decimal) -> str:
    return f"{amount:.2f} €".replace(".", ",")


def request_panels(request, commune):
    code = request.request_type.code
    if code not in rt.CODES:
        return None
    data = request.data or {}
    lines = [f"{label} {_fr(checks.parse_day(data[name]))}" for name, label in DATE_LABELS
             if checks.parse_day(data.get(name))]
    if code == rt.DOMICILIATION:
        lines.insert(0, checks.commune_link(data).reason_fr)
    elif code == rt.REGISTRE and data.get("qualite"):
        lines.insert(0, f"Qualité : {data['qualite']} (CASF R121-2)")
    elif code == rt.AIDE_LEGALE and data.get("autorite"):
        lines.insert(0, "Autorité de décision : " + ("président du conseil départemental"
                                                      if data["autorite"] == "departement" else "préfet"))
    elif code == rt.AIDE_FACULTATIVE and data.get("nature"):
        settings = aid_rules(commune, data["nature"])
        granted = checks.granted_to_household(request.citizen_id, data["nature"], checks.today(), settings.window)
        lines.insert(0, f"Déjà accordé au foyer sur la période : {_euros(granted)}")
        if settings.yearly_ceiling is not None:
            lines.insert(1, f"Plafond par foyer : {_euros(settings.yearly_ceiling)}")
    if not lines:
        return None
    return [RequestPanel(_("CCAS: legal dates"), "social/panels/lines.html", {"lines": lines}, order=20)]


def citizen_panels(citizen, requests):
    files = [r for r in requests if r.request_type.code in rt.CODES][:50]
    if not files:
        return None
    from .models import AidGrant

    members = checks.household_ids(citizen.id)
    start, end = rules.aid_window(checks.today())
    total = db.session.scalar(select(db.func.coalesce(db.func.sum(AidGrant.amount), 0)).where(
        AidGrant.citizen_id.in_(members), AidGrant.granted_on >= start, AidGrant.granted_on <= end))
    return [CitizenPanel(_("CCAS files"), "social/panels/files.html", {
        "files": [(r, state_label(r.workflow.definition if r.workflow else None, r.state)) for r in files],
        "aid": f"Aides facultatives accordées au foyer en {start.year} : {_euros(Decimal(str(total)))}",
    }, order=40)]
