"""Back-office pages: "Survey settings" (per request type: when the survey
leaves, how long its link answers, what a bad answer does) and
"Satisfaction" (the results per type and per service over a period, the
comments, the export).

Who sees what: ``enquetes.settings`` sets up; ``enquetes.results`` reads
the figures — élus the aggregates only, agents also the comments of the
requests they may read. A confidential (CCAS) type with fewer answers than
its threshold shows no figure anywhere (its answers then count in no
service's row either), so that no person can be recognised."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from grc_core.plugin_api import (
    FIELD_NAME_MAX, FIELD_TYPE_LABELS, IndicatorFilters, LOCAL_TIMEZONE, Request, RequestType, SecureView, Service,
    confidential_permission_of, db, field_editor_blank_row, field_editor_row, field_editor_rows, field_editor_specs,
    local_date, parse_int, readable_definition, readable_requests_conditions, record_audit_event,
    spec_to_dict, spreadsheet_download, utcnow,
)

from . import closing_results, rules, surveys
from .labels import BAD_ACTION_LABELS, RESOLVED_LABELS, SCORE_FACES, SCORE_LABELS, SURVEY_CHANNEL_LABELS
from .models import SurveyInvitation, SurveySetting

ID_MAX = 2_147_483_647
LIST_LIMIT = 500
BLANK_ROWS = 2
QUESTION_TYPE_LABELS = {code: label for code, label in FIELD_TYPE_LABELS.items() if code in rules.QUESTION_TYPES}


def request_type_or_404(type_id) -> RequestType:
    # A query, not session.get: the commune's scope applies to it.
    found = db.session.scalar(select(RequestType).where(RequestType.id == type_id))
    if found is None:
        abort(404)
    return found


def _states(request_type: RequestType, kind: str | None = None) -> list[dict]:
    definition = readable_definition(request_type.workflow.definition if request_type.workflow else {})
    return [s for s in definition.get("states", ()) if kind is None or s.get("kind") == kind]


def _reopenings(request_type: RequestType) -> list[dict]:
    """Transitions leaving a closed state for an open one: what may reopen."""
    definition = readable_definition(request_type.workflow.definition if request_type.workflow else {})
    kinds = {s["code"]: s.get("kind") for s in definition.get("states", ())}
    return [t for t in definition.get("transitions", ())
            if any(kinds.get(s) == "closed" for s in t.get("source") or ()) and kinds.get(t.get("target")) != "closed"]


class SettingsView(SecureView):
    permission = "enquetes.settings"

    @expose("/")
    def index(self):
        types = db.session.scalars(select(RequestType).where(RequestType.active.is_(True))
                                   .order_by(RequestType.label)).all()
        settings = {s.request_type_id: s for s in db.session.scalars(select(SurveySetting))}
        return self.render("enquetes/settings_list.html", types=types, settings=settings,
                           action_labels=BAD_ACTION_LABELS)

    @expose("/<id:type_id>", methods=("GET", "POST"))
    def edit(self, type_id):
        request_type = request_type_or_404(type_id)
        setting = db.session.scalar(select(SurveySetting).where(SurveySetting.request_type_id == request_type.id))
        closing = _states(request_type, "closed")
        reopenings = _reopenings(request_type)
        confidential = bool(confidential_permission_of(request_type))
        current = setting or SurveySetting(enabled=False, trigger_states=[s["code"] for s in closing], delay_hours=24,
                                           valid_days=30, bad_action="none", min_count=5, channel="email",
                                           fields=[])
        unit = "days" if current.delay_hours and current.delay_hours % 24 == 0 else "hours"
        values = {"enabled": bool(current.enabled), "trigger_states": list(current.trigger_states or ()),
                  "delay": str(current.delay_hours // 24 if unit == "days" else current.delay_hours),
                  "delay_unit": unit, "valid_days": str(current.valid_days), "bad_action": current.bad_action,
                  "reopen_transition": current.reopen_transition or "",
                  "confidential_allowed": bool(current.confidential_allowed), "min_count": str(current.min_count),
                  "channel": current.channel or "email"}
        errors = {}
        rows = [field_editor_row(spec) for spec in surveys.questions(current)]
        spec_errors: list[str] = []
        if request.method == "POST":
            form = request.form
            values = {"enabled": form.get("enabled") == "y", "trigger_states": form.getlist("trigger_states"),
                      "delay": form.get("delay", "").strip(), "delay_unit": form.get("delay_unit", ""),
                      "valid_days": form.get("valid_days", "").strip(), "bad_action": form.get("bad_action", ""),
                      "reopen_transition": form.get("reopen_transition", ""),
                      "confidential_allowed": form.get("confidential_allowed") == "y",
                      "min_count": form.get("min_count", "").strip(), "channel": form.get("channel", "email")}
            errors = check(values, {s["code"] for s in closing}, {t["code"] for t in reopenings})
            rows = field_editor_rows(form)
            specs, spec_errors = field_editor_specs(rows)
            spec_errors += question_problems(specs)
            if not errors and not spec_errors:
                if setting is None:
                    setting = SurveySetting(request_type_id=request_type.id)
                    db.session.add(setting)
                delay = int(values["delay"])
                setting.enabled, setting.trigger_states = values["enabled"], values["trigger_states"]
                setting.delay_hours = delay * 24 if values["delay_unit"] == "days" else delay
                setting.valid_days, setting.bad_action = int(values["valid_days"]), values["bad_action"]
                setting.reopen_transition = values["reopen_transition"] if values["bad_action"] == "reopen" else ""
                setting.confidential_allowed = confidential and values["confidential_allowed"]
                setting.min_count, setting.channel = int(values["min_count"]), values["channel"]
                setting.fields = [spec_to_dict(spec) for spec in specs]
                record_audit_event("enquetes.settings", target=request_type.label, commit=False)
                db.session.commit()
                flash(_("Survey settings saved."), "success")
                return redirect(url_for(".index"))
        rows = [row for row in rows if any(str(row[k]).strip() for k in ("name", "label", "choices"))]
        rows += [field_editor_blank_row() for _i in range(BLANK_ROWS)]
        return self.render("enquetes/settings_form.html", request_type=request_type, values=values, errors=errors,
                           closing=closing, reopenings=reopenings, confidential=confidential,
                           action_labels=BAD_ACTION_LABELS, channel_labels=SURVEY_CHANNEL_LABELS, rows=rows,
                           spec_errors=spec_errors, field_types=QUESTION_TYPE_LABELS,
                           name_max=FIELD_NAME_MAX), 400 if errors or spec_errors else 200


def check(values: dict, closing: set[str], reopenings: set[str]) -> dict[str, str]:
    """What is wrong with a type's survey settings, field → message."""
    errors = {}
    if values["enabled"] and not values["trigger_states"]:
        errors["trigger_states"] = _("Choose at least one closing state.")
    elif not set(values["trigger_states"]) <= closing:
        errors["trigger_states"] = _("Choose closing states of this type's workflow.")
    if values["delay_unit"] not in ("hours", "days"):
        errors["delay"] = _("Choose hours or days.")
    elif parse_int(values["delay"], low=0, high=8760 if values["delay_unit"] == "hours" else 365) is None:
        errors["delay"] = _("A whole number from 0 to one year.")
    if parse_int(values["valid_days"], low=1, high=365) is None:
        errors["valid_days"] = _("A whole number of days from 1 to 365.")
    if values["bad_action"] not in rules.BAD_ACTIONS:
        errors["bad_action"] = _("Choose what a bad answer does.")
    elif values["bad_action"] == "reopen" and values["reopen_transition"] not in reopenings:
        errors["reopen_transition"] = _("Choose the workflow's transition that reopens the request.")
    if parse_int(values["min_count"], low=1, high=1000) is None:
        errors["min_count"] = _("A whole number from 1 to 1000.")
    if values["channel"] not in rules.SURVEY_CHANNELS:
        errors["channel"] = _("Choose e-mail, SMS or the portal.")
    return errors


