"""Back office of workflows: the commune admin edits the commune's own copies.

The editor is a plain HTML form (one row per state, transition and timer)
parsed here on the server. A save is all or nothing: the edited definition
must pass :func:`grc_core.workflows.validation.validate`, and no state that
requests in flight are in may disappear; otherwise the page comes back with
the reasons and nothing is stored. "Add a state / transition / timer"
re-displays the form with one more empty row, storing nothing either.

Also here: the commune's e-mail templates, and the outbox (to see and retry
e-mails that could not be delivered).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, or_, select, update
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..audit import record
from ..extensions import db
from ..models import NotificationTemplate, OutboxMessage, Request, RequestType, Workflow, utcnow
from ..notifications import PLACEHOLDERS, placeholders_in
from ..notifications.templates import DIGEST_PLACEHOLDERS, placeholders_for
from ..plugin_api.types import ESCALATIONS, ROLES, STATE_KINDS, TIMER_ACTIONS
from ..security.permissions import ROLE_LABELS
from ..tenancy.activation import active_plugins
from ..workflows.definition import ANCHORS, fingerprint, from_decl, localized, shown, timer_settings
from ..workflows.compare import compare
from ..workflows.diagram import diagram_svg, transition_rows
from ..workflows.validation import validate
from .base import SecureModelView, SecureView

ADMINISTRATION = _l("Administration")
NEW_CODE = re.compile(r"^[a-z][a-z0-9_]{0,59}$")

STATE_KIND_LABELS = {
    "new": _l("New (requests start here)"),
    "open": _l("In progress"),
    "waiting": _l("Waiting (citizen or third party)"),
    "closed": _l("Closed"),
}
ANCHOR_LABELS = {
    "entered_state": _l("entering the state"),
    "created": _l("reception of the request"),
}
TIMER_ACTION_LABELS = {
    "transition": _l("take the transition"),
    "escalate": _l("alert the service's manager"),
}
ESCALATION_LABELS = {
    "notify": _l("e-mail the manager"),
    "assign": _l("assign the request to the manager"),
}


def _registry():
    return current_app.extensions["grc"]


def _workflow_or_404(workflow_id: int) -> Workflow:
    # Scoped query: another commune's workflow does not exist here.
    workflow = db.session.scalar(select(Workflow).where(Workflow.id == workflow_id))
    if workflow is None:
        abort(404)
    return workflow


def in_flight_by_state(workflow: Workflow) -> dict[str, int]:
    """Requests not closed, per state of ``workflow``."""
    rows = db.session.execute(
        select(Request.state, func.count()).where(Request.workflow_id == workflow.id, Request.state_kind != "closed")
        .group_by(Request.state)
    )
    return {state: count for state, count in rows}


def template_definition(workflow: Workflow) -> dict | None:
    """The plugin's current template of this copy; None for the commune's own
    workflows and when the plugin is not active."""
    if not workflow.template:
        return None
    decl = next((d for d in _registry().workflows(active_plugins(g.grc_commune)) if d.code == workflow.template),
                None)
    return from_decl(decl) if decl is not None else None


def template_changed(workflow: Workflow) -> bool:
    """Has the plugin's template changed since this copy was made?"""
    template = template_definition(workflow)
    return template is not None and fingerprint(template) != workflow.template_version


DIFF_PARTS = {"states": _l("States"), "transitions": _l("Transitions"), "timers": _l("Timers")}
DIFF_STATUS = {
    "added": _l("Only in the template"), "removed": _l("Only in your copy"), "changed": _l("Different"),
}
DIFF_ATTRIBUTES = {
    "label": _l("Label"), "kind": _l("Kind"), "visible": _l("Visible to the citizen"),
    "source": _l("Possible from"), "target": _l("Leads to"), "roles": _l("Who may take it"),
    "permission": _l("…or whoever holds the permission"), "comment_required": _l("A comment is required"),
    "notify_citizen": _l("Notify the citizen by e-mail"), "set_due_days": _l("New deadline (working days)"),
    "resume": _l("Taken when the citizen answers"),
    "required_fields": _l("Fields that must be filled in"), "state": _l("While in state"),
    "transition": _l("Take the transition"), "delay_days": _l("and (days)"), "delay_months": _l("After (months)"),
    "anchor": _l("Counted from"), "delay_hours": _l("and (hours)"), "action": _l("Then"),
    "escalate": _l("Escalation"), "condition": _l("Only when"), "fields": _l("Fields asked by the transition"),
}


