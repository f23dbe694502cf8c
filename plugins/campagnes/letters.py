"""Printable letters: one PDF, a page (or more) per letter recipient, ready
for a French windowed envelope.

fpdf2 (already the core's PDF library, for the RGPD export): pure Python,
no system library, fast enough for tens of thousands of pages in a job.
Its built-in Helvetica is encoded in Windows-1252, which holds every French
character (accents, œ, « », ’); anything beyond is printed « ? ».

Where the address goes. The common French windowed envelope is the DL
(110 × 220 mm) with its window on the right: 100 × 45 mm, 20 mm from the
right edge and 15 mm from the bottom (NF EN ISO 269 sizes; La Poste's
« Guide pratique courrier », 2021). An A4 sheet folded in three shows
through it the block placed 110 mm from the sheet's left edge and 55 mm
from its top, 85 mm wide and at most 33 mm high — the position French
document printers use, which also leaves room above for a registered
letter's bar code. The address itself follows La Poste's rules: Helvetica
9–12 pt, at most six lines, no blank line, the last « CODE POSTAL
LOCALITÉ » in capitals.

One transaction: the PDF is stored, then every recipient in it is marked
sent with the file's key in the same commit — a crash before the commit
stores an orphan file and marks no one, the next run makes a new PDF with
the same people: each person is in the campaign's letters exactly once.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import Commune, LOCAL_TIMEZONE, SettingDecl, citizen_language, db, storage

from . import rules, sending
from .channels import postal_lines
from .models import Campaign, CampaignRecipient

ENCODING = "windows-1252"
LETTERHEAD = SettingDecl(
    "campagnes.entete_courrier", "En-tête des courriers des campagnes", "",
    help="Les lignes sous « Mairie de … » en haut à gauche des courriers : adresse, téléphone, site "
         "(une par ligne).")
# mm, on an A4 sheet (see the module's docstring).
ADDRESS_X, ADDRESS_Y, ADDRESS_WIDTH, ADDRESS_HEIGHT = 110, 55, 85, 33
MARGIN = 20
# In the recipient's language, like the letter's other fixed parts (the author's subject and body as written).
BASIS_LINE = {
    "consent": _l("You receive this letter from the town hall of %(commune)s because you accepted its municipal "
                  "information. To stop receiving it, tell the town hall."),
    "public_task": _l("You receive this letter from the town hall of %(commune)s as part of its mission to inform "
                      "the public (GDPR art. 6(1)(e)). To stop receiving this information, tell the town hall."),
}


def _clean(text: str) -> str:
    return str(text).encode(ENCODING, "replace").decode(ENCODING)


def _document(title: str):
    """An empty A4 document. fpdf2 is imported here: it weighs ~30 MB in every
    worker, and only the job that prints a campaign's letters needs it."""
    from fpdf import FPDF

    document = FPDF(format="A4", unit="mm")
    document.core_fonts_encoding = ENCODING
    document.set_title(_clean(title))
    document.set_margins(MARGIN, MARGIN, MARGIN)
    document.set_auto_page_break(auto=True, margin=20)
    return document


def _add_letter(document, *, letterhead: list[str], place_and_date: str, name: str, address: list[str],
                subject: str, body: str, basis: str) -> None:
    from fpdf.enums import XPos, YPos

    document.add_page()
    document.set_font("helvetica", "B", 12)
    document.set_xy(MARGIN, MARGIN)
    document.cell(80, 6, _clean(letterhead[0]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    document.set_font("helvetica", size=9)
    for line in letterhead[1:]:
        document.cell(80, 4.5, _clean(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    # The window's block: name, then the address, no blank line.
    document.set_font("helvetica", size=11)
    document.set_xy(ADDRESS_X, ADDRESS_Y)
    for line in [name, *address][:6]:
        document.set_x(ADDRESS_X)
        document.cell(ADDRESS_WIDTH, ADDRESS_HEIGHT / 6, _clean(line)[:48], new_x=XPos.LEFT, new_y=YPos.NEXT)
    document.set_xy(ADDRESS_X, ADDRESS_Y + ADDRESS_HEIGHT + 7)
    document.set_font("helvetica", size=10)
    document.cell(ADDRESS_WIDTH, 5, _clean(place_and_date))
    document.set_xy(MARGIN, ADDRESS_Y + ADDRESS_HEIGHT + 20)
    document.set_font("helvetica", "B", 11)
    document.multi_cell(0, 6, _clean(_("Subject: %(subject)s", subject=subject)), new_x=XPos.LMARGIN,
                          new_y=YPos.NEXT)
    document.ln(4)
    document.set_font("helvetica", size=11)
    document.multi_cell(0, 5.5, _clean(body), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    document.ln(8)
    document.set_font("helvetica", "I", 8.5)
    document.multi_cell(0, 4.5, _clean(basis), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def letterhead_of(commune: Commune) -> list[str]:
    lines = str((commune.settings or {}).get(LETTERHEAD.code, LETTERHEAD.default) or "").splitlines()
    return [_("Town hall of %(commune)s", commune=commune.name), *[line.strip() for line in lines if line.strip()]]


def render(campaign: Campaign, commune: Commune, recipients: list[CampaignRecipient], day) -> bytes:
    """The campaign's letters, a page (or more) per recipient, in the order given."""
    document = _document(campaign.name)
    for recipient in recipients:
        citizen = recipient.citizen
        values = sending.values_for(citizen, commune)
        name = " ".join(part for part in (citizen.civility, citizen.first_name, citizen.last_name.upper()) if part)
        with force_locale(citizen_language(citizen)):
            place_and_date = _("%(place)s, %(day)s", place=commune.name, day=format_date(day, "long"))
            _add_letter(document, letterhead=letterhead_of(commune), place_and_date=place_and_date, name=name,
                        address=postal_lines(citizen), subject=rules.fill(campaign.subject, values),
                        body=rules.fill(campaign.body, values),
                        basis=str(BASIS_LINE[campaign.legal_basis]) % {"commune": commune.name})
    return bytes(document.output())


def generate(campaign: Campaign, now: datetime) -> int:
    """Print every pending letter recipient into one PDF, store it, mark them
    sent — one commit. How many letters; 0 when there were none."""
    recipients = db.session.scalars(select(CampaignRecipient).where(
        CampaignRecipient.campaign_id == campaign.id, CampaignRecipient.channel == "courrier",
        CampaignRecipient.status == "pending").order_by(CampaignRecipient.id).with_for_update()).all()
    if not recipients:
        return 0
    commune = db.session.get(Commune, campaign.commune_id)
    data = render(campaign, commune, recipients, now.astimezone(LOCAL_TIMEZONE).date())
    key = f"campagnes/{commune.id}/{secrets.token_hex(16)}.pdf"
    storage().put(key, data, "application/pdf")
    campaign.letters_key, campaign.letters_at = key, now
    for recipient in recipients:
        recipient.status, recipient.sent_at = "sent", now
    db.session.commit()
    return len(recipients)
