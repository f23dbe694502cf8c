"""The agent's own sign-in settings: « Mes sessions » and two-step sign-in."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from ..audit import record
from ..extensions import db
from ..models import AgentSession
from . import sessions, two_factor
from .auth import CodeForm, enrolment

bp = Blueprint("account", __name__, url_prefix="/account")


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