def question_problems(specs) -> list[str]:
    """Why extra questions cannot be asked after the score (the field editor checked the rest)."""
    problems = [_("Question « %(label)s »: a survey cannot ask for « %(type)s ».", label=spec.label,
                  type=FIELD_TYPE_LABELS.get(spec.type, spec.type))
                for spec in specs if spec.type not in rules.QUESTION_TYPES]
    return problems


def _period() -> tuple[date, date]:
    today = local_date(utcnow())
    start, end = request.args.get("from", ""), request.args.get("to", "")
    try:
        start_day = date.fromisoformat(start) if start else today - timedelta(days=364)
        end_day = date.fromisoformat(end) if end else today
    except ValueError:
        start_day, end_day = today - timedelta(days=364), today
    if end_day < start_day:
        start_day, end_day = end_day, start_day
    return start_day, end_day


def _filters() -> dict:
    """The results' filters from the query string (a malformed one is ignored: all)."""
    channel = request.args.get("channel", "")
    return {"type_id": parse_int(request.args.get("type", ""), low=1, high=ID_MAX),
            "service_id": parse_int(request.args.get("service", ""), low=1, high=ID_MAX),
            "channel": channel if channel in rules.SURVEY_CHANNELS else ""}


def _verbatim_filters() -> dict:
    resolved = request.args.get("v_resolved", "")
    return {"score_filter": rules.parse_score(request.args.get("v_score", "")),
            "resolved_filter": resolved if resolved in rules.RESOLVED else "",
            "words": request.args.get("v_words", "")[:100]}