def _diff_text(name: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list) and name == "fields":
        return ", ".join(str(spec.get("label") or spec.get("name")) for spec in value) or _("(none)")
    if isinstance(value, list):
        labels = [str(ROLE_LABELS.get(v, v)) if name == "roles" else str(ESCALATION_LABELS.get(v, v))
                  if name == "escalate" else str(v) for v in value]
        return ", ".join(labels) or _("(none)")
    if name == "kind":
        return str(STATE_KIND_LABELS.get(value, value))
    if name == "anchor":
        return str(ANCHOR_LABELS.get(value, value))
    if name == "action":
        return str(TIMER_ACTION_LABELS.get(value, value))
    if name == "condition":
        return _("%(field)s is %(values)s", field=value.get("field"), values=" / ".join(value.get("values") or ()))
    return str(value)


def template_differences(workflow: Workflow) -> list[dict]:
    """What differs between the saved copy and the plugin's template, ready to
    show side by side: ``[{title, rows: [{code, status, status_label, ours, theirs}]}]``,
    ``ours`` (the copy) and ``theirs`` (the template) being lists of "Attribute: value" lines."""
    template = template_definition(workflow)
    if template is None:
        return []
    sections = []
    for part, differences in compare(workflow.definition, template).items():
        rows = [{
            "code": difference.code, "status": difference.status, "status_label": DIFF_STATUS[difference.status],
            "ours": [] if difference.status == "added" else [
                _("%(attribute)s: %(value)s", attribute=DIFF_ATTRIBUTES[name], value=_diff_text(name, ours))
                for name, ours, _their in difference.attributes],
            "theirs": [] if difference.status == "removed" else [
                _("%(attribute)s: %(value)s", attribute=DIFF_ATTRIBUTES[name], value=_diff_text(name, their))
                for name, _ours, their in difference.attributes],
        } for difference in differences]
        if rows:
            sections.append({"title": DIFF_PARTS[part], "rows": rows})
    return sections


# --- the editor form ------------------------------------------------------------

