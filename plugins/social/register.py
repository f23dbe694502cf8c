"""The register of vulnerable persons (CASF L121-6-1, R121-2 s.): only the
listed fields (rules.REGISTER_FIELDS), entries removed on radiation, the
plan d'alerte declared and ended, and the export for the préfet — possible
only while an alert is in force, and logged (audit) whether produced or
refused."""
from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import db, record_audit_event, utcnow

from . import checks, rules
from .models import Alert, RegisterEntry

ENTRY_COLUMNS = ("nom", "prenoms", "date_naissance", "qualite", "adresse", "telephone", "service_aide_domicile",
                 "personne_a_prevenir", "date_demande", "tiers_nom", "tiers_qualite")
QUALITY_LABELS = {"a": _l("65 and over"), "b": _l("Over 60, unfit for work"), "c": _l("Disabled adult")}
ALERT_KINDS = (("canicule", _l("Heatwave")), ("grand_froid", _l("Extreme cold")), ("autre", _l("Other alert")))


def keep_only_register_fields(request, received: date) -> None:
    """At filing: the qualité a/b/c replaces what decided it (age aside,
    inaptitude, benefit — health-adjacent data never kept), and the request
    holds nothing but the register's fields."""
    data = dict(request.data or {})
    eligibility = checks.register_eligibility(data, received)
    if data.get("deposant") == rules.RegisterFiler.LEGAL_REPRESENTATIVE and not data.get("tiers_qualite"):
        data["tiers_qualite"] = "Représentant légal"
    kept = {key: value for key, value in data.items() if key in rules.REGISTER_FIELDS and value not in (None, "")}
    kept["date_demande"] = received.isoformat()
    if eligibility is not None and eligibility.quality is not None:
        kept["qualite"] = str(eligibility.quality)
    request.data = kept


def entry_values(request) -> dict:
    return {key: value for key, value in (request.data or {}).items() if key in ENTRY_COLUMNS}


def add_entry(request, on_date: date) -> RegisterEntry:
    values = entry_values(request)
    entry = RegisterEntry(
        commune_id=request.commune_id, request_id=request.id, inscrit_le=on_date,
        nom=values.get("nom", ""), prenoms=values.get("prenoms", ""),
        date_naissance=checks.parse_day(values.get("date_naissance")), qualite=values.get("qualite", ""),
        adresse=str(values.get("adresse", ""))[:250], telephone=str(values.get("telephone", ""))[:30],
        service_aide_domicile=values.get("service_aide_domicile", "")[:250],
        personne_a_prevenir=values.get("personne_a_prevenir", "")[:250],
        date_demande=checks.parse_day(values.get("date_demande")) or on_date,
        tiers_nom=values.get("tiers_nom", "")[:200], tiers_qualite=values.get("tiers_qualite", "")[:120],
    )
    db.session.add(entry)
    return entry


def remove_entries(request) -> int:
    """Radiation: the register keeps only who is registered (rules.register_entry_retained)."""
    entries = list(db.session.scalars(select(RegisterEntry).where(RegisterEntry.request_id == request.id)))
    for entry in entries:
        db.session.delete(entry)
    return len(entries)


def entries() -> list[RegisterEntry]:
    return list(db.session.scalars(select(RegisterEntry).order_by(RegisterEntry.nom, RegisterEntry.prenoms)))


def active_alert() -> Alert | None:
    return db.session.scalar(select(Alert).where(Alert.ended_at.is_(None)).order_by(Alert.id.desc()).limit(1))


def declare_alert(kind: str, reference: str, user) -> Alert:
    alert = Alert(kind=kind, reference=reference.strip()[:200], declared_by_id=getattr(user, "id", None))
    db.session.add(alert)
    db.session.flush()
    record_audit_event("social.alert.declared", target=f"social_alerte:{alert.id}", details={"kind": kind},
                       commit=False)
    db.session.commit()
    return alert


def end_alert(alert: Alert) -> None:
    alert.ended_at = utcnow()
    record_audit_event("social.alert.ended", target=f"social_alerte:{alert.id}", commit=False)
    db.session.commit()


class ExportRefused(Exception):
    """The préfet's export is not possible now (rules.prefect_export_allowed)."""


def prefect_export() -> list[list]:
    """The register's rows for the préfet (header first), or ExportRefused; both logged."""
    alert = active_alert()
    decision = rules.prefect_export_allowed(alert is not None)
    if not decision.allowed:
        with force_locale(current_app.config["GRC"]["DEFAULT_LOCALE"]):  # stored: the commune's language
            stored = str(decision.reason)
        record_audit_event("social.registre.export_refused", target="social_registre", details={"reason": stored})
        raise ExportRefused(str(decision.reason))
    rows = entries()
    table = [[_("Last name"), _("First names"), _("Date of birth"), _("Quality"), _("Address"), _("Phone"),
              _("Home-help service"), _("Person to notify"), _("Date of the request"), _("Third party who asked"),
              _("Quality of the third party")]]
    table += [[entry.nom, entry.prenoms, entry.date_naissance, str(QUALITY_LABELS.get(entry.qualite, entry.qualite)),
               entry.adresse, entry.telephone, entry.service_aide_domicile, entry.personne_a_prevenir,
               entry.date_demande, entry.tiers_nom, entry.tiers_qualite] for entry in rows]
    record_audit_event("social.registre.export", target=f"social_alerte:{alert.id}", details={"entries": len(rows)})
    return table
