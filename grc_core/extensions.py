"""Flask extensions, created unbound and bound in create_app().

Flask-Babel is not here: it keeps per-app state on its instance (grc_core.i18n).

Nothing here holds per-app state: a second app in the same process gets its
own bindings (Flask stores them in app.extensions).
"""
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .replica import RoutingSession

# Named constraints, so that Alembic can alter and drop them the same way on
# SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Its session sends some reads to a replica when one is configured (grc_core.replica).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
login_manager = LoginManager()
csrf = CSRFProtect()


def csrf_exempt(view):
    """Exempt a view from the CSRF check: only for a POST that cannot carry
    the session's token and authenticates otherwise (a signed link's
    one-click unsubscribe, RFC 8058)."""
    return csrf.exempt(view)


def commit_keeping_objects() -> None:
    """Commit without expiring what the session holds.

    A commit expires every object, and the next read of any attribute loads
    it again: the commune, the signed-in account, the request type… one
    query each. For a commit in the middle of a web request whose objects
    were read a moment ago and are not read back from another process's
    changes (a sign-in reservation, a request just filed), that reload only
    costs round trips; the values are the ones just read or written.
    """
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire_on_commit
