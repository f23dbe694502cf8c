"""The survey's public pages: answering from the e-mail, without signing in.

``/c/<commune>/enquetes/r/<token>/<score>``: each score of the e-mail is a
link; the first click records it (one answer per request, the first kept),
then the page asks « le problème est-il résolu ? » and an optional comment
and the commune's extra questions (``POST /c/<commune>/enquetes/r/<token>``,
once). ``GET /c/<commune>/enquetes/r/<token>`` lists the scores as links:
the SMS carries only that one link. The signed token names the
commune and the invitation: a forged one, one of another commune, an
expired or already used one shows a clear page and stores nothing."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from grc_core.plugin_api import build_field_form, db, field_form_data, plugins_active_in, use_commune, utcnow

from . import rules, surveys
from .labels import RESOLVED_LABELS, SCORE_FACES, SCORE_LABELS
from .models import SurveyInvitation

blueprint = Blueprint("enquetes_public", __name__, url_prefix="/c/<commune_slug>" + surveys.ANSWER_PATH.rstrip("/"))


def _page(state: str, status: int = 200, invitation: SurveyInvitation | None = None, **context):
    return render_template("enquetes/public/answer.html", state=state, invitation=invitation, commune=g.grc_commune,
                           score_labels=SCORE_LABELS, score_faces=SCORE_FACES, resolved_labels=RESOLVED_LABELS,
                           **context), status


def extra_form(invitation: SurveyInvitation, formdata=None):
    """The type's extra questions (the core's form builder); the page's own
    form carries the CSRF token, so this one has none."""
    specs = surveys.questions(surveys.setting_for(invitation.request_type_id))
    return build_field_form(specs)(formdata=formdata, meta={"csrf": False})


def _invitation(token: str) -> tuple[SurveyInvitation | None, str]:
    """The invitation the token names in this commune, or why there is none."""
    commune = g.grc_commune
    if "enquetes" not in plugins_active_in(commune):
        return None, "invalid"
    found = surveys.invitation_of(token)
    if found is None:
        return None, "invalid"
    commune_id, invitation_id = found
    if commune_id != commune.id:
        return None, "other_commune"
    invitation = db.session.get(SurveyInvitation, invitation_id)
    if invitation is None or invitation.commune_id != commune.id or invitation.status not in ("sent", "answered"):
        return None, "invalid"
    if invitation.status == "sent" and rules.is_expired(invitation.expires_at, utcnow()):
        return None, "expired"
    return invitation, ""


@blueprint.route("/<token>/<score>")
def answer_score(commune_slug, token, score):
    with use_commune(g.grc_commune):
        invitation, problem = _invitation(token)
        if problem:
            return _page(problem, 404 if problem != "expired" else 410)
        if invitation.status == "answered":
            # The first score is kept; the follow-up stays open until given (a reload, another click).
            if invitation.completed_at is None:
                return _page("follow_up", invitation=invitation, token=token, errors={}, values={}, already=True,
                             extra=extra_form(invitation))
            return _page("already", invitation=invitation, token=token)
        value = rules.parse_score(score)
        if value is None:
            return _page("bad_score", 400, invitation=invitation, token=token)
        now = utcnow()
        surveys.record_score(invitation, value, now)
        db.session.commit()
        surveys.act_on_bad_answer(invitation, now)
        db.session.commit()
        return _page("follow_up", invitation=invitation, token=token, errors={}, values={},
                     extra=extra_form(invitation))


@blueprint.route("/<token>", methods=("GET", "POST"))
def answer_more(commune_slug, token):
    with use_commune(g.grc_commune):
        invitation, problem = _invitation(token)
        if problem:
            return _page(problem, 404 if problem != "expired" else 410)
        if request.method == "GET":
            # The SMS's link: the scores to choose from, or where the answer stands.
            if invitation.status == "sent":
                return _page("choose", invitation=invitation, token=token)
            if invitation.completed_at is None:
                return _page("follow_up", invitation=invitation, token=token, errors={}, values={}, already=True,
                             extra=extra_form(invitation))
            return _page("already", invitation=invitation, token=token)
        if invitation.status != "answered" or invitation.completed_at is not None:
            return _page("already", invitation=invitation, token=token)
        values = {"resolved": request.form.get("resolved", "").strip(),
                  "comment": request.form.get("comment", "").strip()}
        extra = extra_form(invitation, request.form)
        answers, extra_errors = field_form_data(extra)
        field = rules.answer_problem(values["resolved"], values["comment"])
        if field or extra_errors:
            return _page("follow_up", 400, invitation=invitation, token=token, values=values,
                         errors={field: field} if field else {}, extra=extra)
        now = utcnow()
        surveys.complete(invitation, values["resolved"], values["comment"], now, dict(answers))
        db.session.commit()
        surveys.act_on_bad_answer(invitation, now)
        db.session.commit()
        return _page("thanks", invitation=invitation)
