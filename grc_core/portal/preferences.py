"""The citizen's notification preferences on the portal, and the one-click
unsubscribe link of every non-essential message.

"My preferences" edits the citizen record the account is linked to (the
preferences live there: grc_core.notifications.citizens); an account not
linked yet has no request to hear about, and the page says so. Only the
signed-in account's own record is ever read or written: the form names no
record, so a post cannot reach another citizen's.

The unsubscribe link carries a signed token naming the commune and the
record; a mail client's one-click POST (RFC 8058) or the page's button
records the choice at once; a GET only shows the button, so that a link
scanner unsubscribes nobody. A forged token, or one of another commune,
gets a clear page and changes nothing.
"""
from __future__ import annotations

from flask import g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import Length, Optional

from ..audit import record
from ..extensions import csrf_exempt, db
from ..forms.hygiene import GrcForm
from ..models import Citizen
from ..notifications.sms import mobile_number
from ..notifications.unsubscribe import citizen_of
from . import linking, session

LANGUAGES = (("fr", "Français"), ("en", "English"))


class PreferencesForm(GrcForm):
    channel = RadioField(_l("How should we tell you that your requests move?"), choices=[
        ("email", _l("By e-mail")), ("sms", _l("By SMS")),
        ("none", _l("Do not tell me: I follow my requests on the portal"))], default="email")
    digest = BooleanField(_l("Gather the day's updates into one e-mail a day"))
    mobile = StringField(_l("Mobile phone number (for SMS)"), validators=[Optional(), Length(max=30)])
    language = RadioField(_l("Language of the messages"), choices=LANGUAGES, default="fr")

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.channel.data == "sms":
            if mobile_number(self.mobile.data or "") is None:
                self.mobile.errors.append(_("Give a mobile phone number to receive SMS (for example 06 12 34 56 78)."))
                ok = False
            if self.digest.data:
                self.digest.errors.append(_("The daily digest is an e-mail: choose « By e-mail » to receive it."))
                ok = False
        elif self.mobile.data and mobile_number(self.mobile.data) is None:
            self.mobile.errors.append(_("This is not a mobile phone number."))
            ok = False
        return ok

    def save_to(self, citizen, by: str) -> None:
        """Store the validated choices on the record, audited as chosen ``by``
        the citizen or an agent; the caller commits."""
        citizen.notify_channel = self.channel.data
        citizen.notify_digest = bool(self.digest.data) and self.channel.data == "email"
        citizen.language = self.language.data
        if self.mobile.data:
            citizen.phone = mobile_number(self.mobile.data)
        record("citizen.preferences", target=citizen.full_name, commit=False,
               details={"channel": citizen.notify_channel, "digest": citizen.notify_digest,
                        "language": citizen.language, "by": by})


class AgentPreferencesForm(PreferencesForm):
    """The same choices on the citizen's 360° record, worded for the agent
    who reads them about someone else (the portal's speak in the first person)."""
    channel = RadioField(_l("How the citizen hears of his requests' progress"), choices=[
        ("email", _l("By e-mail")), ("sms", _l("By SMS")),
        ("none", _l("No notification: the citizen follows the requests on the portal"))], default="email")


def preferences_page():
    account = session.current_account()
    citizen = linking.linked_citizen(account)
    if citizen is None:
        return render_template("portal/preferences.html", form=None, citizen=None, saved=False)
    form = PreferencesForm()
    saved = False
    status = 200
    if request.method == "GET":
        form.channel.data = citizen.notify_channel
        form.digest.data = citizen.notify_digest
        form.mobile.data = citizen.phone if mobile_number(citizen.phone) else ""
        form.language.data = citizen.language or str(get_locale() or "fr")
    elif form.validate_on_submit():
        form.save_to(citizen, by="citizen")
        db.session.commit()
        saved = True
    else:
        status = 400
    return render_template("portal/preferences.html", form=form, citizen=citizen, saved=saved), status


@csrf_exempt  # the signed token is the proof; a mail client's one-click POST has no session
def unsubscribe(token):
    found = citizen_of(token)
    commune = g.grc_commune
    citizen = None
    if found is not None and found[0] == commune.id:
        # A query: the tenancy criteria apply (another commune's record is absent).
        citizen = db.session.scalar(select(Citizen).where(Citizen.id == found[1]))
        if citizen is not None and citizen.merged_into_id is not None:
            # Merged since the message was sent: the choice is the kept record's.
            citizen = db.session.scalar(select(Citizen).where(Citizen.id == citizen.merged_into_id))
    if citizen is None:
        return render_template("portal/unsubscribe.html", valid=False, done=False), 404
    done = citizen.notify_channel == "none"
    if request.method == "POST":
        if not done:
            citizen.notify_channel = "none"
            record("citizen.unsubscribed", target=citizen.full_name, commit=False, details={"by": "link"})
            db.session.commit()
        done = True
    return render_template("portal/unsubscribe.html", valid=True, done=done, token=token)


def register(bp, account_required) -> None:
    bp.add_url_rule("/account/preferences", "preferences", account_required(preferences_page),
                    methods=["GET", "POST"])
    bp.add_url_rule("/unsubscribe/<token>", "unsubscribe", unsubscribe, methods=["GET", "POST"])
