"""Reads that may be a little stale go to a streaming replica.

With ``DATABASE_REPLICA_URL`` set, the views marked :func:`replica_reads`
(the queue, the dashboards, their exports) run their SELECTs on the replica,
so that the reading crowd of a Monday morning leaves the primary to those
who write. Never when it could show an agent something older than what he
just did:

- the replica's replay lag is measured first; above
  ``DATABASE_REPLICA_MAX_LAG_SECONDS`` (or the replica unreachable) the page
  reads the primary; the page says how far behind it may be;
- a session that wrote reads the primary from then on, and so does every
  page of the agent for ``DATABASE_REPLICA_MAX_LAG_SECONDS`` after a request
  of his wrote (the page a form redirects to shows the change).

Writes, and everything outside the marked views (sign-in, the request page,
jobs), use the primary. Without the setting nothing changes.
"""
from __future__ import annotations

import functools
import logging
import time

from flask import current_app, g, has_request_context
from flask import session as cookie_session
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

log = logging.getLogger("grc.replica")

BIND = "replica"
READ_REPLICA = "grc_read_replica"  # Session.info: this session's SELECTs may go to the replica
WROTE = "grc_wrote"  # Session.info: this session flushed a change
WROTE_AT = "grc_wrote_at"  # the agent's cookie session: when a request of his last wrote

# 0 when the replica has replayed all it received (an idle primary sends nothing
# new: the last replayed transaction's age would not be a lag).
LAG_SQL = text("SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
               "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END")


class RoutingSession(FlaskSession):
    """Flask-SQLAlchemy's session, sending the SELECTs of a replica-reading
    session that has not written to the replica."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if (bind is None and self.info.get(READ_REPLICA) and not self.info.get(WROTE)
                and getattr(clause, "is_select", False) and BIND in self._db.engines):
            return self._db.engines[BIND]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@event.listens_for(Session, "before_flush")
def _mark_written(session, flush_context, instances) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


def configure(app, settings: dict) -> None:
    """Declare the replica's engine (before ``db.init_app``) and the PgBouncer-safe connection options."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not settings.get("DATABASE_PREPARED_STATEMENTS", True):
        # PgBouncer in transaction mode hands each transaction any server
        # connection: a statement psycopg prepared on one is unknown on the next.
        options["connect_args"] = {**options.get("connect_args", {}), "prepare_threshold": None}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    replica = settings.get("DATABASE_REPLICA_URL")
    if replica:
        from .settings import database_url

        app.config["SQLALCHEMY_BINDS"] = {BIND: {"url": database_url({"DATABASE_URL": replica}, None), **options}}

    @app.after_request
    def _remember_writes(response):
        from .extensions import db

        if BIND in app.config.get("SQLALCHEMY_BINDS", {}) and db.session.info.get(WROTE):
            cookie_session[WROTE_AT] = int(time.time())
        return response


def replica_lag() -> float | None:
    """Seconds the replica is behind (None: no replica, or it cannot be reached)."""
    from .extensions import db

    if BIND not in db.engines:
        return None
    try:
        with db.engines[BIND].connect() as connection:
            return float(connection.execute(LAG_SQL).scalar() or 0)
    except SQLAlchemyError:
        log.warning("replica unreachable: reading the primary", exc_info=True)
        return None


def use_replica() -> bool:
    """Send this request's reads to the replica when it is fresh enough and
    the agent wrote nothing lately; ``g.grc_replica_lag`` tells the page."""
    from .extensions import db

    if not has_request_context() or BIND not in db.engines:
        return False
    bound = int(current_app.config["GRC"].get("DATABASE_REPLICA_MAX_LAG_SECONDS") or 0)
    wrote_at = cookie_session.get(WROTE_AT)
    if wrote_at is not None and time.time() - float(wrote_at) < bound:
        return False
    lag = replica_lag()
    if lag is None or lag > bound:
        return False
    db.session.info[READ_REPLICA] = True
    g.grc_replica_lag = bound
    return True


def replica_reads(view):
    """Mark a view whose reads may come from the replica."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        use_replica()
        return view(*args, **kwargs)
    return wrapper
