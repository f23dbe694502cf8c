"""The agents' pages for requests: the queue (filters, saved views, bulk
actions, exports), the request page, file downloads, and the front desk's
quick intake.

Every check is made here, server-side: élus have no queue (403), a request
of another commune or of a disabled domain is 404, an agent's queue, bulk
actions and exports hold only what :mod:`grc_core.requests.queue` lets him
see, and the workflow engine decides who may apply which transition.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import cache

from babel import dates as babel_dates

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_date, format_decimal, get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from .. import spreadsheet
from ..extensions import db
from ..models import (
    Attachment, Citizen, Contact, ExportFile, Message, Request, RequestEvent, RequestType, SavedView, Service, User,
)
from ..models.request import REQUEST_CHANNELS
from ..plugins.panels import render_panels
from ..requests import confidentiality, export, export_jobs, queue, unread
from ..requests.intake import recent_same_request, type_by_label, types_by_domain
from ..requests.presentation import deadline, ordered_actions, status_kind
from ..requests.attachments import ALLOWED_LABEL, AttachmentError, download_response
from ..requests.labels import CHANNEL_LABELS, EVENT_LABELS, PRIORITY_LABELS, STATUS_LABELS
from ..requests.service import (
    FILES_ERROR, RequestActionError, StaleRequest, add_attachments, add_message, assign, assignable_agent_names,
    create_request, validate_submission,
)
from ..security.access import attachment_or_404, citizen_or_404, export_file_or_404, may_read_request, request_or_404
from ..security.ids import parse_id, parse_int
from ..replica import replica_reads
from ..routing.engine import ROUTED_BECAUSE
from ..storage import storage
from ..tenancy.activation import active_plugins, is_active
from ..tenancy.resolver import current_commune
from ..copied_labels import type_labels
from ..workflows.definition import localized, shown, state_label
from ..workflows.diagram import diagram_svg, transition_rows
from .base import SecureView

REQUESTS = _l("Requests")
DEFAULT_CHANNEL = "guichet"
CITIZEN_PAGE_ENDPOINT = "core_citizens.details"
CITIZEN_SEARCH_ENDPOINT = "core_citizens.search_json"


def _membership():
    return g.get("grc_membership")


class RequestsArea(SecureView):
    """Back-office pages of requests: every non-élu member of the commune."""

    def is_accessible(self) -> bool:
        return super().is_accessible() and queue.may_use_queue(current_user, _membership())


# --- helpers shared by the pages -------------------------------------------------------

def status_of(req: Request) -> str:
    return state_label(req.workflow.definition if req.workflow else None, req.state)


def _display_value(spec, value) -> str:
    if value is None or value == "" or value == []:
        return ""
    if spec is None:
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    choices = {str(code): str(label) for code, label in spec.choices}
    if spec.type == "boolean":
        return _("Yes") if value else _("No")
    if spec.type == "multichoice":
        return ", ".join(choices.get(str(item), str(item)) for item in value)
    if spec.type == "choice":
        return choices.get(str(value), str(value))
    if spec.type == "date":
        try:
            return format_date(date.fromisoformat(value), "short")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _transition_input(name: str, spec: dict) -> tuple[str, str]:
    """(label, input type) of a field a transition asks for: a field of the
    form keeps its label and type; one only a transition asks for reads as
    words, and a ``date_*`` one gets a date picker."""
    kind = spec.get("type") or ("date" if name.startswith("date") else "text")
    return spec.get("label") or name.replace("_", " ").capitalize(), "date" if kind == "date" else "text"


def form_data_rows(req: Request) -> list[tuple[str, str]]:
    """(label, value) of the request's form data; fields since removed from the type keep their name.

    Keys named ``<plugin>_…`` by the type's plugin are its own bookkeeping
    (legal dates its timers read): its request panel shows them, in words.
    """
    from ..forms.specs import fields_of

    specs = fields_of(req.request_type)
    data = dict(req.data or {})
    rows = [(str(spec.label), _display_value(spec, data.pop(spec.name, None))) for spec in specs]
    internal = f"{req.request_type.plugin}_" if req.request_type.plugin else None
    rows += [(name.replace("_", " ").capitalize(), _display_value(None, value)) for name, value in sorted(data.items())
             if not (internal and name.startswith(internal))]
    return [(label, value) for label, value in rows if value]


#: What a line of the request page's history shows (``actor_name``: None for the system).
HISTORY_COLUMNS = (RequestEvent.id, RequestEvent.kind, RequestEvent.at, RequestEvent.details, RequestEvent.from_state,
                   RequestEvent.to_state, User.full_name.label("actor_name"))


@cache
def _request_page_statements():
    """The request page's history, messages and files queries, built once (a
    bound ``request_id``): building them and their cache keys on every page
    took ~0.2 ms."""
    return (
        select(*HISTORY_COLUMNS).outerjoin(User, User.id == RequestEvent.actor_id)
        .where(RequestEvent.request_id == bindparam("request_id")).order_by(RequestEvent.id),
        select(Message).where(Message.request_id == bindparam("request_id")).order_by(Message.at, Message.id)
        .options(joinedload(Message.author)),
        select(Attachment).where(Attachment.request_id == bindparam("request_id"))
        .order_by(Attachment.at, Attachment.id),
    )


def state_words(definition: dict | None) -> dict[str, str]:
    """{code: label} of a :func:`localized` definition's states: what
    :func:`state_label` answers for each, looked up once per page."""
    return {state["code"]: state.get("label") or state["code"] for state in (definition or {}).get("states", ())}


def describe_event(event: RequestEvent, names: dict[int, str], definition: dict | None, *,
                   request_type: RequestType | None = None, states: dict[str, str] | None = None) -> str:
    """One line of history, as plain text (escaped by the template). ``event``:
    a RequestEvent or a row of :data:`HISTORY_COLUMNS`, then with its request's
    type; ``states``: :func:`state_words` of ``definition`` when the caller has them."""
    details = event.details or {}
    if event.kind == "created":
        channel = details.get("channel")
        return _("Channel: %(channel)s", channel=CHANNEL_LABELS.get(channel, channel or "—"))
    if event.kind in ("transition", "timer") and event.to_state:
        def label(code):
            return states.get(code, code) if states is not None else state_label(definition, code)
        text = f"{label(event.from_state or '')} → {label(event.to_state)}"
        if details.get("by_citizen"):
            text = _("%(change)s (the citizen answered)", change=text)
        return f"{text} — {details['comment']}" if details.get("comment") else text
    if event.kind == "assigned":
        if details.get("assignee_id") is None:
            return _("Unassigned")
        return _("Assigned to %(name)s", name=names.get(details["assignee_id"], "?"))
    if event.kind == "message":
        return _("Message to the citizen") if details.get("public") else _("Internal note")
    if event.kind == "attachment":
        return details.get("filename", "")
    if event.kind == "notification":
        return details.get("subject", "")
    if event.kind == "tracking_revoked":
        return _("by the citizen") if details.get("by_citizen") else ""
    if event.kind == "routed" and details.get("source") in ROUTED_BECAUSE and "reason_args" in details:
        words = dict(details["reason_args"])
        if details["source"] == "default":
            words["type"] = (request_type or event.request.request_type).shown_label
        return str(ROUTED_BECAUSE[details["source"]]) % words
    if details.get("reason"):
        return str(details["reason"])
    return "; ".join(f"{key}: {value}" for key, value in sorted(details.items()))


def _live_tracking_links(req: Request) -> int:
    # Imported here: the portal's package imports this module.
    from ..portal import tracking_links

    return tracking_links.live_count(req)


def _user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _version_field() -> int | None:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return None


def bulk_transitions(rows: list[Request]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The bulk actions' transitions, grouped by workflow: those of the
    listed requests' workflows that this agent may apply (a transition only
    a timer takes names no role nor permission, so it never appears).
    Values are ``<workflow id>:<code>``: the same code in two workflows is
    two choices. The server checks each request again when applying."""
    from ..workflows.engine import may_apply

    workflows = {row.workflow.id: row.workflow for row in rows if row.workflow is not None}
    commune, membership = current_commune(), _membership()
    groups = []
    for workflow in sorted(workflows.values(), key=lambda w: w.label):
        offered = [(f"{workflow.id}:{t['code']}", shown(t) or t["code"])
                   for t in workflow.definition.get("transitions", ())
                   if may_apply(t, current_user, membership, commune)]
        if offered:
            groups.append((workflow.shown_label, sorted(offered, key=lambda item: item[1])))
    return groups


