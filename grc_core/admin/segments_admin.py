"""Back-office pages "Segments": build a selection of citizens from the
criteria the author may use, see how many people it reaches and who,
before saving it for a campaign or a survey.

The builder is a plain form, usable without JavaScript: each criterion is
ignored, required or excluded, and the segment matches all or any of those
chosen. Definitions with nested groups (made through the API or by hand)
are edited as JSON."""
from __future__ import annotations

import json

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..forms.hygiene import text_problem
from ..models import Segment
from ..plugin_api.types import SegmentContext
from ..retention.engine import today_in_paris
from ..security.access import segment_or_404
from ..segments import SegmentError, count, criteria_for, parse_definition, sample
from ..segments.definition import MATCHES, describe, to_json
from .base import SecureView

MODES = ("ignore", "include", "exclude")
NAME_MAX = 120


def author_context() -> SegmentContext:
    return SegmentContext(commune_id=g.grc_commune.id, today=today_in_paris(), user=current_user,
                          membership=g.get("grc_membership"))


def simple_form(definition) -> dict | None:
    """The builder's view of a definition — match, and per criterion its mode
    and values — or None when it has nested groups or a criterion twice."""
    if not definition or "items" not in definition:
        return None
    rows = {}
    for item in definition["items"]:
        mode = "exclude" if "not" in item else "include"
        item = item.get("not", item)
        if "criterion" not in item or item["criterion"] in rows:
            return None
        rows[item["criterion"]] = {"mode": mode, "params": item.get("params") or {}}
    return {"match": definition["match"], "rows": rows}


def definition_from_builder(form, criteria) -> dict:
    """The definition the builder's fields describe (unchecked: parse_definition checks it)."""
    items = []
    for code, (_decl, specs) in criteria.items():
        mode = form.get(f"mode-{code}", "ignore")
        if mode not in MODES or mode == "ignore":
            continue
        params = {}
        for spec in specs:
            key = f"param-{code}-{spec.name}"
            params[spec.name] = form.getlist(key) if spec.type == "multichoice" else form.get(key, "")
        item = {"criterion": code, "params": params}
        items.append({"not": item} if mode == "exclude" else item)
    return {"match": form.get("match", "all"), "items": items}


class SegmentsView(SecureView):
    permission = "core.segments"

    @expose("/")
    def index(self):
        segments = db.session.scalars(select(Segment).order_by(Segment.name)).all()
        return self.render("grc/segments/index.html", segments=segments,
                           updated={s.id: format_datetime(s.updated_at, "short") for s in segments})

    @expose("/new", methods=("GET", "POST"))
    def create(self):
        return self._edit(Segment(definition={}))

    @expose("/<id:segment_id>/edit", methods=("GET", "POST"))
    def edit(self, segment_id):
        return self._edit(segment_or_404(segment_id))

    @expose("/<id:segment_id>")
    def details(self, segment_id):
        segment = segment_or_404(segment_id)
        context = author_context()
        criteria = criteria_for(context)
        try:
            definition = parse_definition(segment.definition, criteria)
            summary = describe(definition, criteria)
            reached, people, problem = count(definition, context), sample(definition, context), None
        except SegmentError as error:
            summary, reached, people, problem = "", None, [], str(error)
        return self.render("grc/segments/details.html", segment=segment, summary=summary, reached=reached,
                           people=people, problem=problem)

    @expose("/<id:segment_id>/delete", methods=("POST",))
    def delete(self, segment_id):
        segment = segment_or_404(segment_id)
        name = segment.name
        db.session.delete(segment)
        record("segment.deleted", target=name, commit=False)
        db.session.commit()
        flash(_("Segment « %(name)s » deleted.", name=name), "success")
        return redirect(url_for(".index"))

    def _edit(self, segment: Segment):
        context = author_context()
        criteria = criteria_for(context)
        editor = request.form.get("editor") or ("simple" if segment.id is None or simple_form(segment.definition)
                                                 else "json")
        values = {"name": segment.name or "", "description": segment.description or "",
                  "definition_json": json.dumps(segment.definition or {}, ensure_ascii=False, indent=2)}
        builder = simple_form(segment.definition) or {"match": "all", "rows": {}}
        errors, preview = {}, None
        if request.method == "POST":
            values = {key: request.form.get(key, "").strip() for key in values}
            if editor == "json":
                try:
                    raw = json.loads(values["definition_json"] or "{}")
                except ValueError:
                    raw, errors["definition"] = None, _("The definition is not valid JSON.")
            else:
                raw = definition_from_builder(request.form, criteria)
                builder = _builder_echo(request.form, criteria)
            definition = None
            if raw is not None:
                try:
                    definition = parse_definition(raw, criteria)
                except SegmentError as error:
                    errors["definition"] = str(error)
            if request.form.get("action") == "preview" or definition is None:
                if definition is not None:
                    preview = {"summary": describe(definition, criteria), "count": count(definition, context),
                               "people": sample(definition, context)}
            else:
                errors.update(self._name_errors(values["name"], segment))
                errors.update(self._value_errors(values, segment))
                if not errors:
                    return self._save(segment, values, definition)
        return self.render("grc/segments/form.html", segment=segment, criteria=criteria, values=values,
                           builder=builder, editor=editor, errors=errors, preview=preview, matches=MATCHES)

    @staticmethod
    def _value_errors(values: dict, segment: Segment) -> dict:
        problem = text_problem(values["description"], "textarea")
        return {"description": problem} if problem else {}

    @staticmethod
    def _name_errors(name: str, segment: Segment) -> dict:
        if not name:
            return {"name": _("Give the segment a name.")}
        problem = text_problem(name)
        if problem or len(name) > NAME_MAX:
            return {"name": problem or _("At most %(max)d characters.", max=NAME_MAX)}
        if db.session.scalar(select(Segment.id).where(Segment.name == name, Segment.id.is_distinct_from(segment.id))):
            return {"name": _("Another segment already has this name.")}
        return {}

    def _save(self, segment: Segment, values: dict, definition: dict):
        created = segment.id is None
        segment.name, segment.description = values["name"], values["description"]
        segment.definition = to_json(definition)
        if created:
            segment.created_by_id = current_user.id
            db.session.add(segment)
        db.session.flush()
        record("segment.created" if created else "segment.updated", target=segment.name,
               details={"definition": segment.definition}, commit=False)
        db.session.commit()
        flash(_("Segment « %(name)s » saved.", name=segment.name), "success")
        return redirect(url_for(".details", segment_id=segment.id))


def _builder_echo(form, criteria) -> dict:
    """What the author typed, to show it again (never lose input on an error)."""
    rows = {}
    for code, (_decl, specs) in criteria.items():
        params = {spec.name: (form.getlist(f"param-{code}-{spec.name}") if spec.type == "multichoice"
                              else form.get(f"param-{code}-{spec.name}", "")) for spec in specs}
        rows[code] = {"mode": form.get(f"mode-{code}", "ignore"), "params": params}
    return {"match": form.get("match", "all"), "rows": rows}


def views() -> list:
    from .citizens_admin import CITIZENS

    return [SegmentsView(name=_l("Segments"), category=CITIZENS, endpoint="core_segments", url="/admin/segments")]
