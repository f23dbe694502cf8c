"""Back-office pages of barometer surveys.

"Barometers" (``enquetes.barometers``): write a survey — title, why, anonymous
or named, how long answers are kept, open and close dates, the segment asked
— and its questions with the core's field editor (the request types' one);
send it (once); type a paper or phone answer with the invitation's code.

"Barometer results" (``enquetes.results``): response rate, mean and
distribution per question, per quartier and age band when a group has at
least the commune's threshold of answers, the text answers (not for élus),
CSV/XLSX through the core's writer."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from grc_core.plugin_api import (
    FIELD_NAME_MAX, FIELD_TYPE_LABELS, GrcForm, SecureView, Segment, SegmentContext, db, display_field_value,
    field_editor_blank_row, field_editor_row, field_editor_rows, field_editor_specs, field_form_data, local_date,
    record_audit_event, spec_to_dict, spreadsheet_download, utcnow,
)

from . import barometers, rules
from .barometer_public import question_form
from .labels import AGE_BAND_LABELS, ANSWER_CHANNEL_LABELS
from .models import Barometer, BarometerAnswer, BarometerInvitation

BLANK_ROWS = 2
THRESHOLD_SETTING = "enquetes.seuil_resultats"
QUESTION_TYPE_LABELS = {code: label for code, label in FIELD_TYPE_LABELS.items() if code in rules.QUESTION_TYPES}


def barometer_or_404(barometer_id) -> Barometer:
    # A query, not session.get: the commune's scope applies to it.
    found = db.session.scalar(select(Barometer).where(Barometer.id == barometer_id))
    if found is None:
        abort(404)
    return found


def threshold_of(commune) -> int:
    """The commune's fewest answers for a group to be shown (default 5)."""
    try:
        return max(int((commune.settings or {}).get(THRESHOLD_SETTING, rules.DEFAULT_THRESHOLD)), 1)
    except (TypeError, ValueError):
        return rules.DEFAULT_THRESHOLD


class BarometerForm(GrcForm):
    title = StringField(_l("Title"), [DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Why the town hall asks"), [DataRequired(), Length(max=2000)],
                            description=_l("Shown on the survey's first page and in the e-mail."))
    anonymous = BooleanField(_l("Anonymous answers (not linked to the person)"), default=True)
    retention_months = IntegerField(_l("Answers kept (months after the close date)"),
                                    [DataRequired(), NumberRange(min=1, max=120)], default=12)
    opens_on = DateField(_l("Opens on"), [DataRequired()])
    closes_on = DateField(_l("Closes on"), [DataRequired()])
    segment_id = SelectField(_l("People asked (segment)"), coerce=int,
                             validators=[DataRequired(message=_l("Choose the segment of the people to ask."))])

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_("The survey closes after it opens."))


def question_problems(specs) -> list[str]:
    problems = [_("Question « %(label)s »: a survey cannot ask for « %(type)s ».", label=spec.label,
                  type=FIELD_TYPE_LABELS.get(spec.type, spec.type))
                for spec in specs if spec.type not in rules.QUESTION_TYPES]
    if not specs:
        problems.append(_("Write at least one question."))
    return problems


