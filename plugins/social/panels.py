"""Panels of the CCAS: on the citizen's 360° page (only with ``social.read``)
and on a CCAS request's page (the legal dates computed by rules/, the
household's aid this year). HTML is built escaped (markupsafe)."""
from __future__ import annotations

from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, Request, RequestPanel, RequestType, can, db, state_label

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


def _items(lines) -> Markup:
    return Markup("<ul class='list-unstyled mb-0'>") + Markup("").join(
        Markup("<li>{}</li>").format(line) for line in lines) + Markup("</ul>")


def request_panels(request, user, commune):
    code = request.request_type.code
    if code not in rt.CODES or not can("social.read"):
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
    return [RequestPanel(_("CCAS: legal dates"), str(_items(escape(line) for line in lines)), order=20)]


def citizen_panels(citizen, user, commune):
    # Professional secrecy: nothing at all without social.read (the core's
    # timeline says at most that a file is in progress).
    if not can("social.read"):
        return None
    rows = db.session.execute(
        select(Request, RequestType.label).join(RequestType, Request.request_type_id == RequestType.id)
        .where(Request.citizen_id == citizen.id, RequestType.code.in_(list(rt.CODES)))
        .order_by(Request.received_at.desc()).limit(50)).all()
    if not rows:
        return None
    lines = []
    for req, label in rows:
        definition = req.workflow.definition if req.workflow else None
        lines.append(Markup('<a href="{}">{}</a> — {} — {}').format(
            url_for("core_requests.details", request_id=req.id), req.reference, label,
            state_label(definition, req.state)))
    from .models import AidGrant

    members = checks.household_ids(citizen.id)
    start, end = rules.aid_window(checks.today())
    total = db.session.scalar(select(db.func.coalesce(db.func.sum(AidGrant.amount), 0)).where(
        AidGrant.citizen_id.in_(members), AidGrant.granted_on >= start, AidGrant.granted_on <= end))
    lines.append(escape(f"Aides facultatives accordées au foyer en {start.year} : {_euros(Decimal(str(total)))}"))
    return [CitizenPanel(_("CCAS files"), str(_items(lines)), order=40)]
