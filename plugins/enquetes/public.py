"""The survey's public pages: answering from the e-mail, without signing in.

``/c/<commune>/enquetes/r/<token>/<score>``: each score of the e-mail is a
link; the first click records it (one answer per request, the first kept),
then the page asks « le problème est-il résolu ? » and an optional comment
(``POST /c/<commune>/enquetes/r/<token>``, once). The signed token names the
commune and the invitation: a forged one, one of another commune, an
expired or already used one shows a clear page and stores nothing."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from grc_core.plugin_api import db, plugins_active_in, use_commune, utcnow

from . import rules, surveys
from .labels import RESOLVED_LABELS, SCORE_FACES, SCORE_LABELS
from .models import SurveyInvitation

blueprint = Blueprint("enquetes_public", __name__, url_prefix="/c/<commune_slug>" + surveys.ANSWER_PATH.rstrip("/"))


def _page(state: str, status: int = 200, invitation: SurveyInvitation | None = None, **context):
    return render_template("enquetes/public/answer.html", state=state, invitation=invitation, commune=g.grc_commune,
                           score_labels=SCORE_LABELS, score_faces=SCORE_FACES, resolved_labels=RESOLVED_LABELS,
                           **context), status


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
                return _page("follow_up", invitation=invitation, token=token, errors={}, values={}, already=True)
            return _page("already", invitation=invitation, token=token)
        value = rules.parse_score(score)
        if value is None:
            return _page("bad_score", 400, invitation=invitation, token=token)
        now = utcnow()
        surveys.record_score(invitation, value, now)
        db.session.commit()
        surveys.act_on_bad_answer(invitation, now)
        db.session.commit()
        return _page("follow_up", invitation=invitation, token=token, errors={}, values={})


@blueprint.route("/<token>", methods=("POST",))
def answer_more(commune_slug, token):
    with use_commune(g.grc_commune):
        invitation, problem = _invitation(token)
        if problem:
            return _page(problem, 404 if problem != "expired" else 410)
        if invitation.status != "answered" or invitation.completed_at is not None:
            return _page("already", invitation=invitation, token=token)
        values = {"resolved": request.form.get("resolved", "").strip(),
                  "comment": request.form.get("comment", "").strip()}
        field = rules.answer_problem(values["resolved"], values["comment"])
        if field:
            return _page("follow_up", 400, invitation=invitation, token=token, values=values,
                         errors={field: field})
        now = utcnow()
        surveys.complete(invitation, values["resolved"], values["comment"], now)
        db.session.commit()
        surveys.act_on_bad_answer(invitation, now)
        db.session.commit()
        return _page("thanks", invitation=invitation)
