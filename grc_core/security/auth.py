"""Sign-in, sign-out, choosing the commune and the language."""
from __future__ import annotations

from flask import (
    Blueprint, abort, current_app, flash, has_request_context, redirect, render_template, request,
    session, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select
from wtforms import EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..audit import client_ip, record
from ..extensions import db, login_manager
from ..forms.hygiene import GrcForm
from ..models import Commune, User, utcnow
from ..tenancy.resolver import SESSION_KEY, backoffice_commune, member_communes, memberships_of
from ..tenancy.scoping import use_commune
from . import clock, passwords, sessions, throttling, two_factor
from .redirects import safe_next

bp = Blueprint("auth", __name__)


PENDING_KEY = "grc_pending_sign_in"
SETUP_KEY = "grc_totp_setup"
PENDING_MINUTES = 10


class LoginForm(GrcForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class CodeForm(GrcForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])


class CommuneForm(GrcForm):
    commune_id = SelectField(_l("Commune"), coerce=int)


class LocaleForm(GrcForm):
    locale = SelectField(_l("Language"), choices=[("fr", "Français"), ("en", "English")])
    next = HiddenField()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.load(user_id)


def _keep_locale_and_clear() -> None:
    """A new session at each change of privilege: nothing set before carries over."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def complete_sign_in(user: User, target: str | None):
    """Both factors checked: open the server-side session and go on."""
    _keep_locale_and_clear()
    sessions.open_session(user)
    login_user(user)
    session.permanent = True
    user.last_login_at = utcnow()
    commune = backoffice_commune(user)
    if commune is not None:
        with use_commune(commune):
            record("login.succeeded", target=user.email, user=user, commit=False)
    db.session.commit()
    return safe_next(target)


def _pending_user() -> tuple[User | None, str | None]:
    """The agent whose password was right and whose second step is pending."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    if clock.now().timestamp() - float(pending.get("since", 0)) > PENDING_MINUTES * 60:
        session.pop(PENDING_KEY, None)
        return None, None
    user = db.session.get(User, int(pending.get("user", 0)))
    if user is None or not user.active:
        return None, None
    return user, pending.get("next")


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
                if not two_factor.enabled(user) and not two_factor.required(user):
                    throttling.settle(reservation, succeeded=True)
                    return redirect(complete_sign_in(user, form.next.data))
                # Counted as a failure until the second step succeeds: a
                # password alone neither clears the failures nor makes the
                # address a known one.
                _keep_locale_and_clear()
                session[PENDING_KEY] = {"user": user.id, "since": clock.now().timestamp(),
                                        "next": safe_next(form.next.data)}
                return redirect(url_for("auth.second_step" if two_factor.enabled(user) else "auth.enrol"))
    elif request.method == "POST":
        status = 400
    return render_template("grc/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
def second_step():
    """After the password: a code of the agent's app, or a recovery code."""
    user, target = _pending_user()
    if user is None or not two_factor.enabled(user):
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        reservation = throttling.reserve(user.email, client_ip())
        if not reservation.allowed:
            record("login.throttled", target=user.email)
            form.code.errors.append(throttling.wait_message(reservation.wait_seconds))
            status = 429
        elif two_factor.check(user, form.code.data):
            throttling.settle(reservation, succeeded=True)
            return redirect(complete_sign_in(user, target))
        else:
            db.session.rollback()
            record("login.code_failed", target=user.email)
            form.code.errors.append(_("This code is not valid (or was already used)."))
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("grc/login_code.html", form=form), status


def enrolment(user: User, form: CodeForm):
    """The enrolment form's state: (secret, page values, recovery codes once confirmed)."""
    secret = session.get(SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[SETUP_KEY] = two_factor.new_secret()
    codes = None
    status = 200
    if form.validate_on_submit():
        reservation = throttling.reserve(user.email, client_ip())
        step = two_factor.matching_step(secret, form.code.data, None) if reservation.allowed else None
        if not reservation.allowed:
            form.code.errors.append(throttling.wait_message(reservation.wait_seconds))
            status = 429
        elif step is None:
            form.code.errors.append(_("This code is not valid: check the time of your device and try again."))
            status = 401
        else:
            throttling.settle(reservation, succeeded=True)
            codes = two_factor.enable(user, secret, step)
            session.pop(SETUP_KEY, None)
            record("two_factor.enabled", target=user.email, user=user, commit=False)
    elif request.method == "POST":
        status = 400
    page = {"secret": two_factor.spaced(secret),
            "qr": two_factor.qr_data_uri(two_factor.provisioning_uri(user, secret))}
    return page, codes, status


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """A mandatory second factor not set up yet: set it up before the session opens."""
    user, target = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if two_factor.enabled(user):
        return redirect(url_for("auth.second_step"))
    form = CodeForm()
    page, codes, status = enrolment(user, form)
    if codes is not None:
        destination = complete_sign_in(user, target)
        return render_template("grc/two_factor_codes.html", codes=codes, destination=destination)
    return render_template("grc/two_factor_enrol.html", form=form, mandatory=True, **page), status


@bp.route("/logout", methods=["POST"])
def logout():
    current = sessions.current()
    if current is not None:
        sessions.revoke(current)
        db.session.commit()
    logout_user()
    _keep_locale_and_clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def commune_choices(user) -> list[tuple[int, str]]:
    if user.is_platform_admin:
        communes = db.session.scalars(select(Commune).where(Commune.active.is_(True)).order_by(Commune.name))
        return [(c.id, c.name) for c in communes]
    return member_communes(user)


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
