"""What happens when a CCAS file is filed or moves: the legal dates computed
by ``rules/`` and written in the request's data (the timers of
``workflows.py`` are anchored on them, the request page shows them), the
request's due date, the register and the aid granted.

Runs inside the core's transaction (grc_request_submitted,
grc_request_transitioned)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from grc_core.plugin_api import LOCAL_TIMEZONE, db, local_date

from . import checks, register, rules
from . import request_types as rt
from .settings import ABSENCE_WARNING_DAYS, LOGEMENT_REMINDER_MONTHS, value


def _end_of(day: date) -> datetime:
    """Due at the end of the last day on time (local), as the core's due dates."""
    # Stored in UTC, as every moment of the core.
    return (datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TIMEZONE) - timedelta(seconds=1)).astimezone(
        timezone.utc)


def _set(request, **dates) -> None:
    request.data = {**(request.data or {}), **{name: day.isoformat() for name, day in dates.items()}}


def submitted(request, commune) -> None:
    code = request.request_type.code
    received = local_date(request.received_at)
    if code == rt.DOMICILIATION:
        due = rules.domiciliation_answer_due(received)
        _set(request, date_limite_reponse=due, date_refus_implicite=due + timedelta(days=1))
        request.due_at = _end_of(due)
    elif code == rt.REGISTRE:
        register.keep_only_register_fields(request, received)
        request.due_at = _end_of(rules.register_acknowledgement_due(received))
    elif code == rt.AIDE_LEGALE:
        due = rules.legal_aid_transmission_due(received)
        authority = rules.deciding_authority(request.data.get("prestation"))
        request.data = {**request.data, "autorite": str(authority)}
        _set(request, date_limite_transmission=due, date_retard_transmission=due + timedelta(days=1))
        request.due_at = _end_of(due)
    elif code == rt.LOGEMENT:
        due = rules.logement_registration_due(received)
        _set(request, date_limite_enregistrement=due)
        request.due_at = _end_of(due)


def _contact_dates(request, commune, last_contact: date) -> None:
    lead = int(value(commune, ABSENCE_WARNING_DAYS))
    _set(request, date_dernier_contact=last_contact,
         date_avertissement=rules.domiciliation_warning_date(last_contact, lead_days=lead),
         date_fin_absence=rules.domiciliation_end_by_absence(last_contact))


def transitioned(request, transition, actor, commune) -> None:
    code = request.request_type.code
    data = request.data or {}
    # The engine has just set state_entered_at to the moment of the transition.
    on_day = local_date(request.state_entered_at)
    if code == rt.DOMICILIATION:
        if transition.code in ("accorder", "renouveler"):
            elected = checks.parse_day(data.get("date_election"))
            _set(request, date_expiration=rules.domiciliation_validity_end(elected) + timedelta(days=1))
            _contact_dates(request, commune, elected)
        elif transition.code == "contact":
            _contact_dates(request, commune, checks.parse_day(data.get("date_dernier_contact")))
    elif code == rt.REGISTRE:
        if transition.code in ("inscrire", "inscrire_sans_opposition"):
            register.add_entry(request, on_day)
        elif transition.code == "radier":
            register.remove_entries(request)
    elif code == rt.AIDE_FACULTATIVE:
        from .models import AidGrant

        if transition.code == "accorder":
            db.session.add(AidGrant(commune_id=request.commune_id, request_id=request.id,
                                    citizen_id=request.citizen_id, kind=data.get("nature") or "",
                                    amount=checks.money(data.get("montant_accorde")), granted_on=on_day))
        elif transition.code == "verser":
            for grant in db.session.scalars(select(AidGrant).where(AidGrant.request_id == request.id)):
                grant.paid_on = checks.parse_day(data.get("date_versement"))
    elif code == rt.LOGEMENT and transition.code in ("enregistrer", "renouveler"):
        registered = checks.parse_day(data.get("date_enregistrement"))
        lead = int(value(commune, LOGEMENT_REMINDER_MONTHS))
        _set(request, date_limite_renouvellement=rules.logement_renewal_due(registered),
             date_rappel_renouvellement=rules.logement_renewal_reminder_date(registered, lead_months=lead),
             date_radiation=rules.logement_radiation_date_if_not_renewed(registered))
