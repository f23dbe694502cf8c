"""Sign-in, sign-out, choosing the commune and the language."""
from __future__ import annotations

from flask import (
    Blueprint, abort, current_app, flash, has_request_context, redirect, render_template, request,
    session, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import EmailField, HiddenField, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, Length

from ..audit import client_ip, record
from ..extensions import db, login_manager
from ..models import Commune, User, utcnow
from ..tenancy.resolver import SESSION_KEY, backoffice_commune, memberships_and_communes, memberships_of
from ..tenancy.scoping import use_commune
from .redirects import safe_next
from . import passwords, throttling

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class CommuneForm(FlaskForm):
    commune_id = SelectField(_l("Commune"), coerce=int)


class LocaleForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("fr", "Français"), ("en", "English")])
    next = HiddenField()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        reservation = throttling.reserve(email, client_ip())
        if not reservation.allowed:
            record("login.throttled", target=email)
            form.password.errors.append(throttling.wait_message(reservation.wait_seconds))
            status = 429
        else:
            user = db.session.scalar(select(User).where(func.lower(User.email) == email))
            if not passwords.verify(user, form.password.data):
                record("login.failed", target=email)
                # The same words whether the account exists or not.
                form.password.errors.append(_("Unknown e-mail address or wrong password."))
                status = 401
            elif not user.is_platform_admin and not memberships_of(user):
                form.password.errors.append(_("This account is not attached to any commune."))
                status = 403
            else:
                throttling.settle(reservation, succeeded=True)
                login_user(user)
                session.permanent = True
                user.last_login_at = utcnow()
                commune = backoffice_commune(user)
                if commune is not None:
                    with use_commune(commune):
                        record("login.succeeded", target=email, user=user, commit=False)
                db.session.commit()
                return redirect(safe_next(form.next.data))
    elif request.method == "POST":
        status = 400
    return render_template("grc/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.pop(SESSION_KEY, None)
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def commune_choices(user) -> list[tuple[int, str]]:
    if user.is_platform_admin:
        communes = db.session.scalars(select(Commune).where(Commune.active.is_(True)).order_by(Commune.name))
        return [(c.id, c.name) for c in communes]
    return [(commune.id, commune.name) for _membership, commune in memberships_and_communes(user)]


@bp.route("/commune", methods=["POST"])
@login_required
def switch_commune():
    form = CommuneForm()
    form.commune_id.choices = commune_choices(current_user)
    if not form.validate_on_submit():
        # A commune the user does not belong to: same answer as a missing one.
        abort(404)
    session[SESSION_KEY] = form.commune_id.data
    record("commune.switched", target=str(form.commune_id.data))
    return redirect(url_for("admin.index"))


@bp.route("/language", methods=["POST"])
def choose_language():
    form = LocaleForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        current_user.locale = form.locale.data
        db.session.commit()
    else:
        session["locale"] = form.locale.data
    return redirect(safe_next(form.next.data))


def select_locale() -> str:
    """The user's choice, then the browser's preference, then the default."""
    allowed = current_app.config["GRC"]["LOCALES"]
    if not has_request_context():
        return current_app.config["GRC"]["DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in allowed:
        return current_user.locale
    if session.get("locale") in allowed:
        return session["locale"]
    return request.accept_languages.best_match(allowed) or current_app.config["GRC"]["DEFAULT_LOCALE"]
