"""GRC — Gestion de la Relation Citoyen.

``create_app(config=None)`` (in :mod:`grc_core.app`) builds one app. The
import is deferred so that pure modules such as :mod:`grc_core.calendar`,
which the plugins' legal rules use, load without Flask or a database.
"""


def create_app(config: dict | None = None):
    from .app import create_app as build

    return build(config)


__all__ = ["create_app"]