@dataclass
class EditorForm:
    """The editor's rows, as shown and as posted (strings, lists, booleans)."""

    label: str
    states: list[dict]
    transitions: list[dict]
    timers: list[dict]
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_definition(cls, workflow: Workflow) -> "EditorForm":
        definition = workflow.definition
        return cls(
            label=workflow.shown_label,
            states=[{"original": s["code"], "code": s["code"], "label": shown(s), "kind": s.get("kind"),
                     "visible": bool(s.get("visible", True))} for s in definition.get("states", ())],
            transitions=[{
                "original": t["code"], "code": t["code"], "label": shown(t),
                "source": list(t.get("source") or ()), "target": t.get("target", ""),
                "roles": list(t.get("roles") or ()), "permission": t.get("permission") or "",
                "comment_required": bool(t.get("comment_required")), "notify_citizen": bool(t.get("notify_citizen")),
                "resume": bool(t.get("resume")),
                "set_due_days": "" if t.get("set_due_days") is None else str(t["set_due_days"]),
                "required_fields": ", ".join(t.get("required_fields") or ()),
            } for t in definition.get("transitions", ())],
            timers=[cls._timer_row(timer_settings(t)) for t in definition.get("timers", ())],
        )

    @staticmethod
    def _timer_row(t: dict) -> dict:
        condition = t["condition"] or {}
        return {
            "original": t["code"], "code": t["code"], "state": t["state"], "transition": t["transition"],
            "delay_days": str(t["delay_days"]), "delay_months": str(t["delay_months"]),
            "delay_hours": str(t["delay_hours"]), "anchor": t["anchor"], "action": t["action"],
            "escalate": list(t["escalate"]), "condition_field": condition.get("field", ""),
            "condition_values": ", ".join(condition.get("values") or ()),
        }

    @classmethod
    def from_post(cls, form) -> "EditorForm":
        def rows(prefix, read):
            try:
                count = min(int(form.get(f"{prefix}-count", 0)), 500)
            except ValueError:
                count = 0
            return [read(f"{prefix}-{index}-") for index in range(count)
                    if not form.get(f"{prefix}-{index}-remove")]

        def text(name, limit=200):
            return form.get(name, "").strip()[:limit]

        return cls(
            label=text("label"),
            states=rows("state", lambda p: {
                "original": text(p + "original"), "code": text(p + "code", 60), "label": text(p + "label"),
                "kind": text(p + "kind"), "visible": bool(form.get(p + "visible")),
            }),
            transitions=rows("transition", lambda p: {
                "original": text(p + "original"), "code": text(p + "code", 60), "label": text(p + "label"),
                "source": form.getlist(p + "source"), "target": text(p + "target"),
                "roles": form.getlist(p + "roles"), "permission": text(p + "permission", 100),
                "comment_required": bool(form.get(p + "comment_required")),
                "notify_citizen": bool(form.get(p + "notify_citizen")), "resume": bool(form.get(p + "resume")),
                "set_due_days": text(p + "set_due_days", 10), "required_fields": text(p + "required_fields", 500),
            }),
            timers=rows("timer", lambda p: {
                "original": text(p + "original"), "code": text(p + "code", 60), "state": text(p + "state"),
                "transition": text(p + "transition"), "delay_days": text(p + "delay_days", 10),
                "delay_months": text(p + "delay_months", 10), "delay_hours": text(p + "delay_hours", 10),
                "anchor": text(p + "anchor", 60), "action": text(p + "action", 20) or "transition",
                "escalate": form.getlist(p + "escalate"), "condition_field": text(p + "condition_field", 60),
                "condition_values": text(p + "condition_values", 500),
            }),
        )

    def add_row(self, kind: str) -> None:
        if kind == "state":
            self.states.append({"original": "", "code": "", "label": "", "kind": "open", "visible": True})
        elif kind == "transition":
            self.transitions.append({"original": "", "code": "", "label": "", "source": [], "target": "",
                                     "roles": ["admin", "manager", "agent"], "permission": "",
                                     "comment_required": False, "notify_citizen": False, "resume": False,
                                     "set_due_days": "",
                                     "required_fields": ""})
        elif kind == "timer":
            self.timers.append({"original": "", "code": "", "state": "", "transition": "", "delay_days": "0",
                                "delay_months": "0", "delay_hours": "0", "anchor": "entered_state",
                                "action": "transition", "escalate": [], "condition_field": "",
                                "condition_values": ""})

    def to_definition(self, known: dict[str, set[str]], permissions: set[str], stored: dict | None = None) -> dict:
        """The definition the rows describe; problems the form alone can see go to ``errors``.

        ``known`` holds the codes already stored (states, transitions,
        timers): only new rows choose their code, existing ones keep theirs.
        Empty new rows are ignored. A transition's own ``fields`` come from
        the domain's template and are not edited here: they are kept from
        the ``stored`` definition.
        """
        stored_fields = {t["code"]: t["fields"] for t in (stored or {}).get("transitions", ()) if t.get("fields")}
        if not self.label:
            self.errors.append(_("The workflow needs a name."))
        states = [self._code(row, known["states"]) for row in self.states if not self._blank(row)]
        transitions = [self._code(row, known["transitions"]) for row in self.transitions if not self._blank(row)]
        timers = [self._code(row, known["timers"]) for row in self.timers if not self._blank(row)]
        state_codes = {row["code"] for row in states}
        stored_states = {s["code"]: s for s in (stored or {}).get("states", ())}
        stored_transitions = {t["code"]: t for t in (stored or {}).get("transitions", ())}
        return {
            "states": [{"code": row["code"], **_kept_label(row, stored_states), "kind": row["kind"],
                        "visible": row["visible"]} for row in states],
            "transitions": [{
                "code": row["code"], **_kept_label(row, stored_transitions),
                # A removed state simply stops being a source.
                "source": [code for code in row["source"] if code in state_codes],
                "target": row["target"], "roles": [role for role in ROLES if role in row["roles"]],
                "permission": self._permission(row, permissions),
                "comment_required": row["comment_required"],
                "required_fields": [name.strip() for name in row["required_fields"].split(",") if name.strip()],
                "notify_citizen": row["notify_citizen"],
                "set_due_days": self._number(row["set_due_days"], row["code"], blank=None),
                # Written only when set: the definitions that do not use it stay as they were.
                **({"resume": True} if row.get("resume") else {}),
                **({"fields": stored_fields[row["code"]]} if row["code"] in stored_fields else {}),
            } for row in transitions],
            "timers": [self._timer(row) for row in timers],
        }

    def _timer(self, row: dict) -> dict:
        """A timer row as stored; the keys of the contract's second version only when used
        (definitions that do not use them stay as they were)."""
        escalating = row["action"] == "escalate"
        timer = {
            "code": row["code"], "state": row["state"], "transition": "" if escalating else row["transition"],
            "delay_days": self._number(row["delay_days"], row["code"], blank=0),
            "delay_months": self._number(row["delay_months"], row["code"], blank=0),
            "anchor": row["anchor"] or "entered_state",
        }
        hours = self._number(row.get("delay_hours", ""), row["code"], blank=0)
        if hours:
            timer["delay_hours"] = hours
        if row.get("condition_field"):
            values = [value.strip() for value in row.get("condition_values", "").split(",") if value.strip()]
            timer["condition"] = {"field": row["condition_field"], "values": values}
        elif row.get("condition_values", "").strip():
            self.errors.append(_("Timer « %(code)s »: choose the field the condition is about.", code=row["code"]))
        if row["action"] != "transition":
            timer["action"] = row["action"]
            timer["escalate"] = [item for item in ESCALATIONS if item in row.get("escalate", ())]
        return timer

    @staticmethod
    def _blank(row: dict) -> bool:
        return not row["original"] and not row["code"] and not row.get("label")

    def _code(self, row: dict, known: set[str]) -> dict:
        if row["original"] in known:
            row["code"] = row["original"]
        elif not NEW_CODE.match(row["code"]):
            self.errors.append(_("« %(code)s » is not a valid code: lower-case letters, digits and _, starting "
                                 "with a letter.", code=row["code"]))
        return row

    def _number(self, raw: str, code: str, *, blank):
        if raw == "":
            return blank
        try:
            value = int(raw)
        except ValueError:
            self.errors.append(_("« %(code)s »: « %(value)s » is not a whole number.", code=code, value=raw))
            return blank
        return value

    def _permission(self, row: dict, permissions: set[str]) -> str | None:
        permission = row["permission"]
        if permission and permission not in permissions:
            self.errors.append(_("Transition « %(code)s »: unknown permission « %(permission)s ».",
                                 code=row["code"], permission=permission))
        return permission or None


