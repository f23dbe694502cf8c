"""Fixtures shared by several core test modules (the repository's shared
fixtures are in grc_core.plugin_api.testing)."""
from __future__ import annotations

import os

import pytest

from grc_core.plugin_api.testing import build_test_app, empty_tables

SECRET = {"secret": "tests.plugins.secret"}


def pytest_collection_modifyitems(config, items):
    """A test marked ``once`` needs no particular database (it starts its own
    servers, or its own SQLite instance): the default run has it; the
    PostgreSQL and per-plugin runs skip it rather than run it again."""
    if os.environ.get("GRC_TEST_DATABASE_URL") or "GRC_TEST_PLUGINS" in os.environ:
        skip = pytest.mark.skip(reason="runs once, in the default run (needs no particular database)")
        for item in items:
            if item.get_closest_marker("once"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def secret_session_app(tmp_path_factory):
    """An app with only the secret test plugin (one confidential type,
    ``secret.read``), on a database of its own."""
    from grc_core.extensions import db

    application = build_test_app(tmp_path_factory, plugins=["secret"], extra_plugins=SECRET, name="privacy",
                                 own_database=True)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def privacy_app(secret_session_app):
    """The secret plugin's app, emptied after each test."""
    yield secret_session_app
    empty_tables(secret_session_app)
