"""Base classes for back-office views, core and plugins alike.

Access is decided here, server-side, for every request to a view: signed
in, a current commune, the owning plugin active there, and the view's
permission. Plugins subclass these and set ``permission``; the core sets
``plugin`` from the plugin that returned the view.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _
from flask_login import current_user

from ..audit import record
from ..extensions import db
from ..forms.hygiene import AdminHygieneForm
from ..security.permissions import can
from ..security.redirects import is_safe_path
from ..spreadsheet import FORMATS, download
from ..tenancy.activation import is_active


class Guarded:
    #: Permission needed to see and use the view.
    permission: str = "core.backoffice"
    #: Only platform administrators (communes of the whole deployment).
    platform_only: bool = False
    #: Owning plugin; set by the core when it registers the view.
    plugin: str | None = None

    def is_accessible(self) -> bool:
        if not current_user.is_authenticated:
            return False
        if self.platform_only:
            return bool(current_user.is_platform_admin)
        commune = g.get("grc_commune")
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


class SecureModelView(Guarded, ModelView):
    """A list/create/edit view of a model, scoped to the current commune."""

    page_size = 50
    can_view_details = True
    can_export = True
    export_types = ["csv", "xlsx"]
    # Control characters, lengths, names and phones (forms.hygiene), as in every other form.
    form_base_class = AdminHygieneForm

    def __init__(self, model, name=None, category=None, endpoint=None, **kwargs):
        super().__init__(model, db, name=name, category=category, endpoint=endpoint, **kwargs)

    def get_one(self, id):
        # Another commune's row is invisible (tenancy criteria): say 404, not
        # "record does not exist" with a redirect that would confirm the URL.
        obj = super().get_one(id)
        if obj is None:
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
