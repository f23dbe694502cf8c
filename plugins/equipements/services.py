"""The commune's rows read and written for the hooks: facilities, slots, stock
and drinks stands, and the effects of the requests and their transitions.

Moments: the form gives local dates and ``HH:MM``; rules see them in the
commune's time zone (opening hours are local), the database stores UTC.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grc_core.plugin_api import LOCAL_TIMEZONE, FieldError, TransitionError, db, local_date

from . import convention, rules
from .models import in_commune_language
from .models import (
    HOLDING, Booking, Buvette, EquipmentItem, Facility, Loan, LoanLine, Slot, TariffRate, UserCategory,
    aware,
)
from .moments import moment_text
from .request_types import BUVETTE, CRENEAUX, PRET, RESERVATION
from .settings import NOTICE_DAYS, setting

PROBLEM_FIELDS = {"start": "date_debut", "end": "date_fin", "attendance": "participants"}
LINE = re.compile(r"^\s*(\d{1,6})\s*(?:x\s+)?(.+?)\s*$", re.IGNORECASE)
SEASON_MAX_DAYS = 366
OVERLAP_MESSAGE = _l("Another agent has just booked this facility for part of this period: the booking is not "
                     "recorded. Reload the calendar.")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def local(moment: datetime) -> datetime:
    return aware(moment).astimezone(LOCAL_TIMEZONE)


def at(day: date, minutes: int) -> datetime:
    """The UTC moment of ``minutes`` after local midnight of ``day`` (24:00 = next day)."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minutes)
    return naive.replace(tzinfo=LOCAL_TIMEZONE).astimezone(timezone.utc)


def period_of(data, start_day="date_debut", start_hour="heure_debut", end_day="date_fin",
              end_hour="heure_fin") -> tuple[datetime, datetime]:
    """The form's period in UTC; ``ValueError`` on a malformed date or hour."""
    return (at(date.fromisoformat(str(data.get(start_day) or "")), rules.parse_hhmm(data.get(start_hour) or "")),
            at(date.fromisoformat(str(data.get(end_day) or "")), rules.parse_hhmm(data.get(end_hour) or "")))


def find_facility(text: str) -> Facility | None:
    wanted = _fold(text)
    for facility in db.session.scalars(select(Facility).where(Facility.active.is_(True))):
        if wanted in (_fold(facility.code), _fold(facility.name)):
            return facility
    return None


def facility_names() -> str:
    return ", ".join(db.session.scalars(select(Facility.name).where(Facility.active.is_(True))
                                        .order_by(Facility.name)))


def unknown_facility(text: str) -> FieldError:
    names = facility_names()
    if names:
        return FieldError("equipement", _("« %(text)s » is not a facility of the commune (facilities: %(names)s).",
                                          text=text, names=names))
    return FieldError("equipement", _("« %(text)s » is not a facility of the commune.", text=text))


def occupied(facility_id: int, start: datetime, end: datetime, exclude_booking: int | None = None):
    """The holding slots of the facility overlapping [start, end), as rules.Occupation."""
    query = (select(Slot).where(Slot.facility_id == facility_id, Slot.status.in_(HOLDING), Slot.start_at < end,
                                Slot.end_at > start))
    if exclude_booking is not None:
        query = query.where(Slot.booking_id != exclude_booking)
    return [rules.Occupation(local(s.start_at), local(s.end_at),
                             _("option") if s.status == "option" else _("confirmed booking"))
            for s in db.session.scalars(query.order_by(Slot.start_at))]


def closures(facility: Facility) -> list[tuple[date, date, str]]:
    return [(c.first_day, c.last_day, c.reason) for c in facility.closures]


def category_row(code: str) -> UserCategory | None:
    return db.session.scalar(select(UserCategory).where(UserCategory.code == code))


def quote(facility: Facility, category: str, start: datetime, end: datetime) -> rules.TariffQuote:
    row = category_row(category)
    rates = {rules.DurationUnit(r.unit): r.price for r in db.session.scalars(
        select(TariffRate).where(TariffRate.facility_id == facility.id, TariffRate.category == category))}
    return rules.quote(rates, local(start), local(end), free=bool(row and row.free_use))


def booking_problems(facility, start, end, attendance, now, commune, category, exclude=None) -> list[FieldError]:
    found = rules.check_booking(rules.BookingInput(
        start=local(start), end=local(end), now=local(now), attendance=attendance, capacity=facility.capacity,
        opening=facility.opening(), closures=closures(facility),
        occupied=occupied(facility.id, start, end, exclude), notice_days=setting(commune, NOTICE_DAYS),
        facility=f"« {facility.name} »", exempt_from_notice=category == rules.UserCategory.SERVICE_COMMUNE))
    return [FieldError(PROBLEM_FIELDS[p.field], str(p.message)) for p in found]


def season_slots(data, facility) -> list[tuple[datetime, datetime]]:
    first, last = date.fromisoformat(data["premier_jour"]), date.fromisoformat(data["dernier_jour"])
    starts, ends = rules.parse_hhmm(data["heure_debut"]), rules.parse_hhmm(data["heure_fin"])
    return [(at(day, a), at(day, b)) for day, a, b in
            rules.season_occurrences(first, last, int(data["jour"]), starts, ends, closures(facility))]


