"""The RGPD access export as a PDF a person can read (fpdf2, pure Python).

Lays out what grc_core.citizens.rgpd_access.collect gathered, in the
language of the request (French for the citizen). The PDF's built-in
Helvetica is encoded in Windows-1252, which holds every French character
(accents, œ, « », ’, €); anything beyond is shown as « ? » rather than
failing the export.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from .forms import CONSENT_CHANNEL_LABELS, CONSENT_PURPOSE_LABELS, RELATION_LABELS

ENCODING = "windows-1252"
IDENTITY_LABELS = {
    "civility": _l("Civility"), "first_name": _l("First name"), "last_name": _l("Last name"),
    "birth_name": _l("Birth name"), "birth_date": _l("Birth date"), "birth_place": _l("Birth place"),
    "email": _l("E-mail"), "phone": _l("Phone"), "address_number": _l("Number"), "address_street": _l("Street"),
    "postcode": _l("Postcode"), "city": _l("City"), "quartier": _l("Neighbourhood"),
    "created_at": _l("Record created on"), "updated_at": _l("Last modified on"),
}


def _text(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k} : {_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) == 10:
            return format_date(date.fromisoformat(value), "dd/MM/yyyy")
        return format_datetime(moment, "dd/MM/yyyy HH:mm")
    return str(value)


class _Document(FPDF):
    def __init__(self, title: str):
        super().__init__(format="A4")
        self.core_fonts_encoding = ENCODING
        self.title_text = title
        self.set_title(title)
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.cell(0, 8, self.clean(f"{self.title_text} — {self.page_no()}/{{nb}}"), align="C")

    @staticmethod
    def clean(text: str) -> str:
        return str(text).encode(ENCODING, "replace").decode(ENCODING)

    def heading(self, text: str, size: int = 13):
        self.ln(2)
        self.set_font("helvetica", "B", size)
        self.multi_cell(0, 7, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("helvetica", size=10)

    def line_of(self, label: str, value) -> None:
        self.set_font("helvetica", "B", 10)
        self.write(5, self.clean(f"{label} : "))
        self.set_font("helvetica", size=10)
        self.write(5, self.clean(_text(value)))
        self.ln(5)

    def paragraph(self, text: str) -> None:
        self.set_font("helvetica", size=10)
        self.multi_cell(0, 5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(data: dict) -> bytes:
    identity = data["identity"]
    name = " ".join(part for part in (identity.get("first_name"), identity.get("last_name")) if part)
    pdf = _Document(_("Right of access — personal data"))
    pdf.add_page()
    pdf.heading(_("Personal data held about %(name)s", name=name), 15)
    pdf.paragraph(_("Commune: %(commune)s. Exported on %(date)s (article 15 of the GDPR).",
                    commune=data["commune"], date=_text(data["generated_at"])))

    pdf.heading(_("Identity and contact details"))
    for field, label in IDENTITY_LABELS.items():
        pdf.line_of(str(label), identity.get(field))

    pdf.heading(_("Consents"))
    if not data["consents"]:
        pdf.paragraph(_("None."))
    for consent in data["consents"]:
        state = (_("revoked on %(date)s", date=_text(consent["revoked_at"])) if consent["revoked_at"]
                 else _("in force"))
        pdf.paragraph(f"{CONSENT_CHANNEL_LABELS.get(consent['channel'], consent['channel'])} — "
                      f"{CONSENT_PURPOSE_LABELS.get(consent['purpose'], consent['purpose'])} : "
                      f"{_('given on %(date)s', date=_text(consent['given_at']))}, {state}")

    pdf.heading(_("Household"))
    if not data["household"]:
        pdf.paragraph(_("None."))
    for link in data["household"]:
        pdf.paragraph(f"{RELATION_LABELS.get(link['relation'], link['relation'])} : {link['relative']}")

    pdf.heading(_("Contacts with the services"))
    if not data["contacts"]:
        pdf.paragraph(_("None."))
    for contact in data["contacts"]:
        notes = f" — {contact['notes']}" if contact["notes"] else ""
        pdf.paragraph(f"{_text(contact['at'])} — {contact['subject']}{notes}")

    pdf.heading(_("Requests"))
    if not data["requests"]:
        pdf.paragraph(_("None."))
    for request in data["requests"]:
        pdf.heading(f"{request['reference']} — {request['type']}", 11)
        pdf.line_of(_("Received on"), request["received_at"])
        pdf.line_of(_("Channel"), request["channel"])
        pdf.line_of(_("Status"), request["state"])
        if request["subject"]:
            pdf.line_of(_("Subject"), request["subject"])
        if request["location"]:
            pdf.line_of(_("Location"), request["location"])
        for key, value in (request["data"] or {}).items():
            pdf.line_of(key, value)
        pdf.line_of(_("History"), "")
        for event in request["history"]:
            move = (" (" + _("from %(source)s to %(target)s", source=event["from_state"] or "—",
                              target=event["to_state"]) + ")") if event["to_state"] else ""
            comment = f" — {event['comment']}" if event["comment"] else ""
            pdf.paragraph(f"  {_text(event['at'])} — {event['event']}{move}{comment}")
        for message in _messages(request):
            pdf.paragraph(message)
        if request["attachments"]:
            pdf.line_of(_("Attachments"), ", ".join(a["filename"] for a in request["attachments"]))

    if data["plugin_data"]:
        pdf.heading(_("Data of the commune's services"))
        for table, rows in data["plugin_data"].items():
            pdf.heading(table, 11)
            for row in rows:
                pdf.paragraph(_text(row))

    pdf.heading(_("Rectifications of the record"))
    if not data["rectifications"]:
        pdf.paragraph(_("None."))
    for rectification in data["rectifications"]:
        changes = "; ".join(_("%(field)s: “%(old)s” replaced by “%(new)s”", field=IDENTITY_LABELS.get(field, field),
                              old=_text(old), new=_text(new))
                            for field, (old, new) in rectification["changes"].items())
        pdf.paragraph(f"{_text(rectification['at'])} — {changes}")
    return bytes(pdf.output())


def _messages(request: dict) -> list[str]:
    out = []
    for message in request["messages"]:
        kind = _("Message to the citizen") if message["to_the_citizen"] else _("Internal note")
        out.append(f"  {_text(message['at'])} — {kind} : {message['body']}")
    return out
