"""Migrations build the whole schema, and models never drift from them."""
import subprocess
import sys
from importlib.metadata import entry_points

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import inspect

from grc_core.extensions import db
from grc_core.requests.free_text import is_migration_only


def of_plugins_not_loaded(app):
    """Whether a table belongs to an installed plugin this app did not load:
    another app of the same test process may have imported its models into
    the shared metadata (plugin tables are named ``<plugin>_…``)."""
    loaded = set(app.extensions["grc"].names)
    others = {entry.name for entry in entry_points(group="grc.plugins")} - loaded
    return lambda table_name: any(table_name.startswith(f"{plugin}_") for plugin in others)


def test_models_and_migrations_do_not_drift(app):
    """The app fixture's database was built by `upgrade heads` alone."""
    foreign = of_plugins_not_loaded(app)

    def in_this_app(obj, name, type_, reflected, compare_to):
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
        # The queue's free-text index (FTS5 table, trigram index) exists in migrations only.
        return (not foreign(table or "") and not is_migration_only(name or "", type_)
                and not is_migration_only(table or "", "table"))

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": in_this_app})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models differ from migrations; run `grc db migrate`: {differences}"


def test_every_table_exists_after_upgrade(app):
    foreign = of_plugins_not_loaded(app)
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables if not foreign(t.name)} <= tables


def test_one_branch_for_the_core_and_one_per_loaded_plugin(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config)
        revisions = list(script.walk_revisions())
        labels = {label for revision in revisions for label in revision.branch_labels}
        # A plugin branch depends on the core: the core head is then implied.
        depended_on = {
            dependency.revision for revision in revisions if revision.dependencies
            for dependency in script.revision_map.get_revisions(revision.dependencies)
        }
        heads = set(script.get_heads()) - depended_on
        with db.engine.connect() as connection:
            applied = set(MigrationContext.configure(connection).get_current_heads())
    assert labels == {"core", *app.extensions["grc"].names}
    assert applied == heads


def test_migrate_extension_is_bound_once(app):
    assert isinstance(app.extensions["migrate"].migrate, Migrate)


def test_a_web_worker_never_imports_alembic(tmp_path):
    """Flask-Migrate is bound when a command first reads it: the app a
    gunicorn worker builds and serves pages with loads neither Alembic nor
    Mako (11 MB of a worker's memory), and a migration still finds it."""
    script = f"""
import sys
from grc_core import create_app
app = create_app({{"DATABASE_URL": "sqlite:///{tmp_path}/grc.sqlite", "SECRET_KEY": "x" * 40, "PLUGINS": "*",
                  "INSTANCE_PATH": "{tmp_path}"}})
assert app.test_client().get("/healthz").status_code == 200
print(sorted(name for name in sys.modules if name.split(".")[0] in ("alembic", "mako", "flask_migrate")))
with app.app_context():
    import flask_migrate
    flask_migrate.upgrade(revision="heads")
    print(type(app.extensions["migrate"].migrate).__name__)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-2:] == ["[]", "Migrate"]