def verbatims(invitations, types) -> list | None:
    """The comments and text answers of the requests the viewer may read,
    narrowed by the verbatim filters; None for an élu (figures only)."""
    membership = g.get("grc_membership")
    if membership is not None and membership.role == "elu":
        return None
    try:
        conditions = readable_requests_conditions(current_user, membership)
    except LookupError:
        return None
    settings = {s.request_type_id: s for s in db.session.scalars(select(SurveySetting))}
    rows = []
    for invitation in invitations:
        texts = [(spec.label, str(invitation.answers[spec.name]))
                 for spec in surveys.questions(settings.get(invitation.request_type_id))
                 if spec.type in rules.TEXT_TYPES and (invitation.answers or {}).get(spec.name)]
        if invitation.comment or texts:
            rows.append((invitation, texts))
    wanted = _verbatim_filters()
    rows = [(i, texts) for i, texts in rows if rules.verbatim_matches(
        i.score, i.resolved, " ".join([i.comment, *(text for _label, text in texts)]), **wanted)]
    ids = [i.request_id for i, _texts in rows]
    readable = set(db.session.scalars(select(Request.id).where(Request.id.in_(ids), *conditions))) if ids else set()
    return sorted(((i.answered_at, i.request.reference, i.score, i.resolved, i.comment, texts)
                   for i, texts in rows if i.request_id in readable), key=lambda row: row[:2], reverse=True)


class ResultsView(SecureView):
    permission = "enquetes.results"

    def _data(self):
        start, end = _period()
        filters = _filters()
        scope = closing_results.surveyed(start, end, **filters)
        shown, types, services = scope.invitations, scope.types, scope.services
        return {"start": start, "end": end, **filters, "verbatim_filters": _verbatim_filters(),
                "total": closing_results.figures(shown),
                "per_type": closing_results.grouped(
                    shown, lambda i: i.request_type_id, lambda tid: types[tid].shown_label if tid in types else "—"),
                "per_service": closing_results.grouped(
                    shown, lambda i: i.service_id, lambda sid: services[sid].name if sid in services
                    else _("No service")),
                "per_channel": closing_results.grouped(shown, lambda i: i.channel,
                                                       lambda code: SURVEY_CHANNEL_LABELS.get(code, code)),
                "per_month": closing_results.grouped(shown, closing_results.month_key, closing_results.month_label,
                                                     by_key=True),
                "questions": closing_results.question_results(scope),
                "hidden": scope.hidden, "types": list(types.values()), "services": list(services.values()),
                "verbatims": verbatims(shown, types)}

    @expose("/")
    def index(self):
        data = self._data()
        return self.render("enquetes/results.html", score_labels=SCORE_LABELS, score_faces=SCORE_FACES,
                           resolved_labels=RESOLVED_LABELS, channel_labels=SURVEY_CHANNEL_LABELS,
                           export_args=request.args.to_dict(), **data)

    @expose("/export.<fmt>")
    def export(self, fmt):
        if fmt not in ("csv", "xlsx"):
            abort(404)
        data = self._data()
        rows = figure_rows([(_("Type"), data["per_type"]), (_("Service"), data["per_service"]),
                            (_("Channel"), data["per_channel"]), (_("Month"), data["per_month"]),
                            (_("All"), [("", data["total"])])])
        if data["questions"]:
            rows += [[], [_("Request type"), _("Question"), _("Answers"), _("Mean"), _("Distribution")]]
            for type_label, spec, result, choices in data["questions"]:
                rows.append([type_label, str(spec.label), result["answered"], result["mean"],
                             ", ".join(f"{choices.get(value, value)}: {count}"
                                       for value, count in result["distribution"])])
        if data["verbatims"]:
            rows.append([])
            rows.append([_("Answered on"), _("Request"), _("Score"), _("Resolved"), _("Comment"), _("Other answers")])
            for at, reference, score, resolved, comment, texts in data["verbatims"]:
                rows.append([at.astimezone(LOCAL_TIMEZONE).strftime("%d/%m/%Y"), reference, score,
                             str(RESOLVED_LABELS[resolved]), comment,
                             " / ".join(f"{label} : {text}" for label, text in texts)])
        record_audit_event("enquetes.export", target=fmt, commit=True)
        return spreadsheet_download(rows, fmt, f"satisfaction-{data['start']}-{data['end']}")


