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
    IndicatorFilters, LOCAL_TIMEZONE, readable_definition, Request, RequestType, SecureView, Service, confidential_permission_of, db, local_date,
    parse_int, period_bounds, readable_requests_conditions, record_audit_event, spreadsheet_download, utcnow,
)

from . import rules
from .labels import BAD_ACTION_LABELS, RESOLVED_LABELS, SCORE_FACES, SCORE_LABELS
from .models import SurveyInvitation, SurveySetting

ID_MAX = 2_147_483_647
LIST_LIMIT = 500


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
                                           valid_days=30, bad_action="none", min_count=5)
        unit = "days" if current.delay_hours and current.delay_hours % 24 == 0 else "hours"
        values = {"enabled": bool(current.enabled), "trigger_states": list(current.trigger_states or ()),
                  "delay": str(current.delay_hours // 24 if unit == "days" else current.delay_hours),
                  "delay_unit": unit, "valid_days": str(current.valid_days), "bad_action": current.bad_action,
                  "reopen_transition": current.reopen_transition or "",
                  "confidential_allowed": bool(current.confidential_allowed), "min_count": str(current.min_count)}
        errors = {}
        if request.method == "POST":
            form = request.form
            values = {"enabled": form.get("enabled") == "y", "trigger_states": form.getlist("trigger_states"),
                      "delay": form.get("delay", "").strip(), "delay_unit": form.get("delay_unit", ""),
                      "valid_days": form.get("valid_days", "").strip(), "bad_action": form.get("bad_action", ""),
                      "reopen_transition": form.get("reopen_transition", ""),
                      "confidential_allowed": form.get("confidential_allowed") == "y",
                      "min_count": form.get("min_count", "").strip()}
            errors = check(values, {s["code"] for s in closing}, {t["code"] for t in reopenings})
            if not errors:
                if setting is None:
                    setting = SurveySetting(request_type_id=request_type.id)
                    db.session.add(setting)
                delay = int(values["delay"])
                setting.enabled, setting.trigger_states = values["enabled"], values["trigger_states"]
                setting.delay_hours = delay * 24 if values["delay_unit"] == "days" else delay
                setting.valid_days, setting.bad_action = int(values["valid_days"]), values["bad_action"]
                setting.reopen_transition = values["reopen_transition"] if values["bad_action"] == "reopen" else ""
                setting.confidential_allowed = confidential and values["confidential_allowed"]
                setting.min_count = int(values["min_count"])
                record_audit_event("enquetes.settings", target=request_type.label, commit=False)
                db.session.commit()
                flash(_("Survey settings saved."), "success")
                return redirect(url_for(".index"))
        return self.render("enquetes/settings_form.html", request_type=request_type, values=values, errors=errors,
                           closing=closing, reopenings=reopenings, confidential=confidential,
                           action_labels=BAD_ACTION_LABELS)


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
    return errors


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


class ResultsView(SecureView):
    permission = "enquetes.results"

    def _data(self):
        start, end = _period()
        low, high = period_bounds(start, end)
        type_id = parse_int(request.args.get("type", ""), low=1, high=ID_MAX)
        service_id = parse_int(request.args.get("service", ""), low=1, high=ID_MAX)
        query = select(SurveyInvitation).where(SurveyInvitation.status.in_(("sent", "answered")),
                                               SurveyInvitation.sent_at >= low, SurveyInvitation.sent_at < high)
        if type_id:
            query = query.where(SurveyInvitation.request_type_id == type_id)
        if service_id:
            query = query.where(SurveyInvitation.service_id == service_id)
        invitations = db.session.scalars(query).all()
        types = {t.id: t for t in db.session.scalars(select(RequestType).order_by(RequestType.label))}
        services = {s.id: s for s in db.session.scalars(select(Service).order_by(Service.name))}
        thresholds = dict(db.session.execute(select(SurveySetting.request_type_id, SurveySetting.min_count)).all())
        by_type: dict[int, list] = {}
        for invitation in invitations:
            by_type.setdefault(invitation.request_type_id, []).append(invitation)
        hidden = set()
        for tid, rows in by_type.items():
            request_type = types.get(tid)
            answered = sum(1 for r in rows if r.score is not None)
            if request_type is not None and confidential_permission_of(request_type) \
                    and answered < thresholds.get(tid, 5):
                hidden.add(tid)
        shown = [i for i in invitations if i.request_type_id not in hidden]
        per_type = [(types[tid].shown_label if tid in types else "—", _figures(rows))
                    for tid, rows in by_type.items() if tid not in hidden]
        by_service: dict[int | None, list] = {}
        for invitation in shown:
            by_service.setdefault(invitation.service_id, []).append(invitation)
        per_service = [(services[sid].name if sid in services else _("No service"), _figures(rows))
                       for sid, rows in by_service.items()]
        hidden_labels = sorted(types[tid].shown_label for tid in hidden if tid in types)
        return {"start": start, "end": end, "type_id": type_id, "service_id": service_id,
                "total": _figures(shown), "per_type": sorted(per_type, key=lambda row: row[0]),
                "per_service": sorted(per_service, key=lambda row: str(row[0])),
                "hidden": hidden_labels, "types": list(types.values()), "services": list(services.values()),
                "verbatims": self._verbatims([i for i in shown if i.comment])}

    def _verbatims(self, rows) -> list | None:
        """The comments of the requests the viewer may read; None for an élu."""
        membership = g.get("grc_membership")
        if membership is not None and membership.role == "elu":
            return None
        try:
            conditions = readable_requests_conditions(current_user, membership)
        except LookupError:
            return None
        ids = [r.request_id for r in rows]
        readable = set(db.session.scalars(select(Request.id).where(Request.id.in_(ids), *conditions))) if ids else set()
        return sorted(((r.answered_at, r.request.reference, r.score, r.resolved, r.comment) for r in rows
                       if r.request_id in readable), reverse=True)

    @expose("/")
    def index(self):
        data = self._data()
        return self.render("enquetes/results.html", score_labels=SCORE_LABELS, score_faces=SCORE_FACES,
                           resolved_labels=RESOLVED_LABELS, export_args=request.args.to_dict(), **data)

    @expose("/export.<fmt>")
    def export(self, fmt):
        if fmt not in ("csv", "xlsx"):
            abort(404)
        data = self._data()
        header = [_("Group"), _("Name"), _("Invited"), _("Answers"), _("Response rate (%)"), _("Mean score"),
                  *[f"{score}/5" for score in rules.SCORES], _("Resolved (%)"), _("Net satisfaction")]
        rows = [header]
        for group, items in ((_("Type"), data["per_type"]), (_("Service"), data["per_service"]),
                             (_("All"), [("", data["total"])])):
            for name, f in items:
                rows.append([group, name, f["invited"], f["answered"], f["response_rate"], f["mean"],
                             *[f["distribution"][s] for s in rules.SCORES], f["resolved_share"], f["net"]])
        if data["verbatims"]:
            rows.append([])
            rows.append([_("Answered on"), _("Request"), _("Score"), _("Resolved"), _("Comment")])
            for at, reference, score, resolved, comment in data["verbatims"]:
                rows.append([at.astimezone(LOCAL_TIMEZONE).strftime("%d/%m/%Y"), reference, score,
                             str(RESOLVED_LABELS[resolved]), comment])
        record_audit_event("enquetes.export", target=fmt, commit=True)
        return spreadsheet_download(rows, fmt, f"satisfaction-{data['start']}-{data['end']}")


def _figures(invitations) -> dict:
    answered = [i for i in invitations if i.score is not None]
    return rules.summary(len(invitations), [i.score for i in answered], [i.resolved for i in answered])


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
