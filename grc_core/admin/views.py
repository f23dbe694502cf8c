"""The core's back-office pages: home, services, agents, domains, communes, audit."""
from __future__ import annotations

import re

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, EmailField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..audit import OBJECT_COLUMNS, object_visible, object_visible_condition, record, viewer_permissions
from ..audit_labels import action_label
from ..extensions import db
from ..indicators import dashboards as boards
from ..indicators.units import unit_label
from ..models import AuditEvent, Commune, Membership, Request, RequestType, Service, User
from ..requests.hidden import hidden_confidential
from ..requests.queue import home_counts, may_use_queue
from ..security import passwords, sessions, two_factor
from ..security.permissions import ROLE_LABELS, grantable_permissions, require
from ..tenancy.activation import active_plugins, disable_plugin, enable_plugin, working_domains
from ..tenancy.resolver import memberships_of
from .base import HomeIndexView, SecureModelView, SecureView
from .dashboards_admin import _number, _today

ADMINISTRATION = _l("Administration")
PLATFORM = _l("Platform")
INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def registry():
    return current_app.extensions["grc"]


class HomeView(HomeIndexView):
    @expose("/")
    def index(self):
        commune = g.grc_commune
        membership = g.get("grc_membership")
        active = active_plugins(commune)
        counts = None
        if may_use_queue(current_user, membership):
            # Each figure counts what its list shows, and says how many confidential requests it leaves out.
            shown = home_counts(user=current_user, membership=membership)
            hidden = hidden_confidential({name: args for name, (_n, args) in shown.items()},
                                         user=current_user, membership=membership)
            counts = {name: (number, args, hidden[name]) for name, (number, args) in shown.items()}
        return self.render(
            "grc/home.html",
            commune=commune,
            membership=membership,
            request_counts=counts,
            week=self._week_for_elu(commune, membership),
            role_label=ROLE_LABELS.get(membership.role if membership else "admin"),
            domains=[registry().manifests[name] for name in active],
            menu_items=registry().menu_items(working_domains(membership, active), current_user, commune),
        )


    def _week_for_elu(self, commune, membership):
        """An élu's home opens on his delegation's figures of the week; other roles have their queue."""
        viewer = boards.viewer_of(current_user, membership, commune)
        if viewer is None or viewer.role != "elu":
            return None
        period, widgets = boards.highlights(viewer, commune, _today())
        return {"period": period, "widgets": widgets, "number": _number, "unit_label": unit_label}


class ServiceView(SecureModelView):
    permission = "core.admin"
    column_list = ("code", "name", "direction", "email", "plugin")
    column_labels = {
        "code": _l("Code"), "name": _l("Name"), "direction": _l("Direction"),
        "email": _l("E-mail"), "plugin": _l("Declared by"),
    }
    column_searchable_list = ("code", "name", "direction")
    column_default_sort = "name"
    form_columns = ("code", "name", "direction", "email")
    form_args = {
        "code": {"validators": [DataRequired(), Length(max=80)]},
        "name": {"validators": [DataRequired(), Length(max=120)]},
        "email": {"validators": [Optional(), Email()]},
    }

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if getattr(form, "code", None) is None:
            return True
        editing = request.args.get("id", type=int)
        clash = db.session.scalar(select(Service.id).where(Service.code == form.code.data.strip()))
        if clash is not None and clash != editing:
            form.code.errors.append(_("A service with this code already exists."))
            return False
        return True


