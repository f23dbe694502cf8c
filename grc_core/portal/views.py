"""The portal's pages. Every page is the commune's (``commune_slug``, or the
host on the commune's own hostname: the tenancy resolver has set the commune
and its scoping); every page taking a request id asks
grc_core.security.access.citizen_request_or_404."""
from __future__ import annotations

import math
from functools import wraps

from flask import Blueprint, abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask import session as flask_session
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.security import generate_password_hash

from ..admin.requests_admin import show_next_to_fields
from ..audit import client_ip
from ..extensions import db
from ..forms.validation import ALL, build_form
from ..models import CitizenAccount
from ..plugins.panels import render_panels
from ..requests import attachments
from ..requests.service import FILES_ERROR, RequestActionError
from ..security import clock, passwords, throttling
from ..security.access import citizen_request_or_404, tracked_request
from ..security.redirects import safe_next
from ..tenancy.activation import active_plugins
from ..tenancy.addresses import on_own_host, portal_url
from ..workflows.deadlines import local_date
from . import anonymous, catalogue, filing, linking, mails, oidc, preferences, rate_limits, session, tokens, tracking, tracking_links
from .forms import ConfirmForm, EmailForm, IdentityForm, NewPasswordForm, ReplyForm, SignInForm, SignUpForm

bp = Blueprint("portal", __name__, url_prefix="/c/<commune_slug>/portal")


@bp.url_defaults
def _commune_slug(endpoint, values):
    # On the commune's own host every link is the hostname form (grc_core.tenancy.addresses).
    if on_own_host():
        values.pop("commune_slug", None)
        return
    commune = g.get("grc_commune")
    if commune is not None and "commune_slug" not in values:
        values["commune_slug"] = commune.slug


@bp.before_request
def _drop_slug():
    # The resolver, which runs before, has read it (grc_core.tenancy.resolver): views take the commune from g.
    request.view_args.pop("commune_slug", None)


bp.after_request(rate_limits.retry_after)
# Pages whose address holds a private token (a tracking link, a filing's verification link).
PRIVATE_LINK_ENDPOINTS = {"portal.track", "portal.track_reply", "portal.track_revoke", "portal.confirm_filing"}


@bp.after_request
def _private_links_stay_private(response):
    # The token is in the address: never sent on as a Referer (not even to the portal's own pages
    # and their logs), never kept by a shared cache.
    if request.endpoint in PRIVATE_LINK_ENDPOINTS:
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _portal_context():
    # g.get: an error page (a CSRF refusal) may come before the commune is resolved.
    return {"account": session.current_account(), "commune": g.get("grc_commune"), "confirm_form": ConfirmForm()}


def _commune():
    return g.grc_commune


def account_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if session.current_account() is None:
            return redirect(url_for("portal.sign_in", next=request.full_path))
        return view(*args, **kwargs)
    return wrapper


def _address() -> str:
    # Its own namespace in the shared attempts table: citizens' throttles
    # never count against agents', nor the reverse.
    return f"p:{client_ip()}"[:45]


def _reserve(action: str, key: str) -> throttling.Reservation:
    """One try of ``action``: refused by the address's rate limit
    (rate_limits) or by the account's throttling, else reserved."""
    wait = rate_limits.hit(action, _commune().id)
    return throttling.Reservation(None, wait) if wait else throttling.reserve(key, _address())


def _too_many(seconds: int) -> str:
    g.grc_retry_after = seconds  # the Retry-After of the 429 (rate_limits.retry_after)
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("Too many attempts. Try again in %(num)d minute.",
                    "Too many attempts. Try again in %(num)d minutes.", minutes)


def _account_by_email(email: str) -> CitizenAccount | None:
    return db.session.scalar(select(CitizenAccount).where(CitizenAccount.email == email.strip().lower()))


def _signed_in_response(account, target=None):
    response = make_response(redirect(safe_next(target, url_for("portal.my_requests"))))
    session.sign_in(response, account, _commune())
    return response


