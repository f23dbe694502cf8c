"""The back office: one Flask-Admin ``Admin`` per app, core and plugin views."""
from __future__ import annotations

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from ..plugins.manager import PluginError
from ..security.headers import csp_nonce
from .base import Guarded, SecureModelView, SecureView
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
        undeclared = undeclared_permissions(view)
        if undeclared:
            raise PluginError(
                f"Plugin « {plugin} » : la vue {type(view).__name__} doit déclarer {', '.join(undeclared)}."
            )
        view.plugin = plugin
        registry.blueprint_owners[view.endpoint] = plugin
        admin.add_view(view)
    return admin


def undeclared_permissions(view) -> list[str]:
    """The permission attributes a plugin's view leaves to the core's defaults:
    who opens it, and for a model view who edits and who deletes — a plugin
    says it, rather than inheriting "any member of the back office"."""
    bases = (Guarded, SecureView, SecureModelView)
    own = [cls for cls in type(view).__mro__ if issubclass(cls, Guarded) and cls not in bases]

    def declared(name: str) -> bool:
        return any(name in vars(cls) for cls in own)

    names = ["permission"]
    if isinstance(view, SecureModelView):
        names += [name for name, ability in (("edit_permission", "can_edit"), ("delete_permission", "can_delete"))
                  if not (declared(ability) and getattr(view, ability) is False)]
    return [name for name in names if not declared(name)]