class AgentView(SecureModelView):
    """The commune's agents: one membership each, with the account behind it."""

    permission = "core.admin"
    column_list = ("user.full_name", "user.email", "role", "services", "permissions", "user.active")
    column_labels = {
        "user.full_name": _l("Name"), "user.email": _l("E-mail"), "role": _l("Role"),
        "services": _l("Services"), "permissions": _l("Extra permissions"),
        "user.active": _l("Active"),
    }
    column_formatters = {"role": lambda view, ctx, model, name: ROLE_LABELS.get(model.role, model.role)}
    column_searchable_list = ("user.full_name", "user.email")
    column_filters = ("role",)
    column_sortable_list = ("role",)
    form_choices = {"role": [(code, label) for code, label in ROLE_LABELS.items()]}
    form_extra_fields = {
        "full_name": StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)]),
        "email": EmailField(_l("E-mail address"), validators=[DataRequired(), Email(), Length(max=254)]),
        "new_password": PasswordField(
            _l("Password"),
            description=_l("At least %(n)d characters. Leave empty to keep the current one.", n=passwords.MIN_LENGTH),
        ),
        "extra_permissions": SelectMultipleField(
            _l("Extra permissions"), choices=[], widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
            description=_l("Beyond what the role already allows."),
        ),
        "account_active": BooleanField(_l("Account active"), default=True),
        "reset_two_factor": BooleanField(
            _l("Reset two-step sign-in"),
            description=_l("For an agent who lost his phone and his recovery codes: he sets it up again at his "
                           "next sign-in (if his role requires it)."),
        ),
    }
    # Extra fields must be listed here too, in display order.
    form_columns = (
        "full_name", "email", "new_password", "role", "services", "extra_permissions", "account_active",
        "reset_two_factor",
    )

    def get_query(self):
        # Loaded with the rows: no query per row, and CSV export streams
        # after the request's session is gone.
        return super().get_query().options(joinedload(Membership.user), joinedload(Membership.services))

    def _grantable(self) -> list[tuple[str, str]]:
        """Permissions an admin may grant (every role already uses the back office)."""
        return [(p.code, f"{p.label} ({p.code})") for p in grantable_permissions(g.grc_commune)]

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.extra_permissions.choices = self._grantable()
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.extra_permissions.choices = self._grantable()
        return form

    def on_form_prefill(self, form, id):
        membership = self.get_one(id)
        form.full_name.data = membership.user.full_name
        form.email.data = membership.user.email
        form.extra_permissions.data = list(membership.permissions or [])
        form.account_active.data = membership.user.active

    def _shared_with_other_communes(self, user: User) -> bool:
        return any(m.commune_id != g.grc_commune.id for m in memberships_of(user))

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if getattr(form, "email", None) is None:  # delete and action forms
            return True
        membership_id = request.args.get("id")
        current = self.get_one(membership_id) if membership_id else None
        email = form.email.data.strip().lower()
        owner = db.session.scalar(select(User).where(func.lower(User.email) == email))
        ok = True
        if owner is not None and (current is None or owner.id != current.user_id):
            form.email.errors.append(_("This e-mail address is already used by another account."))
            ok = False
        password = form.new_password.data or ""
        if current is None and not password:
            form.new_password.errors.append(_("A password is required for a new agent."))
            ok = False
        if password and passwords.weakness(password):
            form.new_password.errors.append(passwords.weakness(password))
            ok = False
        if current is not None and self._shared_with_other_communes(current.user):
            if (password or email != current.user.email.lower() or form.full_name.data != current.user.full_name
                    or form.reset_two_factor.data):
                form.email.errors.append(_(
                    "This agent also works for another commune: only the platform operator may change "
                    "the account's name, e-mail, password or two-step sign-in."
                ))
                ok = False
        if current is not None and current.user_id == current_user.id:
            if form.role.data != "admin" or not form.account_active.data:
                form.role.errors.append(_("You cannot remove your own administrator access."))
                ok = False
        return ok

    def on_model_change(self, form, model, is_created):
        user = model.user if not is_created else None
        if user is None:
            user = User(full_name="", email="", password_hash="")
            db.session.add(user)
            model.user = user
        user.full_name = form.full_name.data.strip()
        user.email = form.email.data.strip().lower()
        user.active = bool(form.account_active.data)
        if form.new_password.data:
            user.set_password(form.new_password.data)
            if not is_created:
                # Whoever held the old password is signed out; an admin changing his own keeps this session.
                sessions.revoke_all(user.id, keep=sessions.current() if user.id == current_user.id else None)
        if not is_created and form.reset_two_factor.data:
            two_factor.reset(user)
            sessions.revoke_all(user.id, keep=sessions.current() if user.id == current_user.id else None)
            record("agent.two_factor_reset", target=user.email, commit=False)
        model.permissions = sorted(form.extra_permissions.data or [])
        record("agent.created" if is_created else "agent.updated", target=user.email, commit=False)

    def on_model_delete(self, model):
        if model.user_id == current_user.id:
            raise ValueError(_("You cannot remove your own access."))
        record("agent.removed", target=model.user.email, commit=False)


class PluginsView(SecureView):
    """Domains (plugins) enabled for the commune."""

    permission = "core.admin"

    @expose("/")
    def index(self):
        active = set(active_plugins(g.grc_commune))
        plugins = [(manifest, manifest.name in active) for manifest in registry().manifests.values()]
        return self.render("grc/plugins.html", plugins=plugins)

    @expose("/<plugin_name>/disable", methods=["GET"])
    def confirm_disable(self, plugin_name):
        """Disabling asks first, and says what stays and what agents no longer see."""
        manifest = registry().manifests.get(plugin_name)
        if manifest is None:
            abort(404)
        if plugin_name not in active_plugins(g.grc_commune):
            return redirect(url_for(".index"))
        return self.render("grc/plugin_disable.html", manifest=manifest, **domain_holdings(plugin_name))

    # Not "<name>": Flask-Admin's _handle_view takes that argument itself.
    @expose("/<plugin_name>/<action>", methods=["POST"])
    def toggle(self, plugin_name, action):
        require(self.permission)
        name = plugin_name
        if name not in registry().manifests or action not in ("enable", "disable"):
            abort(404)
        if action == "disable" and request.form.get("confirm") != "yes":
            # Only the confirmation page's button disables.
            return redirect(url_for(".confirm_disable", plugin_name=name))
        label = registry().manifests[name].label
        try:
            if action == "enable":
                changed = enable_plugin(g.grc_commune, name)
                message = _("Domain « %(label)s » enabled.", label=label)
            else:
                changed = disable_plugin(g.grc_commune, name)
                message = _("Domain « %(label)s » disabled; its data is kept.", label=label)
        except ValueError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".index"))
        if changed:
            record(f"plugin.{action}d", target=name, commit=False)
            db.session.commit()
            flash(message, "success")
        return redirect(url_for(".index"))


