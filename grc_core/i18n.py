"""Translations: French by default, English complete; one domain per plugin.

Flask-Babel merges, for the current locale, the core's catalog (domain
``grc``) and each loaded plugin's (domain ``grc_<name>``). Compiled ``.mo``
files are committed so that a fresh install shows French at once;
``tests/test_i18n.py`` fails when a catalog is incomplete or stale.
"""
from __future__ import annotations

from pathlib import Path

from flask import g, has_app_context
from flask_babel import Babel, Domain, _get_current_context, get_locale

from .security.auth import select_locale

CORE_TRANSLATIONS = Path(__file__).parent / "translations"


class PageDomain(Domain):
    """Flask-Babel's domain, its merged catalog kept for the request once
    found: Flask-Babel's own lookup reads the request context again and
    spells the locale's name for every string, and a back-office page
    translates some two hundred (its labels, menus, history lines)."""

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        # The request's globals read once (each read through ``g`` is a proxy
        # lookup; Flask-Babel's own helper makes three).
        context = getattr(g._get_current_object(), "_flask_babel", None) or _get_current_context()
        # force_locale() sets another locale object, and puts the first one back.
        locale = getattr(context, "babel_locale", None) or get_locale()
        known = getattr(context, "grc_catalog", None)
        if known is None or known[0] is not locale:
            known = context.grc_catalog = (locale, super().get_translations())
        return known[1]


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
    babel = Babel(app, locale_selector=select_locale)
    domain = babel.domain_instance = PageDomain(domain=app.config["BABEL_DOMAIN"])
    # The templates' ``_()`` straight to the page's catalog (Flask-Babel's
    # callables ask for the request's domain first: three proxy lookups
    # more for each of a page's hundred strings).
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: domain.get_translations().ugettext(string),
        ngettext=lambda singular, plural, n: domain.get_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: domain.get_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: domain.get_translations().unpgettext(
            context, singular, plural, n),
        newstyle=True,
    )