def bulk_transition_choice(value: str) -> tuple[int | None, str]:
    """(workflow id, code) of a bulk action's choice; a bare code (older
    saved forms, scripts) applies in whichever workflow has it."""
    workflow, _sep, code = value.rpartition(":")
    return (parse_id(workflow) if workflow else None), code


def workflow_steps(definition: dict | None, current: str, visited: set[str]) -> list[tuple[str, str]]:
    """(label, "current" | "done" | "") of the workflow's states, for the
    stepper: the closed states other than the current one are outcomes, not
    steps, and are left out. ``visited``: the states the history entered
    (every request started in the state of kind new)."""
    steps = []
    for state in (definition or {}).get("states", ()):
        label = str(state.get("label") or state["code"])
        if state["code"] == current:
            steps.append((label, "current"))
        elif state.get("kind") != "closed":
            done = state["code"] in visited or state.get("kind") == "new"
            steps.append((label, "done" if done else ""))
    return steps


class ShortDates:
    """``datetimeformat('short')`` and ``dateformat('short')`` of Flask-Babel,
    with the user's locale and time zone looked up once per page rather than
    once per date: the queue shows a hundred of them, a request's history dozens."""

    def __init__(self):
        self.locale, self.timezone = get_locale(), get_timezone()
        # Babel's "short" patterns, looked up once: format_datetime finds them
        # in the locale's data again for each date (27 µs a date, 8 µs so).
        self._date_pattern = babel_dates.get_date_format("short", self.locale)
        self._time_pattern = babel_dates.get_time_format("short", self.locale)
        self._date_and_time = babel_dates.get_datetime_format("short", self.locale).replace("'", "")
        self._days: dict[date, str] = {}

    def local(self, moment: datetime) -> datetime:
        # Naive values (SQLite) are UTC, as Flask-Babel assumes.
        return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(self.timezone)

    def datetime(self, moment: datetime) -> str:
        """What ``babel.dates.format_datetime(…, "short")`` writes."""
        local = self.local(moment)
        day = local.date()
        time_words = self._time_pattern.apply(local.timetz(), self.locale, reference_date=day)
        return self._date_and_time.replace("{0}", time_words).replace("{1}", self._day(day))

    def date(self, moment: datetime) -> str:
        return self._day(self.local(moment).date())

    def _day(self, day: date) -> str:
        # A history or a queue shows several dates of one day: each day written once.
        if day not in self._days:
            self._days[day] = self._date_pattern.apply(day, self.locale)
        return self._days[day]

    def today(self) -> date:
        return datetime.now(self.timezone).date()


