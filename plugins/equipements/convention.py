"""The convention d'occupation of a confirmed booking, as a PDF (fpdf2).

The maire sets the conditions of use of municipal premises (CGCT L2144-3);
the convention writes them down for one booking: parties, facility, period,
fee and its basis (CG3P L2125-1), deposit, insurance, the facility's rules.
The PDF's built-in Helvetica is encoded in Windows-1252, which holds every
French character (accents, œ, « », €); anything beyond becomes « ? ».
"""
from __future__ import annotations

from grc_core.plugin_api import LOCAL_TIMEZONE

from . import rules
from .models import aware

ENCODING = "windows-1252"


def _clean(text) -> str:
    return str(text).encode(ENCODING, "replace").decode(ENCODING)


def _moment(moment) -> str:
    return rules.fmt_moment(aware(moment).astimezone(LOCAL_TIMEZONE))


def render(booking, commune_name: str, reference: str, holder: str) -> bytes:
    # Imported here: fpdf2 weighs ~30 MB in every worker, and only a confirmed booking needs it.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_title(_clean(f"Convention d'occupation {reference}"))
    pdf.add_page()

    def heading(text, size=12):
        pdf.ln(2)
        pdf.set_font("helvetica", "B", size)
        pdf.multi_cell(0, 7, _clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(text):
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, _clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    facility = booking.facility
    heading(f"Commune de {commune_name}", 14)
    heading(f"Convention d'occupation temporaire — {facility.name}", 13)
    paragraph(f"Référence de la demande : {reference}.")
    heading("Entre")
    paragraph(f"La commune de {commune_name}, représentée par son maire, qui fixe les conditions d'utilisation "
              "des locaux communaux (CGCT L2144-3),")
    heading("Et")
    paragraph(f"{holder}" + (f", pour {booking.organiser}" if booking.organiser else "")
              + f" — catégorie : {booking.category_label}.")
    heading("Objet et période")
    paragraph(f"Mise à disposition de « {facility.name} » pour : {booking.purpose}.")
    slots = [s for s in booking.slots if s.status != "annulee"] or booking.slots
    for slot in slots[:60]:
        paragraph(f"Du {_moment(slot.start_at)} au {_moment(slot.end_at)}.")
    if len(slots) > 60:
        paragraph(f"… et {len(slots) - 60} autres créneaux.")
    if booking.attendance:
        paragraph(f"Participants attendus : {booking.attendance} (capacité de l'équipement : {facility.capacity}).")
    heading("Conditions financières")
    paragraph(f"Redevance : {rules.fmt_eur(booking.amount)}. {booking.tariff_basis}")
    paragraph(f"Caution : {rules.fmt_eur(booking.deposit)}, rendue après l'état des lieux de sortie, ou retenue "
              "en tout ou partie sur décision motivée.")
    heading("Assurance et règlement")
    paragraph("L'occupant atteste être assuré en responsabilité civile pour la période"
              + (f" ({booking.insurance_reference})." if booking.insurance_reference else "."))
    if facility.rules_document:
        paragraph(f"Il s'engage à respecter le règlement d'utilisation : {facility.rules_document}.")
    if facility.included_equipment:
        paragraph(f"Équipement mis à disposition : {facility.included_equipment}.")
    paragraph("Un état des lieux est dressé à l'entrée et à la sortie.")
    heading("Signatures")
    paragraph("Pour la commune, le maire :                                   L'occupant :")
    return bytes(pdf.output())