def _kept_label(row: dict, stored: dict[str, dict]) -> dict:
    """The row's label as stored: unchanged (the editor showed it in the
    admin's language), the stored label with its translation key, so that it
    keeps following each reader's language; renamed, the admin's words."""
    before = stored.get(row["code"])
    if before and before.get("label_key") and row["label"] == shown(before):
        return {"label": before["label"], "label_key": before["label_key"]}
    return {"label": row["label"]}


def form_fields(workflow: Workflow, kinds: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """``(name, label)`` of the form fields (of ``kinds``, or all) of the
    request types that follow ``workflow``: timers count from their dates and
    test their values."""
    declared = {decl.code: decl for decl in _registry().request_types(active_plugins(g.grc_commune))}
    found: dict[str, str] = {}
    for request_type in db.session.scalars(select(RequestType).where(RequestType.workflow_id == workflow.id)):
        specs = [(f.get("name"), f.get("label"), f.get("type")) for f in request_type.fields or ()]
        if request_type.code in declared:
            specs += [(f.name, str(f.label), f.type) for f in declared[request_type.code].fields]
        for name, label, kind in specs:
            if (kinds is None or kind in kinds) and name:
                found.setdefault(name, label or name)
    return sorted(found.items(), key=lambda item: item[1])


def date_fields(workflow: Workflow) -> list[tuple[str, str]]:
    """Date fields of the request types that follow ``workflow``: timers may count from them."""
    return form_fields(workflow, ("date",))


def _known_codes(definition: dict) -> dict[str, set[str]]:
    return {key: {item["code"] for item in definition.get(key, ())} for key in ("states", "transitions", "timers")}


def _in_flight_conflicts(workflow: Workflow, definition: dict) -> list[str]:
    """Removing a state that requests are in would strand them."""
    kept = {state["code"] for state in definition["states"]}
    labels = {state["code"]: state.get("label") or state["code"] for state in workflow.definition.get("states", ())}
    return [
        ngettext("%(num)d request is in state « %(state)s »; move it first.",
                 "%(num)d requests are in state « %(state)s »; move them first.", count, state=labels.get(code, code))
        for code, count in sorted(in_flight_by_state(workflow).items()) if code not in kept and count
    ]


def _follow_kind_changes(workflow: Workflow, old: dict, new: dict) -> None:
    """Requests keep the kind of their state (queues filter on it) and their closing date."""
    old_kinds = {state["code"]: state["kind"] for state in old.get("states", ())}
    now = utcnow()
    for state in new["states"]:
        before = old_kinds.get(state["code"])
        if before is None or before == state["kind"]:
            continue
        values = {"state_kind": state["kind"], "version": Request.version + 1}
        if state["kind"] == "closed":
            values["closed_at"] = func.coalesce(Request.closed_at, now)
        elif before == "closed":
            values["closed_at"] = None
        db.session.execute(
            update(Request).where(Request.workflow_id == workflow.id, Request.state == state["code"]).values(**values)
            .execution_options(synchronize_session=False)
        )


class WorkflowView(SecureView):
    """The commune's workflows and their editor."""

    permission = "core.admin"

    @expose("/")
    def index(self):
        workflows = db.session.scalars(select(Workflow).order_by(Workflow.label)).all()
        rows = [{
            "workflow": workflow,
            "states": len(workflow.definition.get("states", ())),
            "in_flight": sum(in_flight_by_state(workflow).values()),
            "template_changed": template_changed(workflow),
        } for workflow in workflows]
        return self.render("grc/workflows/list.html", rows=rows)

    @expose("/<id:workflow_id>/", methods=["GET", "POST"])
    def edit(self, workflow_id):
        workflow = _workflow_or_404(workflow_id)
        if request.method == "GET":
            return self._editor(workflow, EditorForm.from_definition(workflow))
        form = EditorForm.from_post(request.form)
        adding = request.form.get("action", "save")
        if adding in ("state", "transition", "timer"):
            form.add_row(adding)
            return self._editor(workflow, form)
        permissions = {p.code for p in _registry().permissions(active_plugins(g.grc_commune))}
        definition = form.to_definition(_known_codes(workflow.definition), permissions, workflow.definition)
        errors = form.errors or validate(definition) or _in_flight_conflicts(workflow, definition)
        if errors:
            form.errors = errors
            return self._editor(workflow, form, status=400)
        _follow_kind_changes(workflow, workflow.definition, definition)
        workflow.definition = definition
        if form.label != workflow.shown_label:
            workflow.label, workflow.label_key = form.label, None
        workflow.updated_at = utcnow()
        record("workflow.updated", target=workflow.code, commit=False)
        db.session.commit()
        flash(_("Workflow « %(label)s » saved.", label=workflow.shown_label), "success")
        return redirect(url_for(".edit", workflow_id=workflow.id))

    def _editor(self, workflow: Workflow, form: EditorForm, status: int = 200):
        declared = _registry().permissions(active_plugins(g.grc_commune))
        page = self.render(
            "grc/workflows/edit.html", workflow=workflow, form=form,
            state_options=self._options(form.states), transition_options=self._options(form.transitions),
            in_flight=in_flight_by_state(workflow), template_changed=template_changed(workflow),
            template_differences=template_differences(workflow),
            kinds=[(kind, STATE_KIND_LABELS[kind]) for kind in STATE_KINDS],
            roles=[(role, ROLE_LABELS[role]) for role in ROLES],
            anchors=[(anchor, ANCHOR_LABELS[anchor]) for anchor in ANCHORS], date_fields=date_fields(workflow),
            condition_fields=form_fields(workflow),
            timer_actions=[(action, TIMER_ACTION_LABELS[action]) for action in TIMER_ACTIONS],
            escalations=[(item, ESCALATION_LABELS[item]) for item in ESCALATIONS],
            transition_fields={t["code"]: [str(f.get("label") or f.get("name")) for f in t.get("fields") or ()]
                               for t in localized(workflow.definition).get("transitions", ())},
            permissions=[(p.code, p.label) for p in declared],
            # The saved workflow (not the form being edited): what requests follow now.
            diagram=diagram_svg(localized(workflow.definition),
                                title=_("Workflow « %(name)s »", name=workflow.shown_label)),
            diagram_rows=transition_rows(localized(workflow.definition)),
        )
        return page, status

    @staticmethod
    def _options(rows: list[dict]) -> list[tuple[str, str]]:
        """``(code, "Label (code)")`` of the rows that have a code, for checkboxes and lists."""
        options = []
        for row in rows:
            code = row["original"] or row["code"]
            if code:
                label = row.get("label") or ""
                options.append((code, f"{label} ({code})" if label and label != code else code))
        return options


# --- e-mail templates and outbox --------------------------------------------------

class NotificationTemplateView(SecureModelView):
    """A commune's texts to citizens, by kind (grc_core.notifications.templates):
    the status e-mail, the status SMS, the daily digest's subject and introduction."""

    permission = "core.admin"
    column_list = ("kind", "workflow_id", "state", "language", "subject")
    column_labels = {"kind": _l("Message"), "workflow_id": _l("Workflow"), "state": _l("State"),
                     "subject": _l("Subject"), "body": _l("Text"), "language": _l("Language of the messages")}
    column_formatters = {"workflow_id": lambda view, ctx, model, name: view.workflow_label(model.workflow_id),
                         "language": lambda view, ctx, model, name: dict(TEMPLATE_LANGUAGES)[model.language],
                         "kind": lambda view, ctx, model, name: dict(TEMPLATE_KINDS)[model.kind]}
    column_searchable_list = ("subject", "body")
    form_extra_fields = {
        "kind_choice": SelectField(_l("Message"), choices=[], default="email"),
        "workflow_choice": SelectField(_l("Workflow"), choices=[], default=""),
        # Citizens whose record names this language get this text; "every language" for the others.
        "language_choice": SelectField(_l("Language of the messages"), choices=[], default=""),
    }
    form_columns = ("kind_choice", "workflow_choice", "state", "language_choice", "subject", "body")
    form_overrides = {"body": TextAreaField}
    form_args = {
        "state": {"label": _l("State"), "default": "*", "validators": [DataRequired(), Length(max=60)],
                  "description": _l("Code of the state, or * for every state without its own e-mail.")},
        # Required for an e-mail and the digest, not for an SMS (validate_form).
        "subject": {"label": _l("Subject"), "validators": [Optional(), Length(max=250)]},
        "body": {"label": _l("Text"), "validators": [DataRequired()], "render_kw": {"rows": 10}},
    }

    @property
    def placeholder_help(self) -> str:
        return ", ".join(f"{{{name}}}: {label}" for name, label in PLACEHOLDERS.items())

    def workflow_label(self, workflow_id) -> str:
        if workflow_id is None:
            return _("Every workflow")
        workflow = db.session.scalar(select(Workflow).where(Workflow.id == workflow_id))
        return workflow.shown_label if workflow else ""

    def _with_choices(self, form):
        workflows = db.session.scalars(select(Workflow).order_by(Workflow.label)).all()
        form.workflow_choice.choices = [("", _("Every workflow"))] + [(str(w.id), w.shown_label) for w in workflows]
        form.language_choice.choices = [(code, str(label)) for code, label in TEMPLATE_LANGUAGES]
        form.kind_choice.choices = [(code, str(label)) for code, label in TEMPLATE_KINDS]
        form.body.description = " ".join((
            _("Placeholders: %(list)s.", list=self.placeholder_help),
            _("The daily digest (every workflow, state *) knows only %(list)s; an SMS has no subject.",
              list=", ".join(f"{{{name}}}" for name in DIGEST_PLACEHOLDERS))))
        return form

    def create_form(self, obj=None):
        return self._with_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        return self._with_choices(super().edit_form(obj))

    def on_form_prefill(self, form, id):
        template = self.get_one(id)
        form.workflow_choice.data = str(template.workflow_id) if template.workflow_id else ""
        form.language_choice.data = template.language
        form.kind_choice.data = template.kind

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if getattr(form, "workflow_choice", None) is None:  # delete and action forms
            return True
        ok = True
        workflow = None
        if form.workflow_choice.data:
            workflow = db.session.scalar(select(Workflow).where(Workflow.id == int(form.workflow_choice.data)))
        workflows = [workflow] if workflow else db.session.scalars(select(Workflow)).all()
        state = form.state.data.strip()
        kind = form.kind_choice.data
        if kind == "digest" and (workflow is not None or state != "*"):
            # One digest a day gathers every request: no workflow or state of its own.
            form.workflow_choice.errors.append(_("The daily digest gathers every request: choose « Every "
                                                 "workflow » and * for the state."))
            ok = False
        elif state != "*" and not any(state == s["code"] for w in workflows for s in w.definition.get("states", ())):
            form.state.errors.append(_("No such state in this workflow: « %(state)s ».", state=state))
            ok = False
        if kind != "sms" and not (form.subject.data or "").strip():
            form.subject.errors.append(_("An e-mail needs a subject."))
            ok = False
        allowed = placeholders_for(kind)
        for field_ in (form.subject, form.body):
            try:
                unknown = placeholders_in(field_.data or "") - set(allowed)
            except ValueError:
                field_.errors.append(_("A brace is not closed; write {reference}, {status}…"))
                ok = False
                continue
            if unknown:
                field_.errors.append(_("Unknown placeholders: %(names)s. Available: %(list)s.",
                                       names=", ".join(sorted(unknown)), list=", ".join(allowed)))
                ok = False
        editing = request.args.get("id", type=int)
        clash = db.session.scalar(select(NotificationTemplate.id).where(
            NotificationTemplate.kind == kind,
            NotificationTemplate.state == state, NotificationTemplate.language == form.language_choice.data,
            NotificationTemplate.workflow_id == workflow.id if workflow else NotificationTemplate.workflow_id.is_(None),
        ))
        if clash is not None and clash != editing:
            form.state.errors.append(
                _("There is already an e-mail for this workflow, state and language.") if kind == "email"
                else _("There is already a text of this kind for this workflow, state and language."))
            ok = False
        return ok

    def on_model_change(self, form, model, is_created):
        model.workflow_id = int(form.workflow_choice.data) if form.workflow_choice.data else None
        model.state = form.state.data.strip()
        model.language = form.language_choice.data
        model.kind = form.kind_choice.data
        if model.kind == "sms":
            model.subject = ""  # an SMS has none
        record("notification_template.created" if is_created else "notification_template.updated",
               target=model.subject or model.body[:60], commit=False)


# "" first: a template for every language is the common case.
TEMPLATE_LANGUAGES = (("", _l("Every language")), ("fr", "Français"), ("en", "English"))
TEMPLATE_KINDS = (("email", _l("E-mail on a status change")), ("sms", _l("SMS on a status change")),
                  ("digest", _l("Daily digest: subject and introduction")))

OUTBOX_STATUS_LABELS = {"pending": _l("Waiting"), "sent": _l("Sent"), "failed": _l("Given up"),
                        "bounced": _l("Address refused")}


class OutboxView(SecureModelView):
    """E-mails waiting, sent, or given up; failed ones can be tried again."""

    permission = "core.admin"
    can_create = can_edit = can_delete = False
    column_list = ("created_at", "channel", "recipient", "subject", "status", "attempts", "last_error", "sent_at")
    column_labels = {
        "created_at": _l("Written"), "channel": _l("Channel"), "recipient": _l("Recipient"), "subject": _l("Subject"),
        "status": _l("Status"), "attempts": _l("Attempts"), "last_error": _l("Last error"),
        "sent_at": _l("Sent"), "body": _l("Text"),
    }
    column_default_sort = ("id", True)
    column_filters = ("status", "channel", "created_at")
    column_searchable_list = ("recipient", "subject")
    column_formatters = {"status": lambda view, ctx, model, name: OUTBOX_STATUS_LABELS.get(model.status, model.status)}

    def _readable(self, query):
        # E-mails about confidential requests the admin may not read stay out (requests.confidentiality).
        from ..requests.confidentiality import readable_condition

        secret = readable_condition()
        if secret is None:
            return query
        return query.filter(or_(OutboxMessage.request_id.is_(None),
                                OutboxMessage.request_id.in_(select(Request.id).where(secret))))

    def get_query(self):
        return self._readable(super().get_query())

    def get_count_query(self):
        return self._readable(super().get_count_query())

    @action("retry", _l("Try again"), _l("Send the selected e-mails again at the next run?"))
    def action_retry(self, ids):
        messages = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.id.in_([int(i) for i in ids]), OutboxMessage.status != "sent")).all()
        for message in messages:
            message.status = "pending"
            message.attempts = 0
            message.next_attempt_at = utcnow()
        record("outbox.retry", target=",".join(str(m.id) for m in messages), commit=False)
        db.session.commit()
        flash(ngettext("%(num)d e-mail will be sent again.", "%(num)d e-mails will be sent again.", len(messages)),
              "success")


def views() -> list:
    return [
        WorkflowView(name=_l("Workflows"), category=ADMINISTRATION, endpoint="core_workflows"),
        NotificationTemplateView(NotificationTemplate, name=_l("E-mails to citizens"), category=ADMINISTRATION,
                                 endpoint="core_notification_templates"),
        OutboxView(OutboxMessage, name=_l("Outgoing e-mails"), category=ADMINISTRATION, endpoint="core_outbox"),
    ]
