"""Base classes for back-office views, core and plugins alike.

Access is decided here, server-side, for every request to a view: signed
in, a current commune, the owning plugin active there, and the view's
permission. Plugins subclass these and set ``permission``; the core sets
``plugin`` from the plugin that returned the view.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.model import typefmt
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from markupsafe import Markup
from flask_login import current_user
from wtforms import DecimalField, IntegerField

from ..audit import record
from ..extensions import db
from ..forms.hygiene import AdminHygieneForm
from ..security.access import may_read_record, readable_records_condition
from ..security.ids import ID_MAX, parse_id
from ..security.permissions import can, effective_role
from ..security.redirects import is_safe_path
from ..spreadsheet import FORMATS, download
from ..tenancy.activation import VIEW_ACCESS_CACHE, active_plugins, is_active


def access_profile() -> tuple:
    """What decides which back-office views the signed-in member may open:
    signed in or not, platform administrator, the commune, its active
    plugins, the member's role and granted permissions. Every view's
    ``is_accessible`` reads these only (:class:`Guarded`, the role checks of
    the requests' and citizens' pages): the navbar is kept per profile
    (grc_core.admin.menu). A view deciding on anything else must not be
    in a menu."""
    user = current_user._get_current_object()
    if not user.is_authenticated:
        return (False,)
    state = g._get_current_object()
    commune, membership = state.get("grc_commune"), state.get("grc_membership")
    return (True, bool(user.is_platform_admin), getattr(commune, "id", None),
            tuple(active_plugins(commune)) if commune is not None else (), effective_role(user, membership),
            tuple(membership.permissions or ()) if membership is not None else ())


class Guarded:
    #: Permission needed to see and use the view.
    permission: str = "core.backoffice"
    #: Only platform administrators (communes of the whole deployment).
    platform_only: bool = False
    #: Owning plugin; set by the core when it registers the view.
    plugin: str | None = None

    def is_accessible(self) -> bool:
        # Flask-Admin asks every view several times per page (menu, categories,
        # visibility): ~250 times for one back-office page. The answer is kept
        # for the request, keyed by the user and the commune, and dropped when
        # a domain is enabled or disabled (tenancy.activation forgets it).
        # The request's globals read once (each read through ``g`` is a proxy lookup).
        state = g._get_current_object()
        user = current_user._get_current_object()
        commune = state.get("grc_commune")
        known = state.setdefault(VIEW_ACCESS_CACHE, {})
        key = (id(self), id(user), getattr(commune, "id", None))
        if key not in known:
            known[key] = self._decide_access(user, commune)
        return known[key]

    def _decide_access(self, user, commune) -> bool:
        if not user.is_authenticated:
            return False
        if self.platform_only:
            return bool(user.is_platform_admin)
        return commune is not None and is_active(self.plugin, commune) and can(self.permission)

    def is_visible(self) -> bool:
        return self.is_accessible()

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        # Flask-Admin sends the browser back to ``url`` (query string, or the
        # delete form's hidden field) after a save or a delete; its own check
        # lets control characters through (a 500 on CR/LF), so the same rule
        # as every ``next`` applies. Other forms may have a "url" field of
        # their own: only the query string and the delete form are checked.
        targets = [request.args.get("url")]
        if name in ("delete_view", "action_view"):
            targets.append(request.form.get("url"))
        if any(target is not None and not is_safe_path(target) for target in targets):
            if request.method not in ("GET", "HEAD"):
                abort(400)
            args = request.args.to_dict(flat=False)
            args.pop("url", None)
            return redirect(url_for(request.endpoint, **(request.view_args or {}), **args))
        return None

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        commune = g.get("grc_commune")
        if commune is None or not is_active(self.plugin, commune):
            abort(404)
        record("permission.refused", target=request.path,
               details={"permission": "platform" if self.platform_only else self.permission})
        abort(403)


class SecureView(Guarded, BaseView):
    """A custom back-office page."""


def _moment(view, value: datetime, name: str) -> str:
    # In the reader's language and the commune's time zone (stored in UTC).
    return format_datetime(value, "short")


def _day(view, value: date, name: str) -> str:
    return format_date(value, "medium")


def _yes_no(view, value: bool, name: str) -> str:
    # Flask-Admin's own icon says "active: true" in a title only: screen
    # readers get the word in the reader's language instead.
    icon = "fa-check-circle" if value else "fa-minus-circle"
    word = _("Yes") if value else _("No")
    return Markup(f'<span class="fa {icon}" aria-hidden="true"></span><span class="sr-only">{word}</span>')


def _yes_no_text(view, value: bool, name: str) -> str:
    return _("Yes") if value else _("No")


# datetime before date: a datetime is a date too, and the first match wins.
LIST_FORMATTERS = {datetime: _moment, date: _day, **typefmt.BASE_FORMATTERS, bool: _yes_no}
DETAIL_FORMATTERS = {datetime: _moment, date: _day, **typefmt.DETAIL_FORMATTERS, bool: _yes_no_text}
# Exports keep moments as moments (grc_core.spreadsheet writes them in local time) and say yes or no in words.
EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, bool: _yes_no_text}


# Flask-Admin's views that change rows, and the permission each needs.
_WRITES = {"create_view": "create", "edit_view": "edit", "delete_view": "delete"}


class SecureModelView(Guarded, ModelView):
    """A list/create/edit view of a model, scoped to the current commune.

    ``permission`` opens the view (list, details, export); creating and
    editing need ``edit_permission`` and deleting ``delete_permission``
    (each defaults to the one before). They are checked on every request,
    not only where the buttons are drawn: a POST without the permission is
    403. Rows that belong to a request (a ``request_id`` column) follow it:
    only those of the requests the member may read are listed or opened
    (grc_core.security.access). Ids from ``?id=`` and ``rowid`` that cannot
    name a row are 404.
    """

    page_size = 50
    column_type_formatters = LIST_FORMATTERS
    column_type_formatters_detail = DETAIL_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    # Control characters, lengths, names and phones (forms.hygiene), as in every other form.
    form_base_class = AdminHygieneForm
    #: Permission to create and edit rows (None: ``permission``).
    edit_permission: str | None = None
    #: Permission to delete rows (None: ``edit_permission``).
    delete_permission: str | None = None

    def __init__(self, model, name=None, category=None, endpoint=None, **kwargs):
        super().__init__(model, db, name=name, category=category, endpoint=endpoint, **kwargs)

    def _get_list_extra_args(self):
        # ?page=-1 would be a negative OFFSET: an error on PostgreSQL (SQLite reads 0). The first page instead.
        args = super()._get_list_extra_args()
        if args.page is not None and args.page < 0:
            args.page = 0
        return args

    def _may(self, what: str) -> bool:
        if not has_request_context():
            return True  # what the view offers at all, for code inspecting views; requests ask the member
        edit = self.edit_permission or self.permission
        return can(self.delete_permission or edit if what == "delete" else edit)

    # Properties, so that Flask-Admin's own checks (buttons, views, the
    # delete action) ask the permission; a subclass may still set False.
    @property
    def can_create(self) -> bool:
        return self._may("create")

    @property
    def can_edit(self) -> bool:
        return self._may("edit")

    @property
    def can_delete(self) -> bool:
        return self._may("delete")

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        for key in ("id", "rowid"):
            values = request.args.getlist(key) + (request.form.getlist(key) if request.method == "POST" else [])
            if any(parse_id(value) is None for value in values):
                abort(404)
        action = request.form.get("action") if name == "action_view" else None
        what = _WRITES.get(name) or ("delete" if action == "delete" else None)
        if what is not None and not getattr(self, f"can_{what}"):
            record("permission.refused", target=request.path, details={
                "permission": (self.delete_permission if what == "delete" else None) or self.edit_permission
                or self.permission, "action": what})
            abort(403)
        return None

    def validate_form(self, form):
        # Numbers the database cannot store (beyond an INTEGER, NaN, more digits
        # than the column's NUMERIC holds) are the user's mistake, said next to
        # the field — checked before the field's own validators compare them.
        out_of_range = [field for field in form if field.data is not None and not self._storable(field)]
        for field in out_of_range:
            field.errors = [*field.errors, _("This number is out of range.")]
        return not out_of_range and super().validate_form(form)

    def _storable(self, field) -> bool:
        if isinstance(field, IntegerField) and isinstance(field.data, int):
            return -ID_MAX - 1 <= field.data <= ID_MAX
        if isinstance(field, DecimalField) and isinstance(field.data, Decimal):
            if not field.data.is_finite():
                return False
            table = getattr(self.model, "__table__", None)
            column = table.columns.get(field.name) if table is not None else None
            precision = getattr(column.type, "precision", None) if column is not None else None
            if precision is None:
                return True
            return abs(field.data) < Decimal(10) ** (precision - (getattr(column.type, "scale", None) or 0))
        return True

    def _export_csv(self, return_url):
        # Built whole before the first byte: a row that fails to render gives an
        # error page, never a 200 cut off in the middle of the file.
        streamed = super()._export_csv(return_url)
        body = "".join(streamed.response)
        return current_app.response_class(body, headers=dict(streamed.headers), mimetype="text/csv")

    def _readable(self, query):
        condition = readable_records_condition(self.model) if hasattr(self.model, "request_id") else None
        return query if condition is None else query.filter(condition)

    def get_query(self):
        return self._readable(super().get_query())

    def get_count_query(self):
        return self._readable(super().get_count_query())

    def get_one(self, id):
        # Another commune's row is invisible (tenancy criteria), a row of a request
        # this member may not read too: say 404, not "record does not exist" with a
        # redirect that would confirm the URL.
        if parse_id(id) is None:
            abort(404)
        obj = super().get_one(id)
        if obj is None or not may_read_record(obj):
            abort(404)
        return obj

    @expose("/export/<export_type>/")
    def export(self, export_type):
        # Flask-Admin's own CSV writer leaves formulas live: every list's
        # export goes through the one writer that neutralises them.
        if not self.can_export or export_type not in self.export_types or export_type not in FORMATS:
            flash(_("Permission denied."), "error")
            return redirect(self.get_url(".index_view"))
        _count, data = self._export_data()
        rows = [[str(title) for _name, title in self._export_columns]]
        rows += [[self.get_export_value(row, name) for name, _title in self._export_columns] for row in data]
        return download(rows, export_type, self.get_export_name(export_type).rsplit(".", 1)[0], str(self.name))


class HomeIndexView(Guarded, AdminIndexView):
    """The agent's home page."""
