"""The agent's own sign-in settings: « Mes sessions », his password and two-step sign-in."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from ..audit import client_ip, record
from ..extensions import db
from ..forms.hygiene import GrcForm
from ..models import AgentSession
from . import passwords, sessions, throttling, two_factor
from .auth import CodeForm, enrolment

bp = Blueprint("account", __name__, url_prefix="/account")


class PasswordChangeForm(GrcForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least %(n)d characters.", n=passwords.MIN_LENGTH))
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


@bp.route("/sessions")
@login_required
def my_sessions():
    return render_template("grc/account_sessions.html", sessions=sessions.sessions_of(current_user.id),
                           current=sessions.current(), form=FlaskForm(),
                           two_factor_on=two_factor.enabled(current_user),
                           recovery_left=two_factor.remaining_recovery_codes(current_user))


@bp.route("/sessions/<id:session_id>/revoke", methods=["POST"])
@login_required
def revoke(session_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    row = db.session.get(AgentSession, session_id)
    # Another agent's session is no different from a missing one.
    if row is None or row.user_id != current_user.id:
        abort(404)
    sessions.revoke(row)
    record("session.revoked", target=str(row.id), commit=False)
    db.session.commit()
    if row.id == getattr(sessions.current(), "id", None):
        logout_user()
        return redirect(url_for("auth.login"))
    flash(_("The session is signed out."), "success")
    return redirect(url_for(".my_sessions"))


@bp.route("/sessions/revoke-all", methods=["POST"])
@login_required
def revoke_all():
    if not FlaskForm().validate_on_submit():
        abort(400)
    count = sessions.revoke_all(current_user.id)
    record("session.revoked_all", target=current_user.email, details={"sessions": count}, commit=False)
    db.session.commit()
    logout_user()
    flash(_("You are signed out everywhere."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    """Optional enrolment (mandatory roles enrol at sign-in)."""
    if two_factor.enabled(current_user):
        return redirect(url_for(".my_sessions"))
    form = CodeForm()
    page, codes, status = enrolment(current_user, form)
    if codes is not None:
        db.session.commit()
        return render_template("grc/two_factor_codes.html", codes=codes, destination=url_for(".my_sessions"))
    return render_template("grc/two_factor_enrol.html", form=form, mandatory=False, **page), status


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """The agent changes his own password; every other session of the account is signed out.

    The current password is checked through sign-in throttling: a session
    left open on a shared computer cannot be used to guess it.
    """
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        weakness = passwords.weakness(form.new_password.data)
        reservation = throttling.reserve(current_user.email, client_ip())
        if not reservation.allowed:
            record("password.change_throttled", target=current_user.email)
            form.current_password.errors.append(throttling.wait_message(reservation.wait_seconds))
            status = 429
        elif not passwords.verify(current_user, form.current_password.data):
            record("password.change_refused", target=current_user.email)
            form.current_password.errors.append(_("This is not your current password."))
            status = 400
        elif weakness:
            throttling.settle(reservation, succeeded=True)
            form.new_password.errors.append(weakness)
            status = 400
        else:
            throttling.settle(reservation, succeeded=True)
            current_user.set_password(form.new_password.data)
            count = sessions.revoke_all(current_user.id, keep=sessions.current())
            record("password.changed", target=current_user.email, details={"sessions_signed_out": count},
                   commit=False)
            db.session.commit()
            flash(_("Your password is changed. Your other sessions are signed out."), "success")
            return redirect(url_for(".my_sessions"))
    elif request.method == "POST":
        status = 400
    return render_template("grc/account_password.html", form=form), status