class RowLook:
    """A request's status and deadline as the lists show them (kind, colour,
    words), the user's "today" read once per page."""

    def __init__(self, dates: ShortDates):
        self.dates, self._today = dates, dates.today()
        # A page of fifty rows has a few workflows' states and a few due days:
        # each label and each deadline's words are written once.
        self._statuses: dict[tuple, str] = {}
        self._deadlines: dict[tuple, object] = {}

    def kind(self, req: Request) -> str:
        return status_kind(req.state_kind, req.state)

    def badge(self, req: Request) -> str:
        return f"grc-kind grc-kind-{self.kind(req)}"

    def status(self, req: Request) -> str:
        """:func:`status_of` the request."""
        key = (req.workflow_id, req.state)
        if key not in self._statuses:
            self._statuses[key] = status_of(req)
        return self._statuses[key]

    def deadline(self, req: Request):
        due = self.dates.local(req.due_at).date() if req.due_at else None
        key = (due, req.state_kind == "closed")
        if key not in self._deadlines:
            self._deadlines[key] = deadline(due, self._today, closed=key[1], locale=self.dates.locale)
        return self._deadlines[key]


def _translated(labels: dict) -> dict[str, str]:
    return {code: str(label) for code, label in labels.items()}


def citizen_url(citizen: Citizen | None) -> str | None:
    """The citizen's 360° page (grc_core.admin.citizens_admin)."""
    if citizen is None or CITIZEN_PAGE_ENDPOINT not in current_app.view_functions:
        return None
    return url_for(CITIZEN_PAGE_ENDPOINT, citizen_id=citizen.id)


# --- the queue ------------------------------------------------------------------------

