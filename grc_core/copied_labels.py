"""Labels a plugin gave a commune follow the reader's language.

When a domain is enabled, its request types, workflows, states and
transitions are copied into the commune (grc_core.tenancy.activation): the
copy stores the label as read in the default language (French) and, beside
it, its translation key — the plugin's English source (``label_key``). As
long as the commune has not renamed it (the stored label is still the key's
translation in the default language, or the key itself), the label is read
through the catalogs, in the reader's language; once renamed, it is the
commune's word and shows as typed. A commune's own request type may carry
an English label (``label_en``), shown to English readers.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, get_locale, gettext


def default_locale() -> str:
    return current_app.config["GRC"]["DEFAULT_LOCALE"]


def in_default_locale(key: str) -> str:
    """The key's translation in the default language: what a copy stores."""
    # Kept by the application, as Flask-Babel keeps its catalogs: a list
    # page reads a hundred labels, each asking the default language's
    # catalog through force_locale — a tenth of the queue page when the
    # answers were kept for one request only.
    cache = current_app.extensions.setdefault("grc_default_labels", {})
    language = default_locale()
    if (language, key) not in cache:
        with force_locale(language):
            cache[language, key] = gettext(key)
    return cache[language, key]


def shown_label(label: str, key: str | None = None, label_en: str | None = None) -> str:
    """``label`` as the reader should read it (see the module's docstring)."""
    if key and label in (key, in_default_locale(key)):
        return gettext(key)
    if label_en and str(get_locale() or "").startswith("en"):
        return label_en
    return label


def copied(label) -> tuple[str, str | None]:
    """``(label in the default language, its key)`` of a plugin's label (a
    lazy string, or plain text that has no key)."""
    key = getattr(label, "_args", None)
    key = key[0] if key and isinstance(key[0], str) else None
    if key is None:
        return str(label), None
    return in_default_locale(key), key


def type_labels(*where) -> list[tuple[int, str]]:
    """``(id, label)`` of the request types matching ``where``, in the
    reader's language and alphabetical order (for option lists)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import RequestType

    rows = db.session.execute(select(RequestType.id, RequestType.label, RequestType.label_key, RequestType.label_en)
                              .where(*where))
    return sorted(((row.id, shown_label(row.label, row.label_key, row.label_en)) for row in rows),
                  key=lambda item: item[1].casefold())