def figure_rows(groups) -> list[list]:
    """The figures' table for an export: a header, then one row per group's item."""
    rows = [[_("Group"), _("Name"), _("Invited"), _("Answers"), _("Response rate (%)"), _("Mean score"),
             *[f"{score}/5" for score in rules.SCORES], _("Resolved (%)"), _("Net satisfaction")]]
    for group, items in groups:
        for name, f in items:
            rows.append([group, name, f["invited"], f["answered"], f["response_rate"], f["mean"],
                         *[f["distribution"][s] for s in rules.SCORES], f["resolved_share"], f["net"]])
    return rows


def drilldown_filters():
    """The dashboard's filters a figure's link repeats (see indicators.drilldown_args); None when malformed."""
    args = request.args
    try:
        start, end = date.fromisoformat(args.get("start", "")), date.fromisoformat(args.get("end", ""))
    except ValueError:
        return None
    services = None
    if args.get("services"):
        services = frozenset(parse_int(part, low=1, high=ID_MAX) for part in args["services"].split(","))
        if None in services:
            return None
    agent = parse_int(args.get("agent", ""), low=1, high=ID_MAX) if args.get("agent") else None
    return IndicatorFilters(start=start, end=end, today=local_date(utcnow()), service_ids=services,
                            request_type=args.get("request_type") or None, channel=args.get("channel") or None,
                            priority=args.get("priority") or None, quartier=args.get("quartier") or None,
                            agent_id=agent)


class SurveyRequestsView(SecureView):
    """A dashboard figure's drill-down: the requests whose closing survey it
    counts, among those the viewer may read (never for élus: aggregates only).
    Whoever sees the figure on a dashboard may open it (the core's back-office
    permission): the rows are narrowed to the requests he may read."""

    permission = "core.backoffice"

    def is_visible(self) -> bool:
        return False  # reached from a dashboard's figure

    @expose("/")
    def index(self):
        from .indicators import FIGURES, counted

        membership = g.get("grc_membership")
        try:
            readable = readable_requests_conditions(current_user, membership)
        except LookupError:
            abort(403)
        if membership is not None and membership.role == "elu":
            abort(403)
        figure, filters = request.args.get("figure", ""), drilldown_filters()
        if figure not in FIGURES or filters is None:
            abort(400)
        where = counted(filters, figure)
        total = db.session.scalar(select(func.count()).select_from(SurveyInvitation).where(*where))
        rows = db.session.execute(
            select(SurveyInvitation, Request).join(Request, Request.id == SurveyInvitation.request_id)
            .where(*where, *readable).order_by(SurveyInvitation.sent_at.desc(), SurveyInvitation.id.desc())
            .limit(LIST_LIMIT)).all()
        shown = db.session.scalar(select(func.count()).select_from(SurveyInvitation)
                                  .join(Request, Request.id == SurveyInvitation.request_id).where(*where, *readable))
        return self.render("enquetes/requests.html", rows=rows, total=total, shown=shown, figure=figure,
                           filters=filters, limit=LIST_LIMIT, score_labels=SCORE_LABELS,
                           resolved_labels=RESOLVED_LABELS)