def parse_items(text: str) -> tuple[list[tuple[EquipmentItem, int]], list[str]]:
    """The lines « 20 tables » of the loan form: (item, quantity) and problems."""
    items = list(db.session.scalars(select(EquipmentItem).where(EquipmentItem.active.is_(True))
                                    .order_by(EquipmentItem.name)))
    by_name = {}
    for item in items:
        by_name[_fold(item.code)] = by_name[_fold(item.name)] = item
    wanted, problems = [], []
    for raw in (text or "").splitlines():
        if not raw.strip():
            continue
        match = LINE.match(raw)
        if not match:
            problems.append(_("Unreadable line: « %(line)s » (expected: quantity then equipment, for example "
                              "« 20 tables »).", line=raw.strip()))
            continue
        item = by_name.get(_fold(match.group(2)))
        if item is None:
            problems.append(_("« %(name)s » is not equipment the commune lends (%(items)s).", name=match.group(2),
                              items=", ".join(i.name for i in items) or _("none")))
            continue
        wanted.append((item, int(match.group(1))))
    if not wanted and not problems:
        problems.append(_("Give at least one piece of equipment."))
    return wanted, problems


def held(item_id: int, exclude_loan: int | None = None) -> list[rules.Held]:
    query = (select(LoanLine.quantity, Loan.start_at, Loan.end_at).join(Loan, Loan.id == LoanLine.loan_id)
             .where(LoanLine.item_id == item_id, Loan.status.in_(("accorde", "sorti"))))
    if exclude_loan is not None:
        query = query.where(Loan.id != exclude_loan)
    return [rules.Held(aware(s), aware(e), q) for q, s, e in db.session.execute(query)]


def stock_problems(wanted, start, end, exclude_loan=None) -> list[str]:
    found = []
    for item, quantity in wanted:
        problem = rules.loan_problem(item.name, quantity, item.stock, held(item.id, exclude_loan), start, end)
        if problem:
            found.append(str(problem))
    return found


def association_key(name: str) -> str:
    return _fold(name)[:160]


def buvettes_in_year(key: str, year: int, in_sports: bool, exclude_request: int | None = None) -> int:
    """Authorisations asked or granted to the association that year, in the
    same regime (sports facilities, L3335-4; elsewhere, L3334-2)."""
    query = select(func.count()).select_from(Buvette).where(
        Buvette.association_key == key, Buvette.year == year, Buvette.in_sports_facility.is_(in_sports),
        Buvette.status.in_(("demandee", "accordee")))
    if exclude_request is not None:
        query = query.where(Buvette.request_id != exclude_request)
    return db.session.scalar(query)


def buvette_decision(data, exclude_request=None) -> rules.BuvetteDecision:
    start, end = period_of(data)
    in_sports = bool(data.get("equipement_sportif"))
    return rules.buvette_decision(rules.BuvetteInput(
        organiser=rules.OrganiserKind(data.get("organisateur_type")), start=local(start), end=local(end),
        groups=frozenset(int(g) for g in data.get("groupes") or ()),
        already_this_year=buvettes_in_year(association_key(data.get("association") or ""), local(start).year,
                                           in_sports, exclude_request),
        in_sports_facility=in_sports, approved_sports=bool(data.get("agrement_sportif"))))


# --- rows made by a submitted request (grc_request_submitted) ----------------------------------

def booking_of(request_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.request_id == request_id))


def loan_of(request_id: int) -> Loan | None:
    return db.session.scalar(select(Loan).where(Loan.request_id == request_id))


def buvette_of(request_id: int) -> Buvette | None:
    return db.session.scalar(select(Buvette).where(Buvette.request_id == request_id))


def submitted(request, now) -> None:
    code, data = request.request_type.code, request.data or {}
    if code == RESERVATION:
        facility = find_facility(data["equipement"])
        start, end = period_of(data)
        fee = quote(facility, data["categorie"], start, end)
        deposit = rules.deposit_due(facility.deposit,
                                    service_commune=data["categorie"] == rules.UserCategory.SERVICE_COMMUNE)
        booking = Booking(request_id=request.id, facility_id=facility.id, citizen_id=request.citizen_id,
                          category=data["categorie"], purpose=data.get("objet") or "",
                          organiser=data.get("organisateur") or "", attendance=data.get("participants"),
                          start_at=start, end_at=end, amount=fee.amount,
                          tariff_basis=in_commune_language(fee.legal_basis),
                          deposit=deposit, deposit_status="attendue" if deposit else "aucune")
        if data.get("attestation_assurance"):
            booking.insurance_received_on = local_date(now)
            booking.insurance_reference = "attestation jointe à la demande"
        booking.slots = [Slot(facility_id=facility.id, start_at=start, end_at=end)]
        db.session.add(booking)
    elif code == CRENEAUX:
        facility = find_facility(data["equipement"])
        slots = season_slots(data, facility)
        category = rules.UserCategory.ASSOCIATION_COMMUNE.value
        amount = sum((quote(facility, category, a, b).amount for a, b in slots), Decimal("0")) \
            if _has_rates_or_free(facility, category) else Decimal("0")
        booking = Booking(request_id=request.id, facility_id=facility.id, citizen_id=request.citizen_id,
                          category=category, purpose=data.get("activite") or "", organiser=data["association"],
                          attendance=data.get("participants"), start_at=slots[0][0], end_at=slots[-1][1],
                          season=True, amount=amount,
                          tariff_basis=in_commune_language(rules.FREE_BASIS if not amount else rules.FEE_BASIS))
        booking.slots = [Slot(facility_id=facility.id, start_at=a, end_at=b) for a, b in slots]
        db.session.add(booking)
    elif code == PRET:
        start, end = period_of(data)
        wanted, _problems = parse_items(data["materiel"])
        loan = Loan(request_id=request.id, citizen_id=request.citizen_id, start_at=start, end_at=end,
                    mode=data.get("mode") or "retrait", place=data.get("lieu") or "")
        loan.lines = [LoanLine(item_id=item.id, quantity=quantity) for item, quantity in wanted]
        db.session.add(loan)
    elif code == BUVETTE:
        start, end = period_of(data)
        db.session.add(Buvette(request_id=request.id, association_key=association_key(data["association"]),
                               association=data["association"], year=local(start).year,
                               in_sports_facility=bool(data.get("equipement_sportif")), start_at=start, end_at=end))


