"""Translations: French by default, English complete; one domain per plugin.

Flask-Babel merges, for the current locale, the core's catalog (domain
``grc``) and each loaded plugin's (domain ``grc_<name>``). Compiled ``.mo``
files are committed so that a fresh install shows French at once;
``tests/test_i18n.py`` fails when a catalog is incomplete or stale.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import Babel

from .security.auth import select_locale

CORE_TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app, registry) -> None:
    directories = [str(CORE_TRANSLATIONS)]
    domains = ["grc"]
    for plugin, path in registry.translations_dirs().items():
        directories.append(str(path))
        domains.append(f"grc_{plugin}")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["GRC"]["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["GRC"]["DEFAULT_TIMEZONE"]
    # One Babel per app: Flask-Babel caches catalogs on the instance, and two
    # apps in one process (tests) may load different plugins.
    Babel(app, locale_selector=select_locale)
