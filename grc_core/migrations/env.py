"""Alembic environment for GRC: the core branch plus one branch per plugin.

``version_locations`` (core + every loaded plugin's ``grc_migrations_dir``)
is set by create_app; ``grc db upgrade`` goes to ``heads``.
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
engine = target_db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _include_object(obj, name, type_, reflected, compare_to):
    """Autogenerate leaves alone what only migrations create: the queue's
    free-text index (grc_core.requests.free_text)."""
    from grc_core.requests.free_text import is_migration_only

    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not is_migration_only(name or "", type_) and not is_migration_only(table or "", "table")


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    arguments = dict(current_app.extensions["migrate"].configure_args)
    arguments.setdefault("process_revision_directives", _skip_empty_autogenerate)
    arguments.setdefault("include_object", _include_object)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **arguments)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
