"""Fixtures shared by several core test modules (the repository's shared
fixtures are in grc_core.plugin_api.testing)."""
from __future__ import annotations

import pytest

from grc_core.plugin_api.testing import build_test_app, empty_tables

SECRET = {"secret": "tests.plugins.secret"}


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
