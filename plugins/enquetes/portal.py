"""The closing survey on the citizens' portal: a card on the request's page
(hook ``grc_portal_request_panels``) with the same questions as the e-mail's
link — the score, « résolu ? », the comment and the type's extra questions —
answered while signed in, without a token.

``POST /c/<commune>/enquetes/portal/<request id>``: the account must be
allowed to read the request (the core's ``citizen_request_or_404``: its own
or a child's, never a confidential type), else 404; an answer is taken only
for an invitation sent and not expired, once (the first kept). A bad
answer is refused with the message next to its field and nothing stored."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from grc_core.plugin_api import (
    GrcForm, RequestPanel, citizen_request_or_404, db, field_form_data, portal_account, use_commune, utcnow,
)

from . import rules, surveys
from .labels import RESOLVED_LABELS, SCORE_FACES, SCORE_LABELS
from .models import SurveyInvitation
from .public import extra_form

blueprint = Blueprint("enquetes_portal", __name__, url_prefix="/c/<commune_slug>/enquetes/portal")


def open_invitation(request_id: int) -> SurveyInvitation | None:
    """The request's survey the citizen may still answer or complete, or has answered (shown as such)."""
    invitation = db.session.scalar(select(SurveyInvitation).where(
        SurveyInvitation.request_id == request_id, SurveyInvitation.status.in_(("sent", "answered"))))
    if invitation is None or (invitation.status == "sent" and rules.is_expired(invitation.expires_at, utcnow())):
        return None
    return invitation


def card_context(invitation: SurveyInvitation, req, values=None, errors=None, extra=None) -> dict:
    return {"invitation": invitation, "req": req, "values": values or {}, "errors": errors or {},
            "extra": extra if extra is not None else extra_form(invitation), "score_labels": SCORE_LABELS,
            "score_faces": SCORE_FACES, "resolved_labels": RESOLVED_LABELS,
            "action": url_for("enquetes_portal.answer", commune_slug=g.grc_commune.slug, request_id=req.id)}


def panels_for(req, account) -> list[RequestPanel] | None:
    if account is None:
        return None
    invitation = open_invitation(req.id)
    if invitation is None:
        return None
    return [RequestPanel(_l("Your opinion"), "enquetes/portal/card.html", card_context(invitation, req), order=10)]


def problems(invitation: SurveyInvitation, values: dict, extra) -> tuple[dict, dict]:
    """(field → message key, the extra questions' answers) of a portal answer."""
    errors = {}
    if invitation.status == "sent" and rules.parse_score(values["score"]) is None:
        errors["score"] = "score"
    field = rules.answer_problem(values["resolved"], values["comment"])
    if field:
        errors[field] = field
    answers, extra_errors = field_form_data(extra)
    if extra_errors:
        errors["extra"] = "extra"
    return errors, answers


@blueprint.route("/<id:request_id>", methods=("POST",))
def answer(commune_slug, request_id):
    with use_commune(g.grc_commune):
        account = portal_account()
        if account is None:
            return redirect(url_for("portal.sign_in", commune_slug=g.grc_commune.slug,
                                    next=url_for("portal.request_page", commune_slug=g.grc_commune.slug,
                                                 request_id=request_id)))
        req = citizen_request_or_404(request_id, account)
        invitation = open_invitation(req.id)
        page = url_for("portal.request_page", commune_slug=g.grc_commune.slug, request_id=req.id)
        if invitation is None:
            return _page("closed", 404, req=req, back=page)
        if invitation.completed_at is not None:
            return _page("already", 409, req=req, back=page)
        values = {key: request.form.get(key, "").strip() for key in ("score", "resolved", "comment")}
        extra = extra_form(invitation, request.form)
        errors, answers = problems(invitation, values, extra)
        if errors:
            return _page("form", 400, back=page, **card_context(invitation, req, values, errors, extra))
        now = utcnow()
        if invitation.status == "sent":
            surveys.record_score(invitation, rules.parse_score(values["score"]), now)
        surveys.complete(invitation, values["resolved"], values["comment"], now, dict(answers))
        db.session.commit()
        surveys.act_on_bad_answer(invitation, now)
        db.session.commit()
        return redirect(page + "#survey")


def _page(state: str, status: int, **context):
    # The portal's own layout reads the account, the commune and a form for its sign-out button.
    return render_template("enquetes/portal/answer.html", state=state, account=portal_account(),
                           commune=g.grc_commune, confirm_form=GrcForm(), **context), status
