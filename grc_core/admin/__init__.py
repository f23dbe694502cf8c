"""The back office: one Flask-Admin ``Admin`` per app, core and plugin views."""
from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from ..plugins.manager import PluginError
from ..security.headers import csp_nonce
from .base import SecureModelView, SecureView
from .views import HomeView, core_views

__all__ = ["SecureModelView", "SecureView", "init_admin"]


def init_admin(app, registry) -> Admin:
    admin = Admin(
        app,
        name="GRC",
        theme=Bootstrap4Theme(base_template="grc/admin_base.html", fluid=True),
        index_view=HomeView(name=_l("Home"), url="/admin", endpoint="admin"),
        # Flask-Admin's few inline scripts carry the page's nonce (security.headers).
        csp_nonce_generator=csp_nonce,
    )
    for view in core_views():
        admin.add_view(view)
    for plugin, view in registry.admin_views():
        if not isinstance(view, (SecureModelView, SecureView)):
            raise PluginError(
                f"Plugin « {plugin} » : la vue {type(view).__name__} doit hériter de SecureModelView ou SecureView."
            )
        if not view.endpoint.startswith(f"{plugin}_") and view.endpoint != plugin:
            raise PluginError(
                f"Plugin « {plugin} » : l'endpoint d'administration « {view.endpoint} » doit commencer par « {plugin}_ »."
            )
        view.plugin = plugin
        registry.blueprint_owners[view.endpoint] = plugin
        admin.add_view(view)
    return admin