class BarometerView(SecureView):
    permission = "enquetes.barometers"

    @expose("/")
    def index(self):
        rows = db.session.scalars(select(Barometer).order_by(Barometer.opens_on.desc(), Barometer.id.desc())).all()
        answers = dict(db.session.execute(select(BarometerAnswer.barometer_id, func.count(BarometerAnswer.id))
                                          .group_by(BarometerAnswer.barometer_id)).all())
        return self.render("enquetes/barometers.html", rows=rows, answers=answers)

    def _segments(self):
        return [(s.id, s.name) for s in db.session.scalars(select(Segment).order_by(Segment.name))]

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        today = local_date(utcnow())
        return self._edit(Barometer(anonymous=True, retention_months=12, fields=[], opens_on=today,
                                    closes_on=today + timedelta(days=30), status="draft"), is_new=True)

    @expose("/<id:barometer_id>", methods=("GET", "POST"))
    def edit(self, barometer_id):
        barometer = barometer_or_404(barometer_id)
        if barometer.status != "draft" and request.method == "POST":
            flash(_("This survey was sent: its questions no longer change."), "danger")
            return redirect(url_for(".edit", barometer_id=barometer.id))
        return self._edit(barometer, is_new=False)

    def _edit(self, barometer: Barometer, is_new: bool):
        form = BarometerForm(obj=None if is_new and request.method == "POST" else barometer)
        form.segment_id.choices = [(0, _("— choose —"))] + self._segments()
        if request.method == "POST":
            rows = field_editor_rows(request.form)
            specs, spec_errors = field_editor_specs(rows)
            spec_errors += question_problems(specs)
        else:
            rows = [field_editor_row(spec) for spec in barometers.questions(barometer)]
            specs, spec_errors = [], []
        if request.method == "POST" and form.validate_on_submit() and not spec_errors:
            if form.segment_id.data not in dict(self._segments()):
                form.segment_id.errors = [_("Choose the segment of the people to ask.")]
            else:
                form.populate_obj(barometer)
                barometer.title, barometer.purpose = barometer.title.strip(), barometer.purpose.strip()
                barometer.fields = [spec_to_dict(spec) for spec in specs]
                if is_new:
                    barometer.author_id = current_user.id
                    db.session.add(barometer)
                db.session.flush()
                record_audit_event("enquetes.barometer_saved", target=barometer.title, commit=False)
                db.session.commit()
                flash(_("Survey « %(title)s » saved.", title=barometer.title), "success")
                return redirect(url_for(".edit", barometer_id=barometer.id))
        rows = [row for row in rows if any(str(row[k]).strip() for k in ("name", "label", "choices"))]
        if barometer.status == "draft":
            rows += [field_editor_blank_row() for _i in range(BLANK_ROWS)]
        status = 400 if request.method == "POST" else 200
        return self.render("enquetes/barometer_edit.html", form=form, barometer=barometer, is_new=is_new,
                           rows=rows, spec_errors=spec_errors, field_types=QUESTION_TYPE_LABELS,
                           name_max=FIELD_NAME_MAX, questions=barometers.questions(barometer)), status

    @expose("/<id:barometer_id>/send", methods=("POST",))
    def send(self, barometer_id):
        barometer = barometer_or_404(barometer_id)
        now = utcnow()
        context = SegmentContext(g.grc_commune.id, local_date(now), current_user, g.get("grc_membership"))
        try:
            outcomes = barometers.send(barometer, g.grc_commune, context, request.host_url, now)
        except barometers.SendRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "danger")
            return redirect(url_for(".edit", barometer_id=barometer.id))
        record_audit_event("enquetes.barometer_sent", target=barometer.title, details=outcomes, commit=False)
        db.session.commit()
        excluded = outcomes["no_consent"] + outcomes["refused"] + outcomes["no_address"]
        flash(_("Survey sent to %(sent)d people; %(excluded)d not asked (no consent to surveys, or no e-mail "
                "address).", sent=outcomes["sent"], excluded=excluded), "success")
        return redirect(url_for(".edit", barometer_id=barometer.id))

    @expose("/<id:barometer_id>/paper", methods=("GET", "POST"))
    def paper(self, barometer_id):
        """An answer received on paper or by phone, typed by an agent with the invitation's code."""
        barometer = barometer_or_404(barometer_id)
        if barometer.status != "sent":
            abort(404)
        form = question_form(barometer, request.form if request.method == "POST" else None)
        values = {"code": request.form.get("code", "").strip().upper(), "channel": request.form.get("channel", "")}
        errors = {}
        if request.method == "POST":
            data, field_errors = field_form_data(form)
            invitation = db.session.scalar(select(BarometerInvitation).where(
                BarometerInvitation.barometer_id == barometer.id, BarometerInvitation.code == values["code"],
                BarometerInvitation.status == "sent")) if values["code"] else None
            if values["channel"] not in ("paper", "phone"):
                errors["channel"] = _("Choose paper or phone.")
            if invitation is None:
                errors["code"] = _("No invitation of this survey has this code.")
            elif invitation.used:
                errors["code"] = _("This invitation was already answered: the first answer is kept.")
            if not errors and not field_errors:
                if barometers.record_answer(invitation, data, values["channel"], utcnow(), current_user.id):
                    record_audit_event("enquetes.barometer_paper", target=barometer.title,
                                       details={"channel": values["channel"]}, commit=False)
                    db.session.commit()
                    flash(_("Answer recorded (%(channel)s).", channel=ANSWER_CHANNEL_LABELS[values["channel"]]),
                          "success")
                    return redirect(url_for(".paper", barometer_id=barometer.id))
                db.session.rollback()
                errors["code"] = _("This invitation was already answered: the first answer is kept.")
        status = 400 if request.method == "POST" else 200
        return self.render("enquetes/barometer_paper.html", barometer=barometer, form=form, values=values,
                           errors=errors, channels={k: ANSWER_CHANNEL_LABELS[k] for k in ("paper", "phone")}), status


