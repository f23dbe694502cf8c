"""The portal's own forms (the démarches' forms are built from FieldSpecs)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from ..forms.hygiene import GrcForm

PASSWORD_MIN = 10


class HoneypotMixin:
    # Hidden from people (CSS and aria-hidden), filled by bots: such a post is dropped.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])


class SignUpForm(HoneypotMixin, GrcForm):
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    # InputRequired: a date that does not parse says so, not "required".
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired()])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=200, message=_l("At least %(min)d characters.", min=PASSWORD_MIN))])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class SignInForm(GrcForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class EmailForm(HoneypotMixin, GrcForm):
    """Ask for a link by e-mail (sign-in link, password reset)."""

    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])


class NewPasswordForm(GrcForm):
    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=PASSWORD_MIN, max=200, message=_l("At least %(min)d characters.", min=PASSWORD_MIN))])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])


class ReplyForm(GrcForm):
    body = TextAreaField(_l("Your message"), validators=[DataRequired(), Length(max=20_000)])
    version = HiddenField()


class ConfirmForm(GrcForm):
    """A button that only carries the CSRF token (sign out, use a link)."""


class IdentityForm(GrcForm):
    """Who files a démarche without an account. CSRF off here because the
    page's global CSRFProtect has checked the POST (like the FieldSpec form
    it sits beside)."""

    class Meta:
        csrf = False

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=30)])
