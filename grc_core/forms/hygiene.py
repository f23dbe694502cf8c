"""One input hygiene layer for every text field of every form.

Every form of GRC derives from :class:`GrcForm` (pages, FieldSpec forms,
citizen forms, plugins' forms) or, for Flask-Admin's model forms,
:class:`AdminHygieneForm` (``SecureModelView.form_base_class``);
tests/test_input_hygiene.py fails for a form that does not. After the
form's own validators, each text field is checked by its kind:

========  ==========  ==================================================
kind      at most     and
========  ==========  ==================================================
name      100         at least one letter (a person's name)
phone     30          a real number (``phonenumbers``, French by default),
                      stored as read on the phone: ``01 23 45 67 89``,
                      abroad ``+44 20 7946 0958``
email     254         (the address itself is checked by its validator)
text      2,000
textarea  20,000
========  ==========  ==================================================

and in none of them a control character (NUL, escape… — a textarea keeps
its line breaks and tabs) or an invisible bidirectional override, which
would make a name read differently from what is stored. A field whose own
``Length`` says less keeps its bound. The message is shown next to the
field, and the form is invalid: nothing is stored. Passwords are never
read here. Free text outside forms (a message, a transition's comment)
goes through :func:`text_problem`.

A field's kind: ``TextAreaField`` → textarea; ``EmailField`` or an
``Email`` validator → email; ``TelField``, ``type="tel"`` or a name such as
``phone``/``telephone`` → phone; a person's name (``last_name``,
``first_name``, ``nom``, ``prenoms``, ``jeune_nom``…) → name; any other
string input → text.
"""
from __future__ import annotations

import re
import unicodedata

import phonenumbers
from flask_admin.form import BaseForm
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, TelField, TextAreaField
from wtforms.validators import Email

LIMITS = {"name": 100, "phone": 30, "email": 254, "text": 2_000, "textarea": 20_000}
# Where a number written without its country code may be: France first.
FRENCH_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")
# Inputs are named f_<name> by the FieldSpec builder and <prefix>-<name> in sub-forms.
PERSON_NAME = re.compile(
    r"(?:^|[_-])(?:last_name|first_name|birth_name|full_name|nom|noms|prenom|prenoms|nom_naissance|nom_usage)$")
PHONE_NAME = re.compile(r"(?:^|[_-])(?:phone|telephone|tel|mobile|portable)$")
PHONE_CHARACTERS = re.compile(r"[\d\s.()+-]+")
KEPT_IN_TEXTAREA = {"\n", "\r", "\t"}
BIDI_OVERRIDES = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


def field_kind(field) -> str | None:
    """The kind of a bound field, or None when it is not free text."""
    # A hidden field is no one's typing: an error there would show nowhere, and
    # the code reading it checks it (a ``next`` goes through ``safe_next``).
    if not isinstance(field, StringField) or isinstance(field, (PasswordField, HiddenField)):
        return None
    if isinstance(field, TextAreaField):
        return "textarea"
    if isinstance(field, EmailField) or any(isinstance(v, Email) for v in field.validators):
        return "email"
    render_type = (field.render_kw or {}).get("type")
    if isinstance(field, TelField) or render_type == "tel" or PHONE_NAME.search(field.name):
        return "phone"
    if PERSON_NAME.search(field.name):
        return "name"
    return "text"


def has_control_character(value: str, kind: str) -> bool:
    for char in value:
        if char in BIDI_OVERRIDES:
            return True
        if unicodedata.category(char) == "Cc" and not (kind == "textarea" and char in KEPT_IN_TEXTAREA):
            return True
    return False


def normal_phone(raw: str) -> str | None:
    """``raw`` as read on the phone, or None when it is no phone number.

    A number without its country code is French: metropolitan first, then
    the overseas départements and collectivités (0690…, 0262…), which share
    the 0 trunk prefix but not the +33 code.
    """
    if not PHONE_CHARACTERS.fullmatch(raw):
        return None  # letters (1-800-FLOWERS), slashes of a date…
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            french = phonenumbers.region_code_for_number(number) in FRENCH_REGIONS
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL if french
                                              else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        if raw.lstrip().startswith(("+", "00")):
            return None  # the country was given: no other reading
    return None


def text_problem(value: str, kind: str = "text") -> str | None:
    """What is wrong with free text of ``kind``, or None. For text that does
    not come through a form: messages and comments of the request page."""
    if has_control_character(value, kind):
        return _("Control characters and invisible direction marks are not accepted.")
    limit = LIMITS[kind]
    if len(value) > limit:
        return _("At most %(max)s characters.", max=format_decimal(limit))
    if kind == "name" and not any(unicodedata.category(char).startswith("L") for char in value):
        return _("A name must contain at least one letter.")
    return None


def check_field(field) -> str | None:
    """The message to show next to ``field``, or None; a phone is normalised."""
    kind = field_kind(field)
    value = field.data
    if kind is None or not isinstance(value, str) or not value:
        return None
    problem = text_problem(value, kind)
    if problem:
        return problem
    if kind == "phone" and value.strip():
        phone = normal_phone(value.strip())
        if phone is None:
            return _("Enter a valid phone number, e.g. 01 23 45 67 89 or +44 20 7946 0958.")
        field.data = phone
    return None


class InputHygiene:
    """Runs :func:`check_field` on every field once the form's own validators have run."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if field.errors:
                continue  # its own message says enough
            message = check_field(field)
            if message:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class GrcForm(InputHygiene, FlaskForm):
    """The base of every form of GRC and its plugins."""


class AdminHygieneForm(InputHygiene, BaseForm):
    """The base of Flask-Admin's model forms (``SecureModelView.form_base_class``)."""
