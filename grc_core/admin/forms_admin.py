"""Request types in the back office: the commune admin's low-code editor.

A type declared by a plugin keeps its fields in the plugin's code: the admin
tunes where it goes and how it is handled (service, workflow, delay,
priority, channels, active). A type of the commune's own (code
``commune.*``) is entirely defined here, fields included, with a table that
a non-developer fills in; the specs are checked (``check_specs``) before
anything is stored.
"""
from __future__ import annotations

import re

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..audit import record
from ..extensions import db
from ..forms.hygiene import GrcForm
from ..forms.specs import (
    CHOICE_TYPES, FIELD_NAME_MAX, check_specs, fields_of, snake_case, spec_to_dict,
)
from ..models import RequestType, Service, Workflow
from ..models.request import PRIORITIES, REQUEST_CHANNELS
from ..plugin_api.types import FIELD_TYPES, FieldSpec
from ..requests.labels import CHANNEL_LABELS, PRIORITY_LABELS
from ..tenancy import active_plugins
from .base import SecureView

ADMINISTRATION = _l("Administration")
COMMUNE_PREFIX = "commune."
CODE = re.compile(r"^commune\.[a-z][a-z0-9_]*$")
CODE_MAX = 100
# Blank rows offered under the fields already defined (a script adds more).
BLANK_ROWS = 3
ROW_KEY = re.compile(r"^fields-(\d+)-(\w+)$")
ROW_ATTRIBUTES = (
    "name", "label", "type", "required", "choices", "min", "max", "help", "cond_field", "cond_values", "remove",
)

FIELD_TYPE_LABELS = {
    "text": _l("Short text"), "textarea": _l("Long text"), "integer": _l("Whole number"),
    "decimal": _l("Decimal number"), "date": _l("Date"), "email": _l("E-mail address"),
    "phone": _l("Phone number"), "choice": _l("One choice in a list"),
    "multichoice": _l("Several choices in a list"), "boolean": _l("Yes / no box"),
    "file": _l("File"), "address": _l("Postal address"),
}
assert set(FIELD_TYPE_LABELS) == set(FIELD_TYPES) and set(PRIORITY_LABELS) == set(PRIORITIES)
assert set(CHANNEL_LABELS) == set(REQUEST_CHANNELS)


def _id_or_none(value):
    return None if value in (None, "", "None") else int(value)