class RequestsView(RequestsArea):
    """Queue, request page, bulk actions, exports, downloads."""

    def _filters(self, source=None) -> queue.QueueFilters:
        return queue.QueueFilters.from_args(source if source is not None else request.args)

    def _filter_choices(self) -> dict:
        return {
            "statuses": _translated(STATUS_LABELS),
            # (id, label) rows only: the option lists are rendered on every page.
            "types": type_labels(RequestType.id.in_(queue.usable_types())),
            "services": list(db.session.execute(select(Service.id, Service.name).order_by(Service.name))),
            "channels": _translated(CHANNEL_LABELS),
            "priorities": _translated(PRIORITY_LABELS),
            "agents": assignable_agent_names(),
        }

    def _scopes(self, filters: queue.QueueFilters) -> list[tuple[str, str, bool]]:
        """(label, url, current) of the one-click scopes: my requests, my
        service (each of them), everything this agent may read."""
        membership = _membership()
        mine = queue.QueueFilters(assignee="me")
        scopes = [(_("My requests"), url_for(".index", **mine.to_args()), filters == mine)]
        services = sorted(membership.services, key=lambda s: s.name) if membership is not None else []
        for service in services:
            wanted = queue.QueueFilters(service=service.id)
            label = _("My service") if len(services) == 1 else service.name
            scopes.append((label, url_for(".index", **wanted.to_args()), filters == wanted))
        scopes.append((_("All"), url_for(".index"), filters.is_empty()))
        return scopes

    @expose("/")
    @replica_reads
    def index(self):
        filters = self._filters()
        dates = ShortDates()
        page = queue.queue_page(filters, user=current_user, membership=_membership(),
                                page=parse_int(request.args.get("page"), low=1, high=queue.COUNT_CAP, default=1))
        citizen = db.session.get(Citizen, filters.citizen) if filters.citizen else None
        saved = list(db.session.scalars(
            select(SavedView).where(SavedView.user_id == current_user.id).order_by(SavedView.name)))
        return self.render(
            "grc/requests/queue.html", filters=filters, args=filters.to_args(), page=page, citizen=citizen,
            saved_views=saved, transitions=bulk_transitions(page.rows),
            # Translated once for the page, not once per row (each lazy label is a catalog lookup).
            channel_labels=_translated(CHANNEL_LABELS), priority_labels=_translated(PRIORITY_LABELS),
            select_row=_("Select %(reference)s"),
            count_cap=format_decimal(page.cap),
            dates=dates, look=RowLook(dates), scopes=self._scopes(filters), unread=unread.with_unread(page.rows),
            **self._filter_choices(),
        )

    # --- saved views

    @expose("/views", methods=["POST"])
    def save_view(self):
        name = (request.form.get("name") or "").strip()[:100]
        filters = queue.filters_from_query(request.form.get("filters", ""))
        if not name:
            flash(_("Give the view a name."), "error")
            return redirect(url_for(".index", **filters.to_args()))
        existing = db.session.scalar(
            select(SavedView).where(SavedView.user_id == current_user.id, SavedView.name == name))
        if existing is None:
            existing = SavedView(user_id=current_user.id, name=name, query="")
            db.session.add(existing)
        existing.query = queue.saved_query(filters)[:1000]
        db.session.commit()
        flash(_("View « %(name)s » saved.", name=name), "success")
        return redirect(url_for(".index", **filters.to_args()))

    @expose("/views/<id:view_id>/delete", methods=["POST"])
    def delete_view(self, view_id):
        view = db.session.scalar(
            select(SavedView).where(SavedView.id == view_id, SavedView.user_id == current_user.id))
        if view is None:
            abort(404)
        db.session.delete(view)
        db.session.commit()
        flash(_("View « %(name)s » deleted.", name=view.name), "success")
        return redirect(url_for(".index"))

    # --- exports

    @expose("/export.<fmt>")
    @replica_reads
    def export(self, fmt):
        if fmt not in spreadsheet.FORMATS:
            abort(404)
        filters = self._filters()
        statement = queue.queue_select(filters, user=current_user, membership=_membership())
        if queue.capped_count(statement, export.MAX_ROWS) > export.MAX_ROWS:
            flash(_("More than %(max)d requests match: narrow the filters to export them.",
                    max=export.MAX_ROWS), "error")
            return redirect(url_for(".index", **filters.to_args()))
        if export_jobs.needs_job(statement):
            exported = export_jobs.start(filters, fmt, current_user)
            if exported.status == "ready":  # no queue: written at once
                flash(_("More than %(count)d requests match: the file is ready below.",
                        count=export_jobs.job_threshold()), "info")
            else:
                flash(_("More than %(count)d requests match: the file is being prepared. It will be listed below, "
                        "ready to download, in a few minutes.", count=export_jobs.job_threshold()), "info")
            return redirect(url_for(".exports"))
        rows = export.export_rows(statement)
        confidentiality.audit_export(rows, fmt)
        return spreadsheet.download(export.table(rows), fmt, f"demandes-{date.today().isoformat()}", _("Requests"))

    @expose("/exports")
    def exports(self):
        """The member's exports written by a job: waiting, ready to download, or failed."""
        files = db.session.scalars(select(ExportFile).where(ExportFile.user_id == current_user.id)
                                   .order_by(ExportFile.id.desc()).limit(50)).all()
        return self.render("grc/requests/exports.html", files=files, filename=export_jobs.filename,
                           days=current_app.config["GRC"].get("EXPORT_FILE_DAYS"), dates=ShortDates())

    @expose("/exports/<id:export_id>")
    def export_download(self, export_id):
        exported = export_file_or_404(export_id)
        return spreadsheet.stored_download(storage().chunks(exported.storage_key), exported.fmt,
                                           export_jobs.filename(exported), exported.size)

    # --- bulk actions

    @expose("/bulk", methods=["POST"])
    def bulk(self):
        from ..workflows.engine import TransitionError, apply_transition

        filters = queue.filters_from_query(request.form.get("filters", ""))
        action = request.form.get("action", "")
        ids = [parse_id(i) for i in request.form.getlist("ids") if parse_id(i) is not None]
        if not ids or action not in ("assign", "transition", "message"):
            flash(_("Tick at least one request and choose an action."), "error")
            return redirect(url_for(".index", **filters.to_args()))
        results = []
        for request_id in ids:
            req = queue.visible_request(request_id, user=current_user, membership=_membership())
            if req is None or not is_active(req.request_type.plugin, g.grc_commune):
                results.append((str(request_id), False, _("not found")))
                continue
            confidentiality.audit_read(req, view="bulk", action_code=action)
            reference = req.reference
            try:
                if action == "assign":
                    assign(req, request.form.get("assignee") or None, actor=current_user)
                elif action == "transition":
                    workflow_id, code = bulk_transition_choice(request.form.get("transition", ""))
                    if workflow_id is not None and req.workflow_id != workflow_id:
                        raise TransitionError(_("This action belongs to another workflow."))
                    apply_transition(req, code, actor=current_user,
                                     membership=_membership(), comment=request.form.get("comment", ""))
                else:
                    add_message(req, request.form.get("body", ""), public=bool(request.form.get("public")),
                                actor=current_user)
            except (TransitionError, RequestActionError, StaleRequest) as error:
                db.session.rollback()
                results.append((reference, False, str(error)))
            else:
                results.append((reference, True, ""))
        return self.render("grc/requests/bulk_result.html", results=results, args=filters.to_args())

    # --- one request

    def _render_request(self, req: Request, message_body: str = "", status: int = 200, failed: dict | None = None):
        """``failed``: the refused transition's ``code``, ``field_errors``
        and posted ``form``, to show the agent's input again with each
        message next to its field."""
        from ..forms.specs import fields_of
        from ..workflows import transition_fields
        from ..workflows.engine import offered_transitions

        history_statement, messages_statement, files_statement = _request_page_statements()
        # Plain rows, not objects: the page only reads them (a history of 30 events
        # loaded as RequestEvent and User objects was a tenth of the page's time).
        events = db.session.execute(history_statement, {"request_id": req.id}).all()
        messages = list(db.session.scalars(messages_statement, {"request_id": req.id}))
        files = list(db.session.scalars(files_statement, {"request_id": req.id}))
        agents = assignable_agent_names()
        # An assignment's agent is most often still one of the commune's: read only the others' names.
        names = dict(agents)
        names.update(_user_names((e.details or {}).get("assignee_id") for e in events
                                 if e.kind == "assigned" and (e.details or {}).get("assignee_id") not in names))
        definition = localized(req.workflow.definition) if req.workflow else None
        states = state_words(definition)
        # Each kind's label translated once, not at each line (as the template showed the lazy string: unescaped).
        kinds = {event.kind for event in events}
        kind_labels = {kind: Markup(label.__html__()) for kind, label in EVENT_LABELS.items() if kind in kinds}
        history = [(event, kind_labels[event.kind] if event.kind in kind_labels
                    else (event.details or {}).get("label") or event.kind,
                    describe_event(event, names, definition, request_type=req.request_type, states=states))
                   for event in events]
        offered = localized({"transitions": offered_transitions(req, current_user, _membership())})["transitions"]
        specs = {spec.name: spec for spec in fields_of(req.request_type)}
        failed = failed or {}
        field_errors = failed.get("field_errors") or {}

        def spec_of(name: str) -> dict:
            # Only the few fields a transition asks for: their labels translated, not the whole form's.
            spec = specs.get(name)
            return {"label": str(spec.label), "type": spec.type} if spec is not None else {}

        def inputs(transition_list, prefix=""):
            names = dict.fromkeys(name for t in transition_list for name in t.get("required_fields") or ())
            return [(name, *_transition_input(name, spec_of(name)), prefix + name) for name in names]

        # Transitions asking for fields of their own get a form each; the others share one.
        transitions = [t for t in offered if not t.get("fields")]
        own_forms = []
        for transition in offered:
            if not transition.get("fields"):
                continue
            mine = failed.get("code") == transition["code"]
            prefix = transition_fields.input_prefix(transition)
            form = transition_fields.build(transition, failed["form"] if mine else None, prefix=prefix)
            if mine:
                for name, errors in field_errors.items():
                    if prefix + name in form:
                        form[prefix + name].errors = list(errors)
            own_forms.append({"transition": transition, "form": form, "prefix": prefix,
                              "required_fields": inputs([transition], prefix),
                              "comment": failed["form"].get("comment", "") if mine else ""})
        state_kinds = {s["code"]: s.get("kind", "open") for s in (definition or {}).get("states", ())}
        visited = {event.to_state for event in events if event.to_state}
        dates = ShortDates()
        new_messages = unread.unread_message_ids(req, messages)
        page = self.render(
            "grc/requests/detail.html", req=req, new_messages=new_messages, status=status_of(req), data_rows=form_data_rows(req),
            transitions=transitions, actions=ordered_actions(transitions, state_kinds),
            commented=[t["label"] for t in transitions if t.get("comment_required")],
            steps=workflow_steps(definition, req.state, visited), look=RowLook(dates), dates=dates,
            diagram=diagram_svg(definition, current=req.state, title=_("Workflow « %(name)s »",
                                                                        name=req.workflow.shown_label))
            if req.workflow else None,
            diagram_rows=transition_rows(definition),
            required_fields=inputs(transitions, "field_"), own_forms=own_forms,
            field_errors=field_errors, failed_code=failed.get("code"), messages=messages,
            attachments=files, history=history, agents=agents, citizen_url=citizen_url(req.citizen),
            channel_labels=CHANNEL_LABELS, priority_labels=PRIORITY_LABELS, message_body=message_body,
            allowed_files=ALLOWED_LABEL, tracking_links=_live_tracking_links(req),
            panels=render_panels(current_app.extensions["grc"].request_panels(
                active_plugins(current_commune()), req, current_user, current_commune())),
        )
        # Shown to an agent of the request (request_or_404 let him in): read from now on.
        unread.mark_read(req, new_messages)
        return page, status

    @expose("/<id:request_id>/")
    def details(self, request_id):
        return self._render_request(request_or_404(request_id))

    @expose("/<id:request_id>/transition", methods=["POST"])
    def transition(self, request_id):
        from ..workflows.engine import TransitionError, apply_transition

        from ..workflows import transition_fields
        from ..workflows.definition import transition as find_transition

        req = request_or_404(request_id, act=True)
        code = request.form.get("transition", "")
        definition = find_transition(req.workflow.definition, code) if req.workflow else None
        prefix = transition_fields.input_prefix(definition) if definition and definition.get("fields") else "field_"
        fields = {key[len(prefix):]: value.strip() for key, value in request.form.items()
                  if key.startswith(prefix) and value.strip()}
        if definition and definition.get("fields"):
            fields.update(transition_fields.posted_values(definition, request.form))
        try:
            apply_transition(req, code, actor=current_user, membership=_membership(),
                             comment=request.form.get("comment", ""), fields=fields,
                             expected_version=_version_field())
        except TransitionError as error:
            db.session.rollback()
            if str(error):
                flash(str(error), "error")
            failed = {"code": code, "field_errors": error.field_errors, "form": request.form}
            return self._render_request(request_or_404(request_id), status=409, failed=failed)
        flash(_("Status of %(reference)s: %(status)s.", reference=req.reference, status=status_of(req)), "success")
        return redirect(url_for(".details", request_id=request_id))

    @expose("/<id:request_id>/message", methods=["POST"])
    def message(self, request_id):
        req = request_or_404(request_id, act=True)
        body = request.form.get("body", "")
        try:
            add_message(req, body, public=request.form.get("visibility") == "public", actor=current_user,
                        expected_version=_version_field())
        except (RequestActionError, StaleRequest) as error:
            db.session.rollback()
            flash(str(error), "error")
            return self._render_request(request_or_404(request_id), message_body=body, status=409)
        flash(_("Message saved."), "success")
        return redirect(url_for(".details", request_id=request_id))

    @expose("/<id:request_id>/assign", methods=["POST"])
    def assign(self, request_id):
        req = request_or_404(request_id, act=True)
        try:
            assign(req, request.form.get("assignee") or None, actor=current_user,
                   expected_version=_version_field())
        except (RequestActionError, StaleRequest) as error:
            db.session.rollback()
            flash(str(error), "error")
            return self._render_request(request_or_404(request_id), status=409)
        flash(_("Assignment saved."), "success")
        return redirect(url_for(".details", request_id=request_id))

    @expose("/<id:request_id>/attachments", methods=["POST"])
    def upload(self, request_id):
        req = request_or_404(request_id, act=True)
        try:
            add_attachments(req, request.files.getlist("files"), actor=current_user,
                            expected_version=_version_field())
        except (AttachmentError, RequestActionError, StaleRequest) as error:
            db.session.rollback()
            flash(str(error), "error")
            return self._render_request(request_or_404(request_id), status=400)
        flash(_("File attached."), "success")
        return redirect(url_for(".details", request_id=request_id))

    @expose("/<id:request_id>/tracking-links/revoke", methods=["POST"])
    def revoke_tracking_links(self, request_id):
        from ..portal import tracking_links

        req = request_or_404(request_id, act=True)
        revoked = tracking_links.revoke_all(req, current_user)
        db.session.commit()
        flash(ngettext("%(num)d tracking link revoked.", "%(num)d tracking links revoked.", revoked), "success")
        return redirect(url_for(".details", request_id=request_id))

    @expose("/attachments/<id:attachment_id>")
    def download(self, attachment_id):
        return download_response(attachment_or_404(attachment_id))


