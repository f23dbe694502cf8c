"""The app factory.

``create_app(config=None)`` builds one app: settings, one pluggy
PluginManager, one Flask-Admin ``Admin``, blueprints and CLI. Nothing is kept
at module level, so two apps can live in one process (tests do).
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, g, render_template
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import database_outage, i18n, prepared_statements, replica, webapi
from .security import ids
from .admin import init_admin
from .extensions import csrf, db, login_manager
from .indicators import core as core_indicators
from .retention import activities as processing_activities
from .segments import criteria as segment_criteria
from .plugins.manager import PluginError, build_plugin_manager
from .plugins.registry import PluginRegistry
from .security import headers
from .security.auth import commune_choices
from .security.permissions import CORE_PERMISSIONS, can
from .observability import health, logs, metrics
from .settings import ConfigError, check_production, database_url, load_settings, plugin_names, secret_key
from .tenancy import resolver
from .tenancy.activation import active_plugins, working_domains
from .tenancy.addresses import home_url, serve_on_hostnames

CORE_MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(config: dict | None = None) -> Flask:
    settings = load_settings(config)
    check_production(settings)
    logs.configure_logging(settings)
    instance_path = settings.get("INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    instance = Path(app.instance_path)

    app.config.update(
        GRC=settings,
        SECRET_KEY=secret_key(settings, instance),
        SQLALCHEMY_DATABASE_URI=database_url(settings, instance),
        SESSION_COOKIE_SECURE=bool(settings["SESSION_COOKIE_SECURE"]),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=bool(settings["SESSION_COOKIE_SECURE"]),
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=int(settings["SESSION_LIFETIME_HOURS"])),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    app.config.update({k: v for k, v in settings.items() if k.startswith(("SQLALCHEMY_", "WTF_", "TESTING"))})
    replica.configure(app, settings)

    ids.init_app(app)
    db.init_app(app)
    with app.app_context():
        logs.log_slow_queries(db.engine, int(settings["SLOW_QUERY_MS"] or 0))
        if settings.get("DATABASE_PREPARED_STATEMENTS", True):
            for engine in db.engines.values():
                if engine.dialect.name == "postgresql":
                    prepared_statements.keep_across_read_only_transactions(engine)
    logs.init_request_ids(app)
    metrics.init_request_metrics(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"

    pm, manifests = build_plugin_manager(plugin_names(settings["PLUGINS"]), settings["EXTRA_PLUGINS"])
    registry = PluginRegistry(pm, manifests, core_permissions=CORE_PERMISSIONS, core_declarations={
        "grc_register_indicators": core_indicators.INDICATORS,
        "grc_register_dashboard_widgets": core_indicators.WIDGETS,
        "grc_register_processing_activities": processing_activities.ACTIVITIES,
        "grc_register_segment_criteria": segment_criteria.CORE_CRITERIA,
    })
    app.extensions["grc"] = registry

    _init_migrations(app, registry)
    i18n.init_app(app, registry)
    _register_blueprints(app, registry)
    webapi.init_app(app)
    _add_plugin_templates(app, registry)
    init_admin(app, registry)
    resolver.init_app(app)
    headers.init_app(app)
    database_outage.init_app(app)
    _register_page_helpers(app, registry)
    registry.register_commands(app.cli)
    return app


def _init_migrations(app: Flask, registry: PluginRegistry) -> None:
    locations = [str(CORE_MIGRATIONS / "versions"), *registry.migrations_dirs().values()]
    app.extensions["grc_version_locations"] = locations
    app.extensions["migrate"] = _MigrationsOnFirstUse(app)


class _MigrationsOnFirstUse:
    """Flask-Migrate, bound to the app the first time a command reads it.
    Importing it imports Alembic, Mako and Pygments — 11 MB in every web
    worker, which never migrates (``grc db upgrade``, ``grc init`` and the
    tests do). Binding replaces this entry of ``app.extensions`` with
    Flask-Migrate's own, to which every attribute read is then passed."""

    def __init__(self, app: Flask):
        self._app = app

    def __getattr__(self, name: str):
        from flask_migrate import Migrate

        migrate = Migrate(self._app, db, directory=str(CORE_MIGRATIONS), render_as_batch=True, compare_type=True)
        migrate.configure(_version_locations)
        return getattr(self._app.extensions["migrate"], name)


def _version_locations(config):
    from flask import current_app

    config.set_main_option("version_locations", " ".join(current_app.extensions["grc_version_locations"]))
    return config


def _register_blueprints(app: Flask, registry: PluginRegistry) -> None:
    from .portal import bp as portal_bp
    from .public import bp as public_bp
    from .security.account import bp as account_bp
    from .security.auth import bp as auth_bp

    app.register_blueprint(health.bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(portal_bp)
    for plugin, blueprint in registry.blueprints():
        if blueprint.name != plugin and not blueprint.name.startswith(f"{plugin}_"):
            raise PluginError(
                f"Plugin « {plugin} » : le blueprint « {blueprint.name} » doit s'appeler « {plugin} » "
                f"ou commencer par « {plugin}_ »."
            )
        registry.blueprint_owners[blueprint.name] = plugin
        app.register_blueprint(blueprint)
    serve_on_hostnames(app)  # after the plugins: their portal routes get the hostname form too


def _add_plugin_templates(app: Flask, registry: PluginRegistry) -> None:
    """Each plugin's ``templates/`` folder, after the core's: a plugin's
    templates live in ``templates/<plugin>/`` and never shadow the core's."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    folders = list(dict.fromkeys(registry.templates_dirs().values()))
    if folders:
        app.jinja_loader = ChoiceLoader([app.jinja_loader, *(FileSystemLoader(folder) for folder in folders)])


def _register_page_helpers(app: Flask, registry: PluginRegistry) -> None:
    from .admin.menu import navbar_menus
    from .admin.static_urls import static_url

    app.jinja_env.globals["get_locale"] = get_locale
    # Numbers in the reader's language (« 70,9 » in French), macros included.
    app.jinja_env.globals["format_decimal"] = format_decimal
    app.jinja_env.globals["commune_home_url"] = home_url
    app.jinja_env.globals["grc_static_url"] = static_url

    @app.context_processor
    def grc_page_context():
        commune = g.get("grc_commune")
        items = []
        if commune is not None and current_user.is_authenticated and not g.get("grc_public"):
            domains = working_domains(g.get("grc_membership"), active_plugins(commune))
            # Once per request: a page renders its plugins' panels with this context too.
            kept = g.get("grc_page_menu_items")
            if kept is None or kept[0] != (commune.id, domains):
                kept = g.grc_page_menu_items = ((commune.id, domains),
                                                registry.menu_items(domains, current_user, commune))
            items = kept[1]
        return {
            "grc_commune": commune,
            # Set when the page read a replica (grc_core.replica): how far behind it may be.
            "grc_replica_lag": g.get("grc_replica_lag"),
            "grc_menu_items": items,
            "grc_navbar_menus": navbar_menus,
            "grc_commune_choices": lambda: commune_choices(current_user) if current_user.is_authenticated else [],
            "can": can,
        }

    for code in (400, 403, 404, 429):
        app.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    def handler(error):
        from .portal.errors import error_page

        portal_page = error_page(code, error)
        if portal_page is not None:
            return portal_page
        return render_template("grc/error.html", code=code, error=error), code
    return handler