class RequestTypeForm(GrcForm):
    """The settings of a type; a plugin's type drops label, code and public."""

    label = StringField(_l("Label"), [DataRequired(), Length(max=200)],
                        description=_l("What agents and citizens read, e.g. « Obstructive parking »."))
    label_en = StringField(_l("Label in English"), [Optional(), Length(max=200)],
                           description=_l("Shown to agents who read the back office in English; "
                                          "left empty, they read the label above."))
    code = StringField(_l("Code"), [Optional(), Length(max=CODE_MAX)],
                       description=_l("Left empty, it is made from the label, e.g. commune.stationnement_genant. "
                                      "It cannot be changed afterwards."))
    service_id = SelectField(_l("Default service"), coerce=_id_or_none,
                             description=_l("Where a request goes when no routing rule says otherwise."))
    workflow_id = SelectField(_l("Workflow"), [DataRequired(message=_l("Choose a workflow."))], coerce=_id_or_none)
    sla_days = IntegerField(_l("Processing time (working days)"), [Optional(), NumberRange(min=1, max=365)],
                            description=_l("Sets the due date of each request; empty for none."))
    priority = SelectField(_l("Default priority"), choices=list(PRIORITY_LABELS.items()), default="normale")
    channels = SelectMultipleField(
        _l("Channels"), [DataRequired(message=_l("Choose at least one channel."))],
        choices=list(CHANNEL_LABELS.items()), default=list(REQUEST_CHANNELS),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    public = BooleanField(_l("Citizens may file it online"))
    active = BooleanField(_l("Active (agents can file it)"), default=True)


# --- the field editor's rows --------------------------------------------------------

def _bound_text(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def spec_to_row(spec: FieldSpec) -> dict:
    return {
        "name": spec.name, "label": str(spec.label), "type": spec.type, "required": spec.required,
        "choices": "\n".join(f"{value}|{label}" for value, label in spec.choices),
        "min": _bound_text(spec.min), "max": _bound_text(spec.max), "help": str(spec.help or ""),
        "cond_field": spec.condition[0] if spec.condition else "",
        "cond_values": ", ".join(spec.condition[1]) if spec.condition else "",
        "remove": False,
    }


def blank_row() -> dict:
    return {"name": "", "label": "", "type": "text", "required": False, "choices": "", "min": "", "max": "",
            "help": "", "cond_field": "", "cond_values": "", "remove": False}


def submitted_rows(formdata) -> list[dict]:
    """The editor's rows as typed, in their order on the page."""
    rows: dict[int, dict] = {}
    for key in formdata:
        match = ROW_KEY.match(key)
        if match and match.group(2) in ROW_ATTRIBUTES:
            rows.setdefault(int(match.group(1)), blank_row())[match.group(2)] = formdata.get(key, "")
    for row in rows.values():
        row["required"] = bool(row["required"])
        row["remove"] = bool(row["remove"])
    return [rows[index] for index in sorted(rows)]


def _is_blank(row: dict) -> bool:
    return not any(str(row[key]).strip() for key in ("name", "label", "choices", "help", "cond_field"))


def _parse_bound(text: str, what: str, name: str, errors: list[str]) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        errors.append(_("Field %(name)s: the %(bound)s must be a number.", name=name, bound=what))
        return None
    return int(number) if number.is_integer() else number


def _parse_choices(text: str) -> tuple[tuple[str, str], ...]:
    """One choice a line, ``value|label`` or just the label (value made from it)."""
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, _bar, label = line.partition("|")
        if _bar:
            choices.append((value.strip(), label.strip() or value.strip()))
        else:
            choices.append((snake_case(line) or line.strip(), line.strip()))
    return tuple(choices)


def rows_to_specs(rows: list[dict]) -> tuple[list[FieldSpec], list[str]]:
    """Specs from the editor's rows (blank and removed rows dropped), and
    why they cannot be stored (empty: they can)."""
    specs: list[FieldSpec] = []
    errors: list[str] = []
    for row in rows:
        if row["remove"] or _is_blank(row):
            continue
        name = row["name"].strip() or snake_case(row["label"])
        choices = _parse_choices(row["choices"])
        condition = None
        if row["cond_field"].strip():
            values = tuple(v.strip() for v in re.split(r"[,\n]", row["cond_values"]) if v.strip())
            condition = (row["cond_field"].strip(), _values_of_labels(specs, row["cond_field"].strip(), values))
        specs.append(FieldSpec(
            name=name, label=row["label"].strip(), type=row["type"], required=row["required"], choices=choices,
            min=_parse_bound(row["min"], _("minimum"), name or row["label"], errors),
            max=_parse_bound(row["max"], _("maximum"), name or row["label"], errors),
            help=row["help"].strip(), condition=condition,
        ))
    return specs, errors + check_specs(specs)


def _values_of_labels(earlier: list[FieldSpec], field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """An admin may write a choice's label in a condition: store its value."""
    controlling = next((spec for spec in earlier if spec.name == field), None)
    if controlling is None or controlling.type not in CHOICE_TYPES:
        return values
    by_label = {label.strip().casefold(): value for value, label in controlling.choices}
    return tuple(by_label.get(value.casefold(), value) for value in values)


# --- the view -------------------------------------------------------------------------

def registry():
    return current_app.extensions["grc"]


def unique_code(label: str) -> str:
    base = (COMMUNE_PREFIX + (snake_case(label, CODE_MAX - len(COMMUNE_PREFIX) - 4) or "type"))
    taken = set(db.session.scalars(select(RequestType.code).where(RequestType.code.startswith(base))))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


class RequestTypeView(SecureView):
    permission = "core.admin"

    def _visible_types(self) -> list[RequestType]:
        active = active_plugins(g.grc_commune)
        types = db.session.scalars(select(RequestType).order_by(RequestType.label))
        return [t for t in types if t.plugin is None or t.plugin in active]

    def _get(self, type_id: int) -> RequestType:
        found = next((t for t in self._visible_types() if t.id == type_id), None)
        if found is None:
            abort(404)
        return found

    def _choices(self, form: RequestTypeForm) -> None:
        services = db.session.scalars(select(Service).order_by(Service.name))
        workflows = db.session.scalars(select(Workflow).order_by(Workflow.label))
        form.service_id.choices = [(None, "—")] + [(s.id, s.name) for s in services]
        form.workflow_id.choices = [(None, "—")] + [(w.id, w.shown_label) for w in workflows]

    def _plugin_label(self, request_type: RequestType) -> str | None:
        manifest = registry().manifests.get(request_type.plugin) if request_type.plugin else None
        return str(manifest.label) if manifest else request_type.plugin

    @expose("/")
    def index(self):
        types = self._visible_types()
        return self.render(
            "grc/forms/request_types.html", types=types,
            plugin_labels={t.id: self._plugin_label(t) for t in types},
            priority_labels=PRIORITY_LABELS, channel_labels=CHANNEL_LABELS,
        )

    @expose("/new/", methods=("GET", "POST"))
    def create(self):
        return self._edit(RequestType(plugin=None, fields=[], channels=list(REQUEST_CHANNELS), active=True,
                                      priority="normale"), is_new=True)

    @expose("/edit/<id:type_id>/", methods=("GET", "POST"))
    def edit(self, type_id):
        return self._edit(self._get(type_id), is_new=False)

    def _edit(self, request_type: RequestType, is_new: bool):
        from_plugin = request_type.plugin is not None
        form = RequestTypeForm(obj=None if is_new else request_type)
        if from_plugin:
            del form.label, form.label_en, form.code, form.public
        elif not is_new:
            del form.code
        self._choices(form)
        if request.method == "POST":
            rows = submitted_rows(request.form)
        else:
            rows = [spec_to_row(spec) for spec in fields_of(request_type)]
        specs: list[FieldSpec] = []
        spec_errors: list[str] = []
        if request.method == "POST" and not from_plugin:
            # Checked even when a setting is wrong: the admin sees every reason at once.
            specs, spec_errors = rows_to_specs(rows)
        if form.validate_on_submit():
            code_ok = not is_new or self._check_code(form)
            if not spec_errors and code_ok:
                self._store(request_type, form, specs, is_new)
                flash(_("Request type « %(label)s » saved.", label=request_type.shown_label), "success")
                return redirect(url_for(".index"))
        if not from_plugin:
            rows = [row for row in rows if not _is_blank(row)] + [blank_row() for _i in range(BLANK_ROWS)]
        return self.render(
            "grc/forms/request_type_edit.html", form=form, request_type=request_type, is_new=is_new,
            from_plugin=from_plugin, plugin_label=self._plugin_label(request_type),
            plugin_fields=fields_of(request_type) if from_plugin else [],
            rows=rows, spec_errors=spec_errors, field_types=FIELD_TYPE_LABELS, name_max=FIELD_NAME_MAX,
        )

    def _check_code(self, form: RequestTypeForm) -> bool:
        wanted = form.code.data.strip().lower()
        if not wanted:
            form.code.data = unique_code(form.label.data)
            return True
        if not wanted.startswith(COMMUNE_PREFIX):
            wanted = COMMUNE_PREFIX + wanted
        form.code.data = wanted
        if not CODE.match(wanted):
            form.code.errors.append(_("Lower-case letters, digits and underscores after « commune. »."))
            return False
        if db.session.scalar(select(RequestType.id).where(RequestType.code == wanted)) is not None:
            form.code.errors.append(_("Another request type already has this code."))
            return False
        return True

    def _store(self, request_type: RequestType, form: RequestTypeForm, specs: list[FieldSpec], is_new: bool):
        if request_type.plugin is None:
            request_type.label = form.label.data.strip()
            request_type.label_en = (form.label_en.data or "").strip() or None
            request_type.public = bool(form.public.data)
            request_type.fields = [spec_to_dict(spec) for spec in specs]
        if is_new:
            request_type.code = form.code.data
            db.session.add(request_type)
        request_type.service_id = form.service_id.data
        request_type.workflow_id = form.workflow_id.data
        request_type.sla_days = form.sla_days.data
        request_type.priority = form.priority.data
        request_type.channels = [c for c in REQUEST_CHANNELS if c in form.channels.data]
        request_type.active = bool(form.active.data)
        db.session.flush()
        record("request_type.created" if is_new else "request_type.updated", target=request_type.code, commit=False)
        db.session.commit()


def views() -> list:
    from ..routing.admin import RoutingRuleView
    from ..models import RoutingRule

    return [
        RequestTypeView(name=_l("Request types"), category=ADMINISTRATION, endpoint="core_request_types"),
        RoutingRuleView(RoutingRule, name=_l("Routing rules"), category=ADMINISTRATION, endpoint="core_routing"),
    ]