# --- quick intake ----------------------------------------------------------------------

def show_next_to_fields(data_form, errors: dict) -> None:
    """Validate the type's form so each field carries its own message, plus
    those found beyond the form (a file field's content check)."""
    from ..forms.builder import spec_fields

    data_form.validate()
    for spec, field in spec_fields(data_form):
        extra = [message for message in errors.get(spec.name, ()) if message not in field.errors]
        if extra:
            field.errors = [*field.errors, *extra]


CITIZEN_PREFIX = "citizen-"


def new_citizen_form(formdata):
    """The citizens' own form (same checks as the citizen pages), inside the intake page."""
    from ..citizens.forms import CitizenForm

    if formdata is not None and not any(key.startswith(CITIZEN_PREFIX) for key in formdata):
        formdata = None  # nothing typed yet: the form's own defaults
    # The page's CSRF token is checked by CSRFProtect for the whole POST.
    return CitizenForm(formdata=formdata, prefix="citizen", meta={"csrf": False})


class IntakeView(RequestsArea):
    """Find or create the citizen and file the request, on one screen."""

    def _channel(self, source) -> str:
        channel = source.get("channel") or DEFAULT_CHANNEL
        return channel if channel in REQUEST_CHANNELS else DEFAULT_CHANNEL

    def _contact(self, source) -> Contact | None:
        if not source.get("contact"):
            return None
        contact_id = parse_id(source.get("contact"))
        contact = None if contact_id is None else db.session.scalar(select(Contact).where(Contact.id == contact_id))
        if contact is None:
            abort(404)
        return contact

    def _citizen(self, source) -> Citizen | None:
        if not source.get("citizen"):
            return None
        # The citizen read rule (a person known only through CCAS files is absent).
        citizen = citizen_or_404(source.get("citizen"), live=False)
        # A merged record sends the agent to the kept one.
        return citizen_or_404(citizen.merged_into_id) if citizen.merged_into_id else citizen

    def _type(self, source, channel) -> RequestType | None:
        from ..forms.specs import active_request_types, usable_request_type

        # The type-ahead box (always shown empty) says what the agent just typed;
        # without JavaScript it comes with the list's older choice.
        label = (source.get("type_label") or "").strip()
        typed = type_by_label(active_request_types(channel), label) if label else None
        if typed is not None:
            return typed
        type_id = source.get("type")
        return usable_request_type(type_id, channel) if type_id else None

    def _page(self, *, source, citizen, contact, channel, request_type, data_form=None, citizen_form=None,
              errors=None, duplicates=(), earlier=None, status=200):
        from ..citizens import search_citizens
        from ..forms.specs import active_request_types
        from ..forms.validation import build_form

        query = (request.args.get("q") or "").strip()
        if data_form is None and request_type is not None:
            data_form = build_form(request_type, formdata=None)

        return self.render(
            "grc/intake/intake.html", query=query, results=search_citizens(query) if query and not citizen else [],
            citizen=citizen, contact=contact, channel=channel, channels=CHANNEL_LABELS,
            type_groups=types_by_domain(active_request_types(channel)), request_type=request_type,
            data_form=data_form, citizen_form=citizen_form or new_citizen_form(None), errors=errors or {},
            duplicates=duplicates, earlier=earlier, may_read_earlier=earlier is not None and may_read_request(earlier),
            priorities=PRIORITY_LABELS, source=source, files_error_key=FILES_ERROR, allowed_files=ALLOWED_LABEL,
            search_url=self._search_url(),
        ), status

    def _search_url(self) -> str | None:
        if CITIZEN_SEARCH_ENDPOINT not in current_app.view_functions:
            return None
        return url_for(CITIZEN_SEARCH_ENDPOINT)

    @expose("/", methods=["GET"])
    def index(self):
        source = request.args
        contact = self._contact(source)
        citizen = self._citizen(source)
        if citizen is None and contact is not None and contact.citizen_id:
            citizen = db.session.get(Citizen, contact.citizen_id)
        channel = self._channel(MultiDict({"channel": source.get("channel") or (
            contact.channel if contact is not None else DEFAULT_CHANNEL)}))
        # What was typed before the page reloaded for a type or a channel (the
        # script, or the no-JavaScript button, sends the whole form): kept.
        return self._page(source=source, citizen=citizen, contact=contact, channel=channel,
                          request_type=self._type(source, channel),
                          citizen_form=None if citizen else new_citizen_form(source))[0]

    @expose("/", methods=["POST"])
    def submit(self):
        from ..citizens import find_duplicates
        from ..forms.validation import build_form

        source = request.form
        contact = self._contact(source)
        citizen = self._citizen(source)
        channel = self._channel(source)
        errors: dict[str, list[str]] = {}
        duplicates = []
        new_citizen = citizen is None and not source.get("anonymous")
        # Built when a new citizen is filed, else only to show the page again.
        citizen_form = new_citizen_form(source) if new_citizen else None
        if new_citizen:
            if not citizen_form.validate():
                errors["citizen"] = [_("Choose a citizen, or fill in the new citizen's details.")]
            elif not citizen_form.create_anyway.data:
                duplicates = find_duplicates(citizen_form.first_name.data, citizen_form.last_name.data,
                                             citizen_form.birth_date.data, citizen_form.email.data or "",
                                             citizen_form.phone.data or "")
                if duplicates:
                    errors["citizen"] = [_("This citizen may already exist: choose the record below, or tick "
                                           "« create anyway ».")]
        formdata = CombinedMultiDict((request.files, source))
        typed = self._type(source, channel)
        submission = validate_submission(
            request_type=typed if typed is not None else source.get("type"), channel=channel, formdata=formdata,
            priority=source.get("priority") or None, files=request.files.getlist("files"))
        request_type, _data, _checked, submission_errors = submission
        errors.update(submission_errors)

        def form_with_messages():
            # Built only to show the page again: a valid filing never needs it.
            data_form = build_form(request_type, formdata=formdata) if request_type is not None else None
            if data_form is not None:
                show_next_to_fields(data_form, errors)
            return data_form

        earlier = None
        if not errors and citizen is not None and not source.get("confirm_duplicate"):
            # The same type for the same citizen a few minutes ago: the back
            # button or a second tab, most of the time. Nothing is stored until confirmed.
            earlier = recent_same_request(citizen_id=citizen.id, request_type_id=request_type.id, user=current_user)
            if earlier is not None:
                errors["duplicate"] = [_("A request of this type was filed for this citizen a few minutes ago. "
                                         "Tick the box below to file a second one.")]
        if errors:
            data_form = form_with_messages()
            return self._page(source=source, citizen=citizen, contact=contact, channel=channel,
                              request_type=request_type, data_form=data_form,
                              citizen_form=citizen_form if citizen_form is not None else new_citizen_form(source),
                              errors=errors, duplicates=duplicates, earlier=earlier, status=400)
        if new_citizen:
            citizen = Citizen()
            citizen_form.apply_to(citizen)
            db.session.add(citizen)
        created, errors = create_request(
            request_type=request_type, citizen=citizen, channel=channel, formdata=formdata, actor=current_user,
            priority=source.get("priority") or None, subject=source.get("subject", ""),
            location=source.get("location", ""), files=request.files.getlist("files"), contact=contact,
            submission=submission,
        )
        if created is None:
            db.session.rollback()
            return self._page(source=source, citizen=None if new_citizen else citizen, contact=contact,
                              channel=channel, request_type=request_type, data_form=form_with_messages(),
                              citizen_form=citizen_form if citizen_form is not None else new_citizen_form(source),
                              errors=errors, status=400)
        # The id from the identity key: reading created.id would reload the committed row.
        return redirect(url_for(".done", request_id=sa_inspect(created).identity[0]))

    @expose("/done/<id:request_id>")
    def done(self, request_id):
        filed = db.session.scalar(select(Request).where(Request.id == request_id))
        if filed is not None and not may_read_request(filed):
            # The front desk files a request for a service it may not read (a CCAS file,
            # another service's): its reference, nothing more, and only to the agent who filed it.
            filer = db.session.scalar(select(RequestEvent.actor_id).where(
                RequestEvent.request_id == filed.id, RequestEvent.kind == "created"))
            if filer != current_user.id:
                abort(404)
            if confidentiality.may_read(filed):
                flash(_("Request %(reference)s filed. The service in charge will handle it.",
                        reference=filed.reference), "success")
            else:
                flash(_("Request %(reference)s filed. It is confidential: only authorised agents read it.",
                        reference=filed.reference), "success")
            return redirect(url_for(".index"))
        req = request_or_404(request_id)
        return self.render("grc/intake/done.html", req=req, status=status_of(req))


def views() -> list:
    return [
        IntakeView(name=_l("Quick intake"), endpoint="core_intake", url="/admin/intake"),
        RequestsView(name=REQUESTS, endpoint="core_requests", url="/admin/requests"),
    ]

