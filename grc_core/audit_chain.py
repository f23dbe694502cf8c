"""The audit log's hash chain: each event carries the hash of the one before
it in its chain, so that altering, inserting or deleting a row in the middle
shows (``grc audit verify``).

One chain per commune, and one for platform events (no commune): ``chain``
is the commune's id, 0 for the platform. ``seq`` numbers the chain's events
from 1 without gaps; ``(chain, seq)`` is unique, so two writers that read the
same last event cannot both append after it — the second one fails instead
of forking the chain. They do not even get there: a transaction's events
are chained as it commits (grc_core.audit), after :func:`lock_chain` made
the other writers of the chain wait until that commit (PostgreSQL: a
transaction-level advisory lock; SQLite: its database write lock, taken
before the last event is read). Taken at the commit only, the lock cannot
deadlock with the row locks the transaction took before.

What is hashed is every column an event is read by (time, commune, user,
action, target, address, details, guarding permission) plus the previous
hash, in a canonical JSON form that reads the same after a round trip
through either database. Removing the newest events of a chain is not
detected by the chain alone: compare the chain's length with a copy kept
elsewhere (``grc audit verify`` prints it).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, text

from .extensions import db

GENESIS = "0" * 64
# Namespace of the advisory locks (first key); the second one is the chain.
LOCK_NAMESPACE = 0x6A0D17


def normalised_time(at: datetime) -> str:
    """UTC, microseconds, no offset: SQLite gives naive UTC back, PostgreSQL an aware time."""
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def event_hash(*, prev_hash: str, chain: int, seq: int, commune_id, at: datetime, user_id, action: str,
               target: str, ip: str, details, read_permission) -> str:
    payload = json.dumps(
        [prev_hash, chain, seq, commune_id, normalised_time(at), user_id, action, target, ip, details,
         read_permission],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain_of(commune_id) -> int:
    return commune_id or 0


def lock_chain(session, chain: int) -> None:
    """Make other writers of ``chain`` wait until this transaction ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:namespace, :chain)"),
                        {"namespace": LOCK_NAMESPACE, "chain": chain})
    else:
        # Any write statement takes SQLite's write lock (held until commit),
        # even one that changes no row: nobody appends meanwhile.
        session.execute(text("UPDATE audit_event SET seq = seq WHERE 1 = 0"))


def last_link(session, chain: int) -> tuple[int, str]:
    """``(seq, hash)`` of the newest event of ``chain``, ``(0, GENESIS)`` when empty."""
    from .models import AuditEvent

    table = AuditEvent.__table__  # a Core query: the chain crosses no tenancy criteria
    row = session.execute(select(table.c.seq, table.c.hash).where(table.c.chain == chain)
                          .order_by(table.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


@dataclass
class ChainReport:
    chain: int
    length: int
    broken_at: int | None = None  # seq of the first event that does not hold
    event_id: int | None = None
    reason_code: str = ""  # "missing", "unlinked" or "altered"

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(chain: int, batch: int = 5000) -> ChainReport:
    """Walk ``chain`` from its first event; stop at the first broken link."""
    from .models import AuditEvent

    table = AuditEvent.__table__
    expected_prev, expected_seq, length = GENESIS, 1, 0
    after = 0
    while True:
        rows = db.session.execute(select(table).where(table.c.chain == chain, table.c.seq > after)
                                  .order_by(table.c.seq).limit(batch)).all()
        if not rows:
            return ChainReport(chain, length)
        for row in rows:
            if row.seq != expected_seq:
                return ChainReport(chain, length, expected_seq, row.id, "missing")
            if row.prev_hash != expected_prev:
                return ChainReport(chain, length, row.seq, row.id, "unlinked")
            recomputed = event_hash(
                prev_hash=row.prev_hash, chain=row.chain, seq=row.seq, commune_id=row.commune_id, at=row.at,
                user_id=row.user_id, action=row.action, target=row.target, ip=row.ip, details=row.details,
                read_permission=row.read_permission)
            if recomputed != row.hash:
                return ChainReport(chain, length, row.seq, row.id, "altered")
            expected_prev, expected_seq, length = row.hash, expected_seq + 1, length + 1
            after = row.seq


def chains() -> list[int]:
    from .models import AuditEvent

    table = AuditEvent.__table__
    return list(db.session.scalars(select(table.c.chain).distinct().order_by(table.c.chain)))
