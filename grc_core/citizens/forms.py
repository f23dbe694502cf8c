"""The back office's citizen and contact forms."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField, ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ..forms.hygiene import GrcForm
from ..models.citizen import CONSENT_CHANNELS, CONSENT_PURPOSES, RELATIONS
from .contacts import CHANNEL_LABELS, OUTCOME_LABELS
from .search import MIN_PHONE_DIGITS, phone_key

# French counters write 12/03/1980; a browser's date picker sends 1980-03-12.
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
EARLIEST_BIRTH_YEAR = 1900

RELATION_LABELS = {
    "parent": _l("Parent"),
    "child": _l("Child"),
    "spouse": _l("Spouse or partner"),
}
CONSENT_CHANNEL_LABELS = {
    "email": _l("E-mail"),
    "sms": _l("SMS"),
    "courrier": _l("Letter"),
    "telephone": _l("Phone"),
}
CONSENT_PURPOSE_LABELS = {
    "suivi_demandes": _l("Follow-up of requests"),
    "information_municipale": _l("Municipal information"),
    "enquetes_satisfaction": _l("Satisfaction surveys"),
}


def optional_id(value) -> int | None:
    """Coerce a select's value: "" (no choice) is None."""
    return int(value) if value not in ("", None) else None


def _valid_phone(form, field) -> None:
    if field.data and len(phone_key(field.data)) < MIN_PHONE_DIGITS:
        raise ValidationError(_l("Enter a phone number, e.g. 06 12 34 56 78."))


def _plausible_birth_date(form, field) -> None:
    if field.data and not (date(EARLIEST_BIRTH_YEAR, 1, 1) <= field.data <= date.today()):
        raise ValidationError(_l("Enter a birth date between 1900 and today."))


class CitizenForm(GrcForm):
    civility = SelectField(_l("Civility"), choices=[("", "—"), ("Mme", "Mme"), ("M.", "M.")],
                           validators=[Optional()])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    birth_name = StringField(_l("Birth name"), validators=[Optional(), Length(max=100)])
    birth_date = DateField(_l("Birth date"), format=DATE_FORMATS, validators=[Optional(), _plausible_birth_date],
                           description=_l("dd/mm/yyyy"))
    birth_place = StringField(_l("Birth place"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), _valid_phone])
    address_number = StringField(_l("Number"), validators=[Optional(), Length(max=12)])
    address_street = StringField(_l("Street"), validators=[Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[
        Optional(), Regexp(r"^\d{5}$", message=_l("A postcode has five digits."))])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    quartier = StringField(_l("Neighbourhood"), validators=[Optional(), Length(max=80)])
    create_anyway = BooleanField(_l("None of these is the same person: create anyway"))

    IDENTITY = ("civility", "last_name", "first_name", "birth_name", "birth_date", "birth_place")
    CONTACT = ("email", "phone")
    ADDRESS = ("address_number", "address_street", "postcode", "city", "quartier")

    def apply_to(self, citizen) -> None:
        for name in (*self.IDENTITY, *self.CONTACT, *self.ADDRESS):
            value = getattr(self, name).data
            if name != "birth_date":
                # A field absent from the POST is None; the columns hold "".
                value = (value or "").strip()
            setattr(citizen, name, value)


class LinkForm(GrcForm):
    relative_id = HiddenField(validators=[DataRequired()])
    relation = SelectField(_l("Relation"), choices=[(code, RELATION_LABELS[code]) for code in RELATIONS])


class MergeForm(GrcForm):
    duplicate_id = HiddenField(validators=[DataRequired()])
    confirm_birth_dates = BooleanField(_l("I checked: these two records are the same person, although their birth "
                                          "dates differ"))


class UndoMergeForm(GrcForm):
    """Only the CSRF token: the merge is in the URL."""


class ConsentForm(GrcForm):
    channel = SelectField(_l("Channel"), choices=[(code, CONSENT_CHANNEL_LABELS[code]) for code in CONSENT_CHANNELS])
    purpose = SelectField(_l("Purpose"), choices=[(code, CONSENT_PURPOSE_LABELS[code]) for code in CONSENT_PURPOSES])
    source = StringField(_l("How it was given"), validators=[Optional(), Length(max=120)],
                         description=_l("e.g. signed form at the counter, e-mail of 12/03"))


class ContactForm(GrcForm):
    channel = RadioField(_l("Channel"), choices=list(CHANNEL_LABELS.items()), default="guichet")
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    outcome = RadioField(_l("Outcome"), choices=list(OUTCOME_LABELS.items()), default="answered")
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    service_id = SelectField(_l("Service"), coerce=optional_id, choices=[], validators=[Optional()])
