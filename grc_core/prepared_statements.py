"""Keep PostgreSQL's prepared statements from one web request to the next.

psycopg prepares a statement the fifth time a connection sends it; PostgreSQL
then plans it once instead of on every run. That matters: the request page's
main SELECT (the request and five relations) takes 1.7 ms to plan and 0.3 ms
to run on the 1M bench. But psycopg forgets every prepared statement when a
transaction is rolled back (it cannot tell which of them the rollback made
invalid), and each web request ended with one: Flask-SQLAlchemy closes the
session at the end of the request, and closing rolls back. No statement
stayed prepared, and every page planned all of its statements again.

A transaction that sent only SELECT statements has nothing to undo: it now
ends with a COMMIT, which keeps them. A transaction that sent anything else
(an INSERT, an UPDATE, a SET, a statement written as text) is rolled back as
before; so is one in error.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine

# In the connection's info: this transaction sent something other than a SELECT.
WROTE = "grc_transaction_wrote"


def keep_across_read_only_transactions(engine: Engine) -> None:
    """Install the hooks on a PostgreSQL (psycopg) engine."""
    import psycopg
    from psycopg.pq import TransactionStatus

    @event.listens_for(engine, "begin")
    def _began(conn):
        conn.info.pop(WROTE, None)

    @event.listens_for(engine, "before_cursor_execute")
    def _noted(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() != "SELECT":
            conn.info[WROTE] = True

    @event.listens_for(engine, "rollback")
    def _committed_instead(conn):
        # Called before the rollback is sent; once committed, psycopg finds
        # no transaction to roll back and keeps what it prepared.
        if conn.closed or conn.invalidated or not conn.connection.is_valid or conn.info.get(WROTE):
            return  # a connection the database dropped has nothing to keep
        dbapi_connection = conn.connection.dbapi_connection
        if dbapi_connection.info.transaction_status != TransactionStatus.INTRANS:
            return  # idle, or in error: the rollback does what is needed
        try:
            dbapi_connection.commit()
        except psycopg.Error:
            pass  # the server went away meanwhile: the rollback that follows deals with it, as before