# --- catalogue -------------------------------------------------------------------------

@bp.route("/")
def catalogue_page():
    query = (request.args.get("q") or "").strip()[:100]
    return render_template("portal/catalogue.html", groups=catalogue.catalogue(_commune(), query), query=query)


@bp.route("/procedures/<code>")
def demarche(code):
    found = catalogue.find(_commune(), code)
    if found is None:
        abort(404)
    return render_template("portal/demarche.html", demarche=found, anonymous_allowed=anonymous.allowed(_commune()))


@bp.route("/procedures/<code>/file", methods=["GET", "POST"])
def file(code):
    found = catalogue.find(_commune(), code)
    if found is None:
        abort(404)
    account = session.current_account()
    if account is None:
        if anonymous.allowed(_commune()):
            return _file_without_account(found)
        if request.method == "POST":
            # A forged POST without an account: refused with words, nothing stored.
            return render_template("portal/anonymous_refused.html", demarche=found), 403
        return redirect(url_for("portal.sign_in", next=request.full_path))
    request_type = found.request_type
    errors = {}
    if request.method == "POST":
        if request.form.get("website"):
            abort(400)  # the honeypot: only a robot fills it
        formdata = CombinedMultiDict((request.files, request.form))
        # Every try counts: a robot cannot flood the agents' queue, a citizen is slowed after a few.
        reservation = _reserve("FILING", f"portal-file:{_commune().id}:{account.id}")
        if reservation.allowed:
            created, errors = filing.file_demarche(account, request_type, formdata,
                                                   request.files.getlist("attachments"))
        else:
            created, errors = None, {ALL: [_too_many(reservation.wait_seconds)]}
        if created is not None:
            return redirect(url_for("portal.filed", request_id=created.id))
        form = build_form(request_type, formdata)
        show_next_to_fields(form, errors)
        status = 400 if reservation.allowed else 429
    else:
        form = build_form(request_type, formdata=None)
        status = 200
    return _file_page(found, form, errors, status)


def _file_page(found, form, errors, status, who=None):
    return render_template("portal/file.html", demarche=found, form=form, errors=errors, who=who,
                           general=[*errors.get(ALL, ()), *errors.get("request_type", ()), *errors.get("channel", ())],
                           files_errors=errors.get(FILES_ERROR, ()), allowed_files=attachments.ALLOWED_LABEL), status


def _file_without_account(found):
    """The démarche's form with who files it; held until the address is verified (grc_core.portal.anonymous)."""
    request_type = found.request_type
    who = IdentityForm()
    if request.method != "POST":
        return _file_page(found, build_form(request_type, formdata=None), {}, 200, who)
    if request.form.get("website"):
        abort(400)  # the honeypot
    errors = {}
    identity_ok = who.validate()
    email = (who.email.data or "").strip().lower()
    # Every try counts, per address and e-mail: a flood from one place is slowed down, nothing half-stored.
    reservation = _reserve("FILING", f"portal-file-anon:{_commune().id}:{email}")
    if not reservation.allowed:
        errors = {ALL: [_too_many(reservation.wait_seconds)]}
    else:
        if identity_ok:
            identity = anonymous.Identity(email=email, first_name=who.first_name.data.strip(),
                                          last_name=who.last_name.data.strip(), phone=(who.phone.data or "").strip())
            held, errors = anonymous.hold(_commune(), request_type, identity, request.form, request.files)
            if held:
                return render_template("portal/filing_pending.html", email=email, demarche=found)
        else:
            # The démarche's own fields are checked too, so that every error shows at once.
            errors = anonymous.check_only(request_type, request.form, request.files)
    form = build_form(request_type, CombinedMultiDict((request.files, request.form)))
    show_next_to_fields(form, errors)
    return _file_page(found, form, errors, 400 if reservation.allowed else 429, who)


@bp.route("/my-requests/<id:request_id>/filed")
@account_required
def filed(request_id):
    found = citizen_request_or_404(request_id, session.current_account())
    return render_template("portal/filed.html", req=found)