def domain_holdings(plugin: str) -> dict[str, int]:
    """What the commune keeps of a domain when it is disabled: its requests
    (the open ones among them) and its request types."""
    of_domain = Request.request_type_id.in_(select(RequestType.id).where(RequestType.plugin == plugin))
    return {
        "requests": db.session.scalar(select(func.count()).select_from(Request).where(of_domain)),
        "open_requests": db.session.scalar(select(func.count()).select_from(Request).where(
            of_domain, Request.state_kind != "closed")),
        "request_types": db.session.scalar(select(func.count()).select_from(RequestType)
                                           .where(RequestType.plugin == plugin)),
    }


class CommuneView(SecureModelView):
    platform_only = True
    can_delete = False  # a commune is deactivated, never deleted with its data
    column_list = ("name", "insee_code", "slug", "hostnames", "active", "created_at")
    column_labels = {
        "name": _l("Name"), "insee_code": _l("INSEE code"), "slug": _l("Slug (public URL)"),
        "hostnames": _l("Hostnames"), "active": _l("Active"), "created_at": _l("Created"),
    }
    column_searchable_list = ("name", "insee_code", "slug")
    form_columns = ("name", "insee_code", "slug", "hostnames", "active")
    form_args = {
        "name": {"validators": [DataRequired(), Length(max=120)]},
        "insee_code": {"validators": [DataRequired()]},
        "slug": {"validators": [DataRequired(), Length(max=60)]},
        "hostnames": {"description": _l("Comma-separated, e.g. demarches.ville.fr")},
    }

    def validate_form(self, form):
        if not super().validate_form(form):
            return False
        if getattr(form, "insee_code", None) is None:
            return True
        ok = True
        if not INSEE_CODE.match(form.insee_code.data.strip().upper()):
            form.insee_code.errors.append(_("An INSEE code has five characters, e.g. 69123 or 2A004."))
            ok = False
        if not SLUG.match(form.slug.data.strip()):
            form.slug.errors.append(_("Lower-case letters, digits and hyphens only."))
            ok = False
        return ok


class AuditView(SecureModelView):
    permission = "core.audit.read"
    can_create = can_edit = can_delete = False
    column_list = ("at", "user", "action", "target", "ip", "details")
    column_labels = {
        "at": _l("When"), "user": _l("Who"), "action": _l("Action"), "target": _l("On"),
        "ip": _l("IP address"), "details": _l("Details"),
    }
    column_default_sort = ("at", True)
    column_filters = ("action", "at")
    column_searchable_list = ("action", "target")
    column_details_list = column_export_list = column_list
    # The event in words (the code stays what the filter and the search use).
    column_formatters = {"action": lambda view, context, model, name: action_label(model.action)}

    # Events about a confidential object (a CCAS file) keep their object for
    # holders of its read permission: the others see who did what, when, and
    # neither the target nor the details — in the list, the details and the
    # export — nor can they find it by searching its target.

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        if name in OBJECT_COLUMNS and not object_visible(model, self._viewer_permissions()):
            return _("hidden (confidential)")
        return super()._get_list_value(context, model, name, column_formatters, column_type_formatters)

    def _apply_search(self, query, count_query, joins, count_joins, search):
        condition = object_visible_condition(self._viewer_permissions())
        if condition is not None and search:
            query = query.filter(condition)
            count_query = count_query.filter(condition) if count_query is not None else None
        return super()._apply_search(query, count_query, joins, count_joins, search)

    def _viewer_permissions(self):
        if "grc_audit_permissions" not in g:
            g.grc_audit_permissions = viewer_permissions()
        return g.grc_audit_permissions

    def get_query(self):
        return super().get_query().options(joinedload(AuditEvent.user))


def core_views() -> list:
    from . import (
        api_keys_admin, citizens_admin, dashboards_admin, forms_admin, jobs_admin, register_admin, requests_admin,
        retention_admin, segments_admin, webhooks_admin, workflows_admin,
    )

    return [
        *requests_admin.views(),
        *dashboards_admin.views(),
        *citizens_admin.views(),
        *segments_admin.views(),
        *forms_admin.views(),
        *workflows_admin.views(),
        ServiceView(Service, name=_l("Services"), category=ADMINISTRATION, endpoint="core_services"),
        AgentView(Membership, name=_l("Agents"), category=ADMINISTRATION, endpoint="core_agents"),
        PluginsView(name=_l("Domains"), category=ADMINISTRATION, endpoint="core_plugins"),
        AuditView(AuditEvent, name=_l("Audit log"), category=ADMINISTRATION, endpoint="core_audit"),
        *api_keys_admin.views(),
        *webhooks_admin.views(),
        *retention_admin.views(),
        *register_admin.views(),
        CommuneView(Commune, name=_l("Communes"), category=PLATFORM, endpoint="core_communes"),
        *jobs_admin.views(),
    ]