def results_of(barometer: Barometer, threshold: int, with_verbatims: bool) -> dict:
    """The survey's figures (see the module's docstring)."""
    invited = db.session.execute(select(BarometerInvitation.quartier, BarometerInvitation.age_band).where(
        BarometerInvitation.barometer_id == barometer.id, BarometerInvitation.status == "sent")).all()
    answers = db.session.execute(select(BarometerAnswer.channel, BarometerAnswer.quartier, BarometerAnswer.age_band,
                                        BarometerAnswer.data).where(BarometerAnswer.barometer_id == barometer.id)
                                 .order_by(BarometerAnswer.id)).all()
    specs = barometers.questions(barometer)

    def per_question(rows):
        return [(spec, rules.question_result(spec.type, spec.choices, [(row.data or {}).get(spec.name)
                                                                      for row in rows])) for spec in specs]

    def grouped(index):
        counts: dict[str, int] = {}
        for row in invited:
            counts[row[index]] = counts.get(row[index], 0) + 1
        by_key: dict[str, list] = {}
        for row in answers:
            by_key.setdefault(row[index + 1], []).append(row)
        shown, hidden = rules.groups(counts, by_key, threshold)
        return [(key, n, len(rows), rules.response_rate(n, len(rows)), per_question(rows)) for key, n, rows in shown], \
            hidden

    questions = per_question(answers)
    if not with_verbatims:
        for _spec, result in questions:
            result["verbatims"] = []
    quartiers, quartiers_hidden = grouped(0)
    bands, bands_hidden = grouped(1)
    channels = {code: sum(1 for row in answers if row.channel == code) for code in rules.ANSWER_CHANNELS}
    return {"invited": len(invited), "answered": len(answers),
            "response_rate": rules.response_rate(len(invited), len(answers)), "channels": channels,
            "questions": questions, "quartiers": quartiers, "quartiers_hidden": quartiers_hidden,
            "bands": bands, "bands_hidden": bands_hidden, "threshold": threshold, "with_verbatims": with_verbatims}


def choice_label(spec, key: str) -> str:
    if spec.type == "boolean":
        return display_field_value(spec, key == "yes")
    return display_field_value(spec, key) if spec.type == "choice" or spec.type == "multichoice" else key


class BarometerResultsView(SecureView):
    permission = "enquetes.results"

    def _may_read_texts(self) -> bool:
        # Élus read aggregates: a text answer may name someone.
        membership = g.get("grc_membership")
        return membership is None or membership.role != "elu"

    @expose("/")
    def index(self):
        rows = db.session.scalars(select(Barometer).where(Barometer.status == "sent")
                                  .order_by(Barometer.opens_on.desc(), Barometer.id.desc())).all()
        return self.render("enquetes/barometer_results_list.html", rows=rows)

    @expose("/<id:barometer_id>")
    def show(self, barometer_id):
        barometer = barometer_or_404(barometer_id)
        data = results_of(barometer, threshold_of(g.grc_commune), self._may_read_texts())
        return self.render("enquetes/barometer_results.html", barometer=barometer, choice_label=choice_label,
                           band_labels=AGE_BAND_LABELS, channel_labels=ANSWER_CHANNEL_LABELS, **data)

    @expose("/<id:barometer_id>/export.<any(csv, xlsx):fmt>")
    def export(self, barometer_id, fmt):
        barometer = barometer_or_404(barometer_id)
        if fmt not in ("csv", "xlsx"):
            abort(404)
        data = results_of(barometer, threshold_of(g.grc_commune), self._may_read_texts())
        rows = [[_("Group"), _("Question"), _("Answer"), _("Count"), _("Mean")],
                [_("All"), _("Invited"), "", data["invited"], ""],
                [_("All"), _("Answers"), "", data["answered"], ""],
                [_("All"), _("Response rate (%)"), "", data["response_rate"], ""]]
        rows += [[_("All"), _("Channel"), str(ANSWER_CHANNEL_LABELS[code]), count, ""]
                 for code, count in data["channels"].items()]

        def question_rows(group, questions):
            out = []
            for spec, result in questions:
                out.append([group, spec.label, "", result["answered"], result["mean"]])
                out += [[group, spec.label, choice_label(spec, key), count, ""] for key, count in result["distribution"]]
            return out

        rows += question_rows(_("All"), data["questions"])
        for key, invited, answered, rate, questions in data["quartiers"]:
            rows += question_rows(_("Quartier: %(name)s", name=key or _("not known")), questions)
        for key, invited, answered, rate, questions in data["bands"]:
            rows += question_rows(_("Age: %(band)s", band=AGE_BAND_LABELS.get(key, key)), questions)
        if data["with_verbatims"]:
            for spec, result in data["questions"]:
                rows += [[_("Text answer"), spec.label, text, "", ""] for text in result["verbatims"]]
        record_audit_event("enquetes.barometer_export", target=barometer.title, details={"format": fmt}, commit=True)
        return spreadsheet_download(rows, fmt, f"barometre-{barometer.id}-{local_date(utcnow()).isoformat()}")