# --- accounts --------------------------------------------------------------------------

@bp.route("/account/sign-up", methods=["GET", "POST"])
def sign_up():
    # An agent's invitation links here with the address filled in (grc_core.citizens.portal_account).
    form = SignUpForm(data={"email": (request.args.get("email") or "")[:254]})
    status = 200
    if form.validate_on_submit():
        if form.website.data:
            abort(400)
        commune = _commune()
        email = form.email.data.strip().lower()
        wait = rate_limits.hit("SIGN_UP", commune.id, email)
        if wait:
            form.email.errors.append(_too_many(wait))
            return render_template("portal/sign_up.html", form=form), 429
        existing = _account_by_email(email)
        if existing is None:
            account = CitizenAccount(email=email, first_name=form.first_name.data.strip(),
                                     last_name=form.last_name.data.strip(), birth_date=form.birth_date.data,
                                     password_hash=generate_password_hash(form.password.data, method="scrypt"))
            db.session.add(account)
            db.session.flush()
            mails.send_verification(account, commune, tokens.issue(account, "verify"))
        elif existing.verified:
            # Same page whether the address has an account or not; its owner gets a sign-in link.
            mails.send_sign_in_link(existing, commune, tokens.issue(existing, "signin"))
        else:
            mails.send_verification(existing, commune, tokens.issue(existing, "verify"))
        db.session.commit()
        return render_template("portal/check_email.html", email=email)
    elif request.method == "POST":
        status = 400
    return render_template("portal/sign_up.html", form=form), status


@bp.route("/account/verify/<token>", methods=["GET", "POST"])
def verify(token):
    # A GET shows a button: mail scanners that open links must not use them.
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("portal/use_link.html", form=form, title=_("Confirm your e-mail address"),
                               button=_("Confirm my address")), 400 if request.method == "POST" else 200
    account = tokens.consume(token, "verify")
    if account is None:
        db.session.rollback()
        return render_template("portal/link_invalid.html"), 404
    if account.email_verified_at is None:
        account.email_verified_at = clock.now()
    linking.link_if_unambiguous(account)
    db.session.commit()
    return _signed_in_response(account)


@bp.route("/account/sign-in", methods=["GET", "POST"])
def sign_in():
    if session.current_account() is not None:
        return redirect(url_for("portal.my_requests"))
    form = SignInForm(next=request.args.get("next", ""))
    status = 200
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        reservation = _reserve("SIGN_IN", f"portal:{_commune().id}:{email}")
        if not reservation.allowed:
            form.password.errors.append(_too_many(reservation.wait_seconds))
            status = 429
        else:
            account = _account_by_email(email)
            if not passwords.verify(account, form.password.data):
                form.password.errors.append(_("Unknown e-mail address or wrong password."))
                status = 401
            elif not account.verified:
                form.email.errors.append(_("Confirm your e-mail address first: open the link we sent you."))
                status = 403
            else:
                throttling.settle(reservation, succeeded=True)
                return _signed_in_response(account, form.next.data)
    elif request.method == "POST":
        status = 400
    return render_template("portal/sign_in.html", form=form, provider=oidc.configuration(_commune())), status


# --- OpenID Connect (optional, per commune) ------------------------------------------------

OIDC_PENDING = "grc_portal_oidc"


def _oidc_config():
    config = oidc.configuration(_commune())
    if config is None:
        abort(404)
    return config


@bp.route("/account/openid")
def oidc_start():
    config = _oidc_config()
    url, pending = oidc.start(config, url_for("portal.oidc_callback", _external=True))
    # The state and nonce of this attempt only: they authorise nothing by themselves.
    flask_session[OIDC_PENDING] = {**pending, "commune": _commune().id}
    return redirect(url)


