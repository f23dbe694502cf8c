"""A barometer survey's public page: answering from the e-mail's link,
without signing in.

``/c/<commune>/enquetes/b/<token>``: the first page says who asks, why,
whether the answers are anonymous or named and how long they are kept, then
the commune's questions; the answer is recorded once (the first kept). A
forged token, one of another commune, a survey not open yet or closed, or a
used invitation shows a clear page and stores nothing."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from grc_core.plugin_api import build_field_form, db, field_form_data, plugins_active_in, use_commune, utcnow

from . import barometers
from .models import Barometer

blueprint = Blueprint("enquetes_barometer", __name__,
                      url_prefix="/c/<commune_slug>" + barometers.ANSWER_PATH.rstrip("/"))

PROBLEM_STATUS = {"invalid": 404, "other_commune": 404, "not_open": 403, "closed": 410, "already": 409}


def _page(state: str, status: int = 200, **context):
    return render_template("enquetes/public/barometer.html", state=state, commune=g.grc_commune, **context), status


def question_form(barometer: Barometer, formdata=None):
    """The survey's questions as a form (the core's form builder, CSRF on: the page renders it alone)."""
    form_class = build_field_form(barometers.questions(barometer))
    return form_class(formdata=formdata, meta={"csrf": True})


@blueprint.route("/<token>", methods=("GET", "POST"))
def answer(commune_slug, token):
    with use_commune(g.grc_commune):
        if "enquetes" not in plugins_active_in(g.grc_commune):
            return _page("invalid", 404)
        invitation, problem = barometers.invitation_for_token(token, g.grc_commune)
        barometer = db.session.get(Barometer, invitation.barometer_id) if invitation is not None else None
        if problem:
            return _page(problem, PROBLEM_STATUS[problem], barometer=barometer)
        form = question_form(barometer, request.form if request.method == "POST" else None)
        if request.method == "POST":
            data, errors = field_form_data(form)
            if not errors:
                if not barometers.record_answer(invitation, data, "web", utcnow()):
                    db.session.rollback()
                    return _page("already", PROBLEM_STATUS["already"], barometer=barometer)
                db.session.commit()
                return _page("thanks", barometer=barometer)
            return _page("questions", 400, barometer=barometer, form=form, token=token)
        return _page("questions", barometer=barometer, form=form, token=token)
