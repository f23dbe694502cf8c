"""Blocks on the core's pages: a citizen's bookings, deposits held and loans
(from the requests the agent may read), and a request's booking, loan or
drinks stand, as the contexts of the templates ``equipements/panels/*.html``."""
from __future__ import annotations

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from grc_core.plugin_api import CitizenPanel, RequestPanel, db

from . import rules, services
from .models import Booking, Buvette, Loan, label_of, LOAN_MODES
from .moments import moment_text
from .request_types import BUVETTE, CRENEAUX, PRET, RESERVATION


def _period(start, end) -> str:
    return _("%(start)s to %(end)s", start=moment_text(services.local(start)),
             end=moment_text(services.local(end)))


def citizen_panels(citizen, requests) -> list[CitizenPanel]:
    ids = [r.id for r in requests]
    if not ids:
        return []
    bookings = list(db.session.scalars(select(Booking).where(Booking.request_id.in_(ids))
                                       .order_by(Booking.start_at.desc())))
    loans = list(db.session.scalars(select(Loan).where(Loan.request_id.in_(ids)).order_by(Loan.start_at.desc())))
    buvettes = list(db.session.scalars(select(Buvette).where(Buvette.request_id.in_(ids))))
    if not (bookings or loans or buvettes):
        return []
    held = sum((b.deposit for b in bookings if b.deposit_status == "detenue"), start=0)
    associations = sorted({b.organiser for b in bookings if b.organiser} | {b.association for b in buvettes})
    return [CitizenPanel(_("Facilities"), "equipements/panels/citizen.html", {
        "bookings": [{"facility": b.facility.name, "period": _period(b.start_at, b.end_at), "status": b.status_label,
                      "season": b.season, "slots": len(b.slots)} for b in bookings[:5]],
        "deposits_held": rules.fmt_eur(held) if held else "",
        "loans": [{"period": _period(l.start_at, l.end_at), "status": l.status_label,
                   "equipment": ", ".join(f"{line.quantity} {line.item.name}" for line in l.lines)} for l in loans[:3]],
        "associations": associations,
    }, order=45)]


def request_panels(request) -> list[RequestPanel]:
    code = request.request_type.code
    items, links, conflicts = [], [], []
    if code in (RESERVATION, CRENEAUX):
        booking = services.booking_of(request.id)
        if booking is None:
            return []
        items += [(_("Facility"), booking.facility.name), (_("Status"), booking.status_label)]
        if booking.season:
            items.append((_("Slots"), _("%(count)d slots, %(period)s", count=len(booking.slots),
                                        period=_period(booking.start_at, booking.end_at))))
        else:
            items.append((_("Period"), _period(booking.start_at, booking.end_at)))
        if booking.option_expires_on:
            items.append((_("Option expires on"), format_date(booking.option_expires_on, "short")))
        items += [(_("Category"), booking.category_label), (_("Fee"), rules.fmt_eur(booking.amount)),
                  (_("Legal basis of the fee"), booking.tariff_basis_label), (_("Security deposit"), f"{rules.fmt_eur(booking.deposit)} — "
                                                                          f"{booking.deposit_status_label}")]
        if booking.deposit_kept:
            items.append((_("Deposit kept"), f"{rules.fmt_eur(booking.deposit_kept)} — {booking.deposit_reason}"))
        items.append((_("Insurance"), booking.insurance_reference or _("certificate not received")))
        if booking.entry_inspection:
            items.append((_("Entry inspection"), booking.entry_inspection))
        if booking.exit_inspection:
            items.append((_("Exit inspection"), booking.exit_inspection))
        if booking.status in ("demandee", "option"):
            conflicts = services.season_conflicts(booking)
        if booking.convention_pdf:
            links.append((url_for("equipements_conventions.pdf", request_id=request.id),
                          _("Convention d'occupation (PDF)")))
        links.append((url_for("equipements_calendar.index", facility=booking.facility_id,
                              day=services.local(booking.start_at).date().isoformat()), _("Calendar")))
    elif code == PRET:
        loan = services.loan_of(request.id)
        if loan is None:
            return []
        items += [(_("Period"), _period(loan.start_at, loan.end_at)), (_("Status"), loan.status_label),
                  (_("Delivery"), label_of(LOAN_MODES, loan.mode) + (f" — {loan.place}" if loan.place else ""))]
        for line in loan.lines:
            free = rules.available(line.item.stock, services.held(line.item_id, loan.id), services.local(
                loan.start_at), services.local(loan.end_at))
            returned = "" if line.returned is None else " — " + _("%(n)d returned", n=line.returned)
            items.append((line.item.name, _("%(wanted)d asked, %(free)d free over the period", wanted=line.quantity,
                                             free=free) + returned))
        if loan.return_notes:
            items.append((_("Return"), loan.return_notes))
    elif code == BUVETTE:
        buvette = services.buvette_of(request.id)
        if buvette is None:
            return []
        decision = services.buvette_decision(request.data or {}, exclude_request=request.id)
        count = services.buvettes_in_year(buvette.association_key, buvette.year, buvette.in_sports_facility,
                                          request.id)
        items += [(_("Association"), buvette.association),
                  (_("Authorisations this year"), _("%(count)d others out of %(limit)d a year (%(basis)s)",
                                                    count=count, limit=decision.yearly_limit,
                                                    basis=decision.legal_basis))]
        conflicts = [str(reason) for reason in decision.reasons]
    return [RequestPanel(_("Facilities"), "equipements/panels/request.html",
                         {"items": items, "links": links, "problems": conflicts}, order=20)]