@bp.route("/account/openid/callback")
def oidc_callback():
    config = _oidc_config()
    pending = flask_session.pop(OIDC_PENDING, None)
    if not isinstance(pending, dict) or pending.get("commune") != _commune().id \
            or request.args.get("state") != pending.get("state"):
        return render_template("portal/oidc_refused.html"), 400
    try:
        claims = oidc.claims_of(config, url_for("portal.oidc_callback", _external=True), request.url, pending)
    except oidc.SignInRefused as error:
        current_app.logger.warning("OpenID Connect sign-in refused: %s", error)
        return render_template("portal/oidc_refused.html"), 400
    account = oidc.account_for(claims)
    db.session.commit()
    return _signed_in_response(account)


def _mail_a_link(purpose: str, title: str, sender):
    form = EmailForm()
    status = 200
    if form.validate_on_submit():
        if form.website.data:
            abort(400)
        email = form.email.data.strip().lower()
        reservation = _reserve("LINK", f"portal-{purpose}:{_commune().id}:{email}")
        if not reservation.allowed:
            form.email.errors.append(_too_many(reservation.wait_seconds))
            return render_template("portal/ask_link.html", form=form, title=title), 429
        account = _account_by_email(email)
        # The same answer whether the address has an account or not.
        if account is not None and account.verified:
            sender(account, _commune(), tokens.issue(account, purpose))
            db.session.commit()
        return render_template("portal/check_email.html", email=email)
    elif request.method == "POST":
        status = 400
    return render_template("portal/ask_link.html", form=form, title=title), status


@bp.route("/account/sign-in-link", methods=["GET", "POST"])
def ask_sign_in_link():
    return _mail_a_link("signin", _("Sign in with a link by e-mail"), mails.send_sign_in_link)


@bp.route("/account/forgotten-password", methods=["GET", "POST"])
def forgotten_password():
    return _mail_a_link("reset", _("Forgotten password"), mails.send_reset_link)


@bp.route("/account/sign-in-link/<token>", methods=["GET", "POST"])
def use_sign_in_link(token):
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("portal/use_link.html", form=form, title=_("Sign in"),
                               button=_("Sign in")), 400 if request.method == "POST" else 200
    account = tokens.consume(token, "signin")
    if account is None or not account.verified:
        db.session.rollback()
        return render_template("portal/link_invalid.html"), 404
    db.session.commit()
    return _signed_in_response(account)


@bp.route("/account/new-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    form = NewPasswordForm()
    status = 200
    if form.validate_on_submit():
        account = tokens.consume(token, "reset")
        if account is None or not account.verified:
            db.session.rollback()
            return render_template("portal/link_invalid.html"), 404
        account.password_hash = generate_password_hash(form.password.data, method="scrypt")
        session.end_sessions(account)
        db.session.commit()
        return _signed_in_response(account)
    elif request.method == "POST":
        status = 400
    return render_template("portal/new_password.html", form=form), status


@bp.route("/account/sign-out", methods=["POST"])
def sign_out():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    account = session.current_account()
    if account is not None:
        session.end_sessions(account)
        db.session.commit()
    response = make_response(redirect(url_for("portal.catalogue_page")))
    session.forget(response, _commune())
    return response


# --- mes démarches ---------------------------------------------------------------------

@bp.route("/my-requests/")
@account_required
def my_requests():
    account = session.current_account()
    # A page that does not exist (past the end, not a number) is 404: its links are only ever the page's own.
    raw = request.args.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) <= 6 else 0
    page = tracking.requests_page(account, number) if number >= 1 else None
    if page is None:
        abort(404)
    own = linking.linked_citizen(account)
    return render_template("portal/my_requests.html", page=page, requests=page.requests,
                           page_numbers=tracking.page_numbers(page.number, page.last),
                           own_id=own.id if own is not None else None, state_words=tracking.state_words,
                           local_date=local_date)


