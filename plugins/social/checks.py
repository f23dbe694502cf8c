"""``rules/`` applied to a CCAS request's data: validation at filing
(grc_validate_request) and the helpers the guards and dates share.

Messages are the rules' own French reasons (plain words for the agent)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from grc_core.plugin_api import HouseholdLink, db, local_date, utcnow

from . import request_types as rt
from . import rules
from .settings import aid_rules


def today() -> date:
    """The day a page is shown (panels get no engine clock; hooks use their ``now``)."""
    return local_date(utcnow())


def parse_day(value) -> date | None:
    """A date as stored (ISO) or typed on the request page (30/05/2026)."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()[:10]
    if len(text) == 10 and text[4] == "-":
        # As stored: the C parser, not strptime — a dashboard reads thousands of them.
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def money(value) -> Decimal | None:
    """An amount in euros (« 150 », « 150,50 »), None when not one or not positive."""
    try:
        amount = Decimal(str(value).replace(",", ".").replace("€", "").replace(" ", "").strip())
    except (InvalidOperation, ValueError):
        return None
    return amount.quantize(Decimal("0.01")) if amount.is_finite() and amount > 0 else None


def flag(value) -> bool:
    return value is True or str(value).lower() in ("y", "yes", "oui", "true", "1", "on")


def commune_link(data) -> rules.CommuneLink:
    chosen = set(data.get("lien_commune") or ())
    C = rules.CommuneLinkCriterion
    return rules.commune_link(
        stays_in_commune=str(C.STAYS_IN_COMMUNE) in chosen, works_in_commune=str(C.WORKS_IN_COMMUNE) in chosen,
        support_in_commune=str(C.SUPPORT_IN_COMMUNE) in chosen, family_link=str(C.FAMILY_LINK) in chosen,
        parent_of_pupil=str(C.PARENT_OF_PUPIL) in chosen)


def commune_link_reason(data) -> str:
    """Whether the applicant has a link with the commune (CASF R264-4), and which, in the reader's language."""
    return str(commune_link(data).reason)


def register_filer(data) -> rules.RegisterFiler:
    """Who filed a register request, from what the register keeps (R121-2 s.): the third party's name is
    kept only for a third party's request (a legal representative's has only the quality)."""
    return rules.RegisterFiler.THIRD_PARTY if (data.get("tiers_nom") or "").strip() else rules.RegisterFiler.PERSON


def register_eligibility(data, on_date: date) -> rules.Eligibility | None:
    born = parse_day(data.get("date_naissance"))
    if born is None:
        return None
    benefit = data.get("prestation") or ""
    return rules.register_eligibility(born, on_date, unfit_for_work=flag(data.get("inapte_travail")),
                                      benefits=(benefit,) if benefit else ())


def household_ids(citizen_id: int | None) -> set[int]:
    """The citizen and the relatives linked to him (spouse, parents, children): his household."""
    if citizen_id is None:
        return set()
    rows = db.session.execute(select(HouseholdLink.citizen_id, HouseholdLink.relative_id).where(
        or_(HouseholdLink.citizen_id == citizen_id, HouseholdLink.relative_id == citizen_id))).all()
    return {citizen_id} | {a for a, b in rows} | {b for a, b in rows}


def granted_to_household(citizen_id: int | None, kind: str, on_date: date, window, *,
                         exclude_request: int | None = None) -> Decimal:
    """What the household already received of ``kind`` in the ceiling window (rules.granted_in_window)."""
    from .models import AidGrant

    members = household_ids(citizen_id)
    if not members:
        return Decimal("0")
    query = select(AidGrant.granted_on, AidGrant.amount).where(AidGrant.citizen_id.in_(members),
                                                               AidGrant.kind == kind)
    if exclude_request is not None:
        query = query.where(AidGrant.request_id != exclude_request)
    grants = [(granted_on, Decimal(str(amount))) for granted_on, amount in db.session.execute(query)]
    return rules.granted_in_window(grants, on_date, window)


def aid_decision(commune, data, amount: Decimal, citizen_id: int | None, on_date: date, *,
                 exclude_request: int | None = None) -> rules.AidDecision:
    kind = data.get("nature") or ""
    settings = aid_rules(commune, kind)
    qf = data.get("quotient_familial")
    resources = money(data.get("ressources_mensuelles"))
    granted = granted_to_household(citizen_id, kind, on_date, settings.window, exclude_request=exclude_request)
    return rules.check_aid(amount, int(qf) if str(qf or "").isdigit() else None, granted, settings,
                           resources=resources if resources is not None else (
                               Decimal("0") if data.get("ressources_mensuelles") not in (None, "") else None))


def validate(request_type, data, commune, on_date: date, citizen_id: int | None = None) -> list[str]:
    """Problems with a submission, in the reader's language; [] when it may be filed."""
    code = request_type.code
    problems: list[str] = []
    if code == rt.REGISTRE:
        born = parse_day(data.get("date_naissance"))
        if born is not None and born > on_date:
            problems.append(_("The date of birth cannot be in the future."))
        else:
            eligibility = register_eligibility(data, on_date)
            if eligibility is not None and not eligibility.allowed:
                problems.append(str(eligibility.reason))
        filer = data.get("deposant") or ""
        if filer in {str(f) for f in rules.RegisterFiler}:
            decision = rules.check_register_request(filer, in_writing=flag(data.get("demande_ecrite")))
            if not decision.allowed:
                problems.append(str(decision.reason))
            if filer == rules.RegisterFiler.THIRD_PARTY and not (data.get("tiers_nom") or "").strip():
                problems.append(_("Give the name of the third party asking for the registration (CASF R121-3)."))
    elif code == rt.AIDE_FACULTATIVE:
        amount = money(data.get("montant_demande"))
        if amount is not None and data.get("nature"):
            decision = aid_decision(commune, data, amount, citizen_id, on_date)
            if decision.outcome is rules.AidOutcome.REFUSED:
                problems.append(str(decision.reason))
    return problems
