"""The rules' explanations are lazy texts: the tests read them in a language.

``in_french`` / ``in_english``: a bare Flask application with the core's and
the plugin's catalogs (no database), its context open under that locale."""
from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from grc_core import plugin_api

PLUGIN = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalogs_app():
    application = Flask("urbanisme_rules")
    application.config.update(
        BABEL_TRANSLATION_DIRECTORIES=f"{Path(plugin_api.__file__).resolve().parents[1] / 'translations'};"
                                      f"{PLUGIN / 'translations'}",
        BABEL_DOMAIN="grc;grc_urbanisme", BABEL_DEFAULT_LOCALE="fr", BABEL_DEFAULT_TIMEZONE="Europe/Paris")
    Babel(application)
    return application


@pytest.fixture
def in_french(catalogs_app):
    with catalogs_app.app_context(), force_locale("fr"):
        yield


@pytest.fixture
def in_english(catalogs_app):
    with catalogs_app.app_context(), force_locale("en"):
        yield