def _request_page(found, form, status=200, error=None, tracking_token=None):
    """A request as its citizen sees it; through a tracking link, the page's
    forms post to the link's own routes."""
    reply_url = url_for("portal.track_reply", token=tracking_token) if tracking_token \
        else url_for("portal.reply", request_id=found.id)
    # The plugins' blocks (a survey to answer) are for a signed-in account, not for a tracking link.
    account = None if tracking_token else session.current_account()
    panels = render_panels(current_app.extensions["grc"].portal_request_panels(
        active_plugins(_commune()), found, account, _commune())) if account is not None else []
    return render_template("portal/request.html", req=found, form=form, error=error, reply_url=reply_url,
                           tracking_token=tracking_token, panels=panels,
                           state_words=tracking.state_words(found), history=tracking.history(found),
                           messages=tracking.public_messages(found), local_date=local_date,
                           allowed_files=attachments.ALLOWED_LABEL), status


@bp.route("/my-requests/<id:request_id>")
@account_required
def request_page(request_id):
    found = citizen_request_or_404(request_id, session.current_account())
    return _request_page(found, ReplyForm(formdata=None))


@bp.route("/my-requests/<id:request_id>/reply", methods=["POST"])
@account_required
def reply(request_id):
    account = session.current_account()
    found = citizen_request_or_404(request_id, account)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _request_page(found, form, 400)
    reservation = _reserve("MESSAGE", f"portal-message:{_commune().id}:{account.id}")
    if not reservation.allowed:
        return _request_page(found, form, 429, _too_many(reservation.wait_seconds))
    try:
        filing.reply(found, form.body.data, request.files.getlist("attachments"), account=account)
    except (RequestActionError, attachments.AttachmentError) as error:
        db.session.rollback()
        return _request_page(citizen_request_or_404(request_id, account), form, 400, str(error))
    return redirect(url_for("portal.request_page", request_id=found.id) + "#messages")


# --- without an account: the verification link, then the private tracking link ----------

@bp.route("/filing/confirm/<token>", methods=["GET", "POST"])
def confirm_filing(token):
    # A GET shows a button: mail scanners that open links must not file démarches.
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("portal/use_link.html", form=form, title=_("Confirm your request"),
                               button=_("Send my request to the town hall")), 400 if request.method == "POST" else 200
    confirmed = anonymous.confirm(_commune(), token)
    if confirmed is None:
        return render_template("portal/filing_link_invalid.html"), 404
    if confirmed.request is None:
        messages = [str(message) for values in confirmed.errors.values() for message in values]
        return render_template("portal/filing_refused.html", messages=messages), 409
    return render_template("portal/filed.html", req=confirmed.request,
                           tracking_url=portal_url(_commune(), "portal.track", token=confirmed.tracking_token))


def _tracked(token):
    """``(link, request)`` of a live tracking link of this commune (decided in
    grc_core.security.access), or the clear "not valid" page."""
    found = tracked_request(token)
    if found is None:
        abort(make_response(render_template("portal/tracking_invalid.html"), 404))
    return found


@bp.route("/track/<token>")
def track(token):
    _link, found = _tracked(token)
    return _request_page(found, ReplyForm(formdata=None), tracking_token=token)


@bp.route("/track/<token>/reply", methods=["POST"])
def track_reply(token):
    link, found = _tracked(token)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _request_page(found, form, 400, tracking_token=token)
    reservation = _reserve("MESSAGE", f"portal-message:{_commune().id}:link-{link.id}")
    if not reservation.allowed:
        return _request_page(found, form, 429, _too_many(reservation.wait_seconds), tracking_token=token)
    try:
        filing.reply(found, form.body.data, request.files.getlist("attachments"), tracking_link=link)
    except (RequestActionError, attachments.AttachmentError) as error:
        db.session.rollback()
        return _request_page(_tracked(token)[1], form, 400, str(error), tracking_token=token)
    return redirect(url_for("portal.track", token=token) + "#messages")


@bp.route("/track/<token>/revoke", methods=["POST"])
def track_revoke(token):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    link, _found = _tracked(token)
    tracking_links.revoke(link)
    db.session.commit()
    return render_template("portal/tracking_revoked.html")


# --- notification preferences and unsubscribe (grc_core.portal.preferences) -------------
preferences.register(bp, account_required)