def _has_rates_or_free(facility, category) -> bool:
    row = category_row(category)
    return bool(row and row.free_use) or db.session.scalar(select(func.count()).select_from(TariffRate).where(
        TariffRate.facility_id == facility.id, TariffRate.category == category)) > 0


# --- transitions: guards (grc_check_transition) and effects (grc_request_transitioned) ----------

def season_conflicts(booking: Booking) -> list[str]:
    found = []
    for slot in booking.slots:
        for other in occupied(booking.facility_id, slot.start_at, slot.end_at, booking.id):
            found.append(_("%(moment)s: already taken (%(what)s, from %(start)s to %(end)s).",
                           moment=moment_text(local(slot.start_at)), what=other.label,
                           start=moment_text(other.start), end=moment_text(other.end)))
    return found


def _hold(booking: Booking, status: str) -> None:
    """Set the slots' status; the database refuses an overlap another agent just made."""
    try:
        with db.session.begin_nested():
            for slot in booking.slots:
                slot.status = status
            db.session.flush()
    except IntegrityError:
        raise TransitionError(str(OVERLAP_MESSAGE)) from None


def _option_days(request) -> int:
    for timer in (request.workflow.definition or {}).get("timers") or ():
        if timer.get("state") == "option" and timer.get("delay_days"):
            return int(timer["delay_days"])
    return 0


def transitioned(request, transition, fields, commune, now) -> None:
    code, name, fields = request.request_type.code, transition.code, fields or {}
    if code in (RESERVATION, CRENEAUX):
        booking = booking_of(request.id)
        if name == "poser_option":
            _hold(booking, "option")
            booking.status = "option"
            days = _option_days(request)
            booking.option_expires_on = local_date(now) + timedelta(days=days) if days else None
        elif name in ("confirmer", "accorder"):
            _hold(booking, "confirmee")
            booking.status = "confirmee"
            booking.option_expires_on = None
            if (fields.get("assurance_reference") or "").strip():
                booking.insurance_reference = fields["assurance_reference"].strip()
                booking.insurance_received_on = local_date(now)
            if booking.deposit:
                booking.deposit_status = "detenue"
            holder = request.citizen.full_name if request.citizen else booking.organiser
            booking.convention_pdf = convention.render(booking, commune.name, request.reference, holder,
                                                       getattr(request.citizen, "language", ""))
            booking.convention_at = now
        elif name == "remettre":
            booking.entry_inspection = fields.get("etat_des_lieux_entree") or ""
            booking.status = "en_cours"
        elif name == "restituer":
            booking.exit_inspection = fields.get("etat_des_lieux_sortie") or ""
            booking.status = "terminee"
        elif name == "solder":
            kept = fields.get("montant_retenu")
            result = rules.settle_deposit(booking.deposit, "" if kept is None else kept,
                                          fields.get("motif_retenue") or "")
            booking.deposit_kept, booking.deposit_reason = result.kept, result.reason
            booking.deposit_status = "retenue" if result.kept else ("rendue" if booking.deposit else "aucune")
            booking.status = "soldee"
        elif name in ("refuser", "annuler", "expirer"):
            for slot in booking.slots:
                slot.status = "annulee"
            booking.status = "refusee" if name == "refuser" else "annulee"
    elif code == PRET:
        loan = loan_of(request.id)
        if name == "rendre":
            complete = bool(fields.get("retour_complet"))
            for line in loan.lines:
                line.returned = line.quantity if complete else line.returned
            loan.return_notes = fields.get("remarques_retour") or ""
        loan.status = {"accorder": "accorde", "sortir": "sorti", "rendre": "rendu", "refuser": "refuse"}[name]
    elif code == BUVETTE:
        buvette = buvette_of(request.id)
        buvette.status = "accordee" if name == "autoriser" else "refusee"
