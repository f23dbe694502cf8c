"""The convention d'occupation of a confirmed booking, as a PDF (fpdf2).

The maire sets the conditions of use of municipal premises (CGCT L2144-3);
the convention writes them down for one booking: parties, facility, period,
fee and its basis (CG3P L2125-1), deposit, insurance, the facility's rules.
The PDF's built-in Helvetica is encoded in Windows-1252, which holds every
French character (accents, œ, « », €); anything beyond becomes « ? » — but
the narrow no-break space Babel writes between the thousands of a French
amount (« 1 500 € ») becomes a no-break space.
"""
from __future__ import annotations

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from grc_core.plugin_api import LOCAL_TIMEZONE, citizen_language

from . import rules
from .models import aware
from .moments import moment_text

ENCODING = "windows-1252"


def _clean(text) -> str:
    return str(text).replace("\u202f", "\xa0").encode(ENCODING, "replace").decode(ENCODING)


def _moment(moment) -> str:
    return moment_text(aware(moment).astimezone(LOCAL_TIMEZONE))


def render(booking, commune_name: str, reference: str, holder: str, language: str = "") -> bytes:
    """The convention in ``language`` (the occupant's; the commune's when empty)."""
    with force_locale(language or citizen_language(None)):
        return _render(booking, commune_name, reference, holder)


def _render(booking, commune_name: str, reference: str, holder: str) -> bytes:
    # Imported here: fpdf2 weighs ~30 MB in every worker, and only a confirmed booking needs it.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_clean(_("Occupation agreement %(reference)s", reference=reference)))
    pdf.add_page()

    def heading(text, size=12):
        pdf.ln(2)
        pdf.set_font("helvetica", "B", size)
        pdf.multi_cell(0, 7, _clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(text):
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, _clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    facility = booking.facility
    heading(_("Commune of %(name)s", name=commune_name), 14)
    heading(_("Temporary occupation agreement — %(facility)s", facility=facility.name), 13)
    paragraph(_("Reference of the request: %(reference)s.", reference=reference))
    heading(_("Between"))
    paragraph(_("The commune of %(commune)s, represented by its mayor, who sets the conditions of use of the "
                "municipal premises (CGCT L2144-3),", commune=commune_name))
    heading(_("And"))
    party = (_("%(holder)s, for %(organiser)s", holder=holder, organiser=booking.organiser) if booking.organiser
             else holder)
    paragraph(_("%(party)s — category: %(category)s.", party=party, category=booking.category_label))
    heading(_("Purpose and period"))
    paragraph(_("Use of « %(facility)s » for: %(purpose)s.", facility=facility.name, purpose=booking.purpose))
    slots = [s for s in booking.slots if s.status != "annulee"] or booking.slots
    for slot in slots[:60]:
        paragraph(_("From %(start)s to %(end)s.", start=_moment(slot.start_at), end=_moment(slot.end_at)))
    if len(slots) > 60:
        paragraph(ngettext("… and %(num)d other slot.", "… and %(num)d other slots.", len(slots) - 60))
    if booking.attendance:
        paragraph(_("Participants expected: %(attendance)s (capacity of the facility: %(capacity)s).",
                    attendance=booking.attendance, capacity=facility.capacity))
    heading(_("Financial conditions"))
    paragraph(_("Fee: %(amount)s.", amount=rules.fmt_eur(booking.amount)) + f" {booking.tariff_basis_label}")
    paragraph(_("Deposit: %(amount)s, returned after the check-out inspection, or kept in whole or in part by a "
                "reasoned decision.", amount=rules.fmt_eur(booking.deposit)))
    heading(_("Insurance and rules"))
    paragraph(_("The occupant certifies being insured for third-party liability for the period (%(reference)s).",
                reference=booking.insurance_reference) if booking.insurance_reference
              else _("The occupant certifies being insured for third-party liability for the period."))
    if facility.rules_document:
        paragraph(_("The occupant undertakes to respect the rules of use: %(rules)s.", rules=facility.rules_document))
    if facility.included_equipment:
        paragraph(_("Equipment provided: %(equipment)s.", equipment=facility.included_equipment))
    paragraph(_("An inspection is drawn up on arrival and on departure."))
    heading(_("Signatures"))
    paragraph(_("For the commune, the mayor:") + " " * 35 + _("The occupant:"))
    return bytes(pdf.output())
