"""The commune admin's routing rules (back office), evaluated by position."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..admin.base import SecureModelView
from ..admin.forms_admin import PRIORITY_LABELS
from ..extensions import db
from ..forms.specs import fields_of
from ..models import Membership, RequestType, Service, User

# An empty priority leaves the request type's own.
PRIORITY_CHOICES = [("", _l("Unchanged")), *PRIORITY_LABELS.items()]


def _commune_agents():
    # Users are not owned by a commune: only this commune's members may be chosen.
    return (db.session.query(User).join(Membership, Membership.user_id == User.id)
            .filter(User.active.is_(True)).order_by(User.full_name))


def _request_types():
    return db.session.query(RequestType).order_by(RequestType.label)


def _services():
    return db.session.query(Service).order_by(Service.name)


class RoutingRuleView(SecureModelView):
    permission = "core.admin"
    list_template = "grc/routing/list.html"
    column_list = ("position", "label", "request_type", "quartier", "field_name", "field_value", "service",
                   "priority", "assignee", "auto_assign", "active")
    column_labels = {
        "position": _l("Order"), "label": _l("Label"), "request_type": _l("Request type"),
        "quartier": _l("Neighbourhood"), "field_name": _l("Form field"), "field_value": _l("Field value"),
        "service": _l("Service"), "priority": _l("Priority"), "assignee": _l("Assign to"),
        "auto_assign": _l("Automatic assignment"), "active": _l("Active"),
    }
    column_descriptions = {
        "position": _l("Rules are tried from the smallest number; the first that matches decides."),
        "quartier": _l("Empty: any neighbourhood."),
        "field_name": _l("Name of a field of the request type's form, e.g. motif."),
        "field_value": _l("Compared as text, ignoring case; for a yes/no box write oui or non."),
        "assignee": _l("Empty: nobody, or the least loaded agent of the service with automatic assignment."),
        "auto_assign": _l("Give the request to the agent of the service who has the fewest open requests."),
    }
    column_default_sort = [("position", False), ("id", False)]
    column_sortable_list = ("position", "label")
    column_searchable_list = ("label", "quartier", "field_value")
    column_formatters = {
        "priority": lambda view, ctx, model, name: dict(PRIORITY_CHOICES).get(model.priority, model.priority),
    }
    form_columns = ("position", "label", "request_type", "quartier", "field_name", "field_value", "service",
                    "priority", "assignee", "auto_assign", "active")
    form_choices = {"priority": PRIORITY_CHOICES}
    form_args = {
        "position": {"validators": [DataRequired(), NumberRange(min=0, max=100000)], "default": 100},
        "label": {"validators": [DataRequired(), Length(max=200)]},
        "quartier": {"validators": [Optional(), Length(max=80)]},
        "field_name": {"validators": [Optional(), Length(max=60)]},
        "field_value": {"validators": [Optional(), Length(max=200)]},
        "request_type": {"query_factory": _request_types, "allow_blank": True,
                         "blank_text": _l("Any request type")},
        "service": {"query_factory": _services, "validators": [DataRequired()]},
        "assignee": {"query_factory": _commune_agents, "allow_blank": True, "blank_text": "—"},
        "active": {"default": True},
    }

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if getattr(form, "field_name", None) is None:  # delete and action forms
            return True
        ok = True
        for field in (form.request_type, form.assignee):
            # A blank-allowing select turns an unknown id (another commune's, forged) into "none": refuse instead.
            raw = (field.raw_data or [""])[0]
            if raw not in ("", "__None") and field.data is None:
                field.errors.append(field.gettext("Not a valid choice."))
                ok = False
        name = (form.field_name.data or "").strip()
        value = (form.field_value.data or "").strip()
        if bool(name) != bool(value):
            target = form.field_value if name else form.field_name
            target.errors.append(_("Give both the form field and its value, or neither."))
            ok = False
        request_type = form.request_type.data
        if name and request_type is not None and name not in {spec.name for spec in fields_of(request_type)}:
            form.field_name.errors.append(_("The request type « %(type)s » has no field « %(name)s ».",
                                            type=request_type.label, name=name))
            ok = False
        service, assignee = form.service.data, form.assignee.data
        if assignee is not None and service is not None and not self._works_in(assignee, service):
            form.assignee.errors.append(_("This agent does not work in the service « %(service)s ».",
                                          service=service.name))
            ok = False
        return ok

    @staticmethod
    def _works_in(user: User, service: Service) -> bool:
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user.id))
        return membership is not None and (membership.role == "admin" or service in membership.services)

    def on_model_change(self, form, model, is_created):
        model.quartier = (model.quartier or "").strip()
        model.field_name = (model.field_name or "").strip()
        model.field_value = (model.field_value or "").strip()
        model.priority = model.priority or ""
