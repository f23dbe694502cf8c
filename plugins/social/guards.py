"""Transition guards (grc_check_transition): ``rules/`` applied before the
engine moves a CCAS file, on the engine's clock (``now``: the moment the
transition is applied), never the system's. Dates typed on the request page
are stored in ISO form (timers read them); amounts with two decimals."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from grc_core.plugin_api import FieldError, local_date

from . import checks, rules
from . import request_types as rt

FIELD_LABELS = {
    "date_entretien": _l("date of the interview"), "date_election": _l("date of the élection de domicile"),
    "date_dernier_contact": _l("date of the contact"), "date_versement": _l("date of the payment"),
    "date_transmission": _l("date of transmission"), "date_decision": _l("date of the decision"),
    "date_enregistrement": _l("date of registration or renewal"),
}


def _date(fields, name, problems, today):
    if name not in fields:
        return None
    day = checks.parse_day(fields[name])
    if day is None:
        problems.append(_("« %(field)s » must be a date such as 30/05/2026.", field=FIELD_LABELS.get(name, name)))
    elif day > today:
        problems.append(_("« %(field)s » cannot be in the future.", field=FIELD_LABELS.get(name, name)))
    else:
        fields[name] = day.isoformat()
    return day


def check(request, transition, fields, actor, commune, now) -> list[str] | None:
    code = request.request_type.code
    if code not in rt.CODES:
        return None
    today = local_date(now)
    data = request.data or {}
    problems: list[str] = []
    for name in transition.required_fields:
        if name.startswith("date_"):
            _date(fields, name, problems, today)
    if problems:
        return problems
    if code == rt.DOMICILIATION:
        link = checks.commune_link(data)
        if transition.code in ("accorder", "renouveler"):
            interview, election = checks.parse_day(fields["date_entretien"]), checks.parse_day(fields["date_election"])
            # A commune's older copy of the workflow does not ask it: the person is then taken as sans domicile stable.
            stable = fields.get("domicile_stable") == "oui"
            decision = rules.domiciliation_decision(link, interview_held=interview <= election, stable_address=stable,
                                                    renewal=transition.code == "renouveler")
            if decision.outcome is not rules.DomiciliationOutcome.GRANTED:
                reason = str(decision.reason)
                problems.append(FieldError("domicile_stable", reason) if stable and interview <= election else reason)
        elif transition.code == "refuser":
            ground = fields.get("motif_legal") or rules.DomiciliationRefusalGround.NO_LINK
            decision = rules.check_domiciliation_refusal(link, motive=fields.get("motif_refus", ""),
                                                         orientation_to=fields.get("orientation", ""), ground=ground)
            if not decision.allowed:
                reason = str(decision.reason)
                problems.append(FieldError("motif_legal", reason) if link.established
                                and ground == rules.DomiciliationRefusalGround.NO_LINK else reason)
    elif code == rt.REGISTRE and transition.code == "opposition" and "date_opposition" in fields:
        opposed_on = checks.parse_day(fields["date_opposition"])
        decision = rules.check_opposition_date(opposed_on, received_on=local_date(request.received_at),
                                               today=checks.today())
        if not decision.allowed:
            problems.append(FieldError("date_opposition", str(decision.reason)))
    elif code == rt.REGISTRE and transition.code in ("inscrire", "inscrire_sans_opposition"):
        from .register import entry_values

        decision = rules.check_registration(checks.register_filer(data),
                                            acknowledged=transition.code == "inscrire_sans_opposition",
                                            opposed=False)
        if not decision.allowed:
            problems.append(str(decision.reason))
        check_fields = rules.check_register_fields(entry_values(request))
        if not check_fields.allowed:
            problems.append(str(check_fields.reason))
        if not data.get("qualite"):
            problems.append(_("Quality (a, b or c) unknown: eligibility was not established (CASF R121-2)."))
    elif code == rt.AIDE_FACULTATIVE and transition.code == "accorder":
        amount = checks.money(fields.get("montant_accorde"))
        if amount is None:
            problems.append(_("Give the amount granted in euros, e.g. 150 or 150,50."))
        else:
            fields["montant_accorde"] = str(amount)
            decision = checks.aid_decision(commune, data, amount, request.citizen_id, today,
                                           exclude_request=request.id)
            if decision.outcome is rules.AidOutcome.REFUSED:
                problems.append(str(decision.reason))
            elif amount > decision.amount:
                most = f"{decision.amount:.2f}".replace(".", ",")
                problems.append(_("%(reason)s At most %(amount)s € may be granted.", reason=str(decision.reason),
                                  amount=most))
    elif code == rt.LOGEMENT and transition.code == "enregistrer":
        number = "".join(str(fields.get("numero_unique", "")).split()).upper()
        if len(number) < 10 or not number.isalnum():
            problems.append(_("The numéro unique has at least 10 letters and digits (e.g. 045 24 01234 5)."))
        else:
            fields["numero_unique"] = number
    return problems
