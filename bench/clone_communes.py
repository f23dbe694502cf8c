"""Clone a loaded commune many times inside PostgreSQL, for the many-communes bench.

Loading fifty communes of 100,000 requests with ``bench.seed`` takes over two
hours (its Python generator and the application's commune set-up, per
commune). Here one commune is seeded (the *template*) and copied ``copies``
times with one ``INSERT … SELECT`` per table: minutes, not hours.

What is copied comes from the application's metadata (every plugin loaded),
not from a list kept by hand, so that a new plugin table is copied too:
every table with a ``commune_id``, the tables reached from them through
foreign keys (``membership_service``), and the agents (``user_account``, a
global table whose rows belong to a commune through their membership).
In each copy:

- ids are shifted by ``copy × span`` where ``span`` is the table's highest id,
  and so are the foreign keys (and the ``<table>_id`` columns that refer to a
  copied table without a declared key, like the dashboards' counters'
  ``service_id``);
- ``commune_id`` is the new commune's, and the string columns under a unique
  constraint that is not per commune (agents' e-mails, tokens, storage keys)
  get the new commune's slug in place of the template's (or a ``-<copy>``
  suffix);
- ids kept in JSON documents (history details) are left as they are: the
  copies are volume, their own pages are not what the bench measures.

The *measured* commune (seeded separately, with its own generator seed) is
re-inserted with its rows unchanged, ids included, but all the copied tables
are rewritten in one pass ordered by each row's rank in its commune: the
heap holds the fifty communes' rows interleaved in time, as a live
deployment writes them, not one commune after the other (which would give
the measured commune's pages fifty times fewer heap blocks to read than in
real life).

:func:`foreign_rows` checks afterwards that no copied row points into
another commune.
"""
from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field

from sqlalchemy import Integer, String, Table

# The global table whose rows belong to a commune through another table:
# an agent is the commune's through their membership.
OWNED_THROUGH = {"user_account": ("membership", "user_id")}
# Columns that are the commune's id by another name (grc_core.audit_chain.chain_of).
FOLLOWS_COMMUNE = {("audit_event", "chain")}


@dataclass
class ClonedTable:
    table: Table
    owner: str                       # SQL giving the commune of row ``t``
    kept: bool                       # a global table: its rows stay, the copies' are added
    references: dict[str, str] = field(default_factory=dict)   # column -> copied table it points to
    commune_columns: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)           # strings under a non-commune unique constraint

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def has_id(self) -> bool:
        return [c.name for c in self.table.primary_key.columns] == ["id"]


def plan(metadata) -> list[ClonedTable]:
    """The tables to copy, parents first, and what to rewrite in each."""
    tables = metadata.tables
    owners: dict[str, str] = {}
    for name, table in tables.items():
        if "commune_id" in table.c:
            owners[name] = "t.commune_id"
    for name, (through, column) in OWNED_THROUGH.items():
        owners[name] = f'(SELECT min(o.commune_id) FROM "{through}" o WHERE o."{column}" = t.id)'
    grown = True
    while grown:  # tables reached through a foreign key, owned through their parent
        grown = False
        for name, table in tables.items():
            if name in owners or name == "commune":
                continue
            for fk in sorted(table.foreign_keys, key=lambda fk: fk.parent.name):
                parent = fk.column.table.name
                if parent in owners:
                    owners[name] = (f'(SELECT {owners[parent].replace("t.", "p.")} FROM "{parent}" p '
                                    f'WHERE p.id = t."{fk.parent.name}")')
                    grown = True
                    break
    planned = []
    for table in metadata.sorted_tables:
        if table.name not in owners:
            continue
        cloned = ClonedTable(table, owners[table.name], kept="commune_id" not in table.c
                             and table.name in OWNED_THROUGH)
        declared = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        for column in table.c:
            parent = declared.get(column.name)
            if (parent is None and column.name.endswith("_id") and column.name[:-3] in owners
                    and isinstance(column.type, Integer)):
                parent = column.name[:-3]
            if column.name == "commune_id" or parent == "commune" or (table.name, column.name) in FOLLOWS_COMMUNE:
                cloned.commune_columns.append(column.name)
            elif parent in owners:
                cloned.references[column.name] = parent
        per_copy = set(cloned.commune_columns) | set(cloned.references) | {"id"}
        for columns in _unique_column_sets(table):
            if not per_copy & set(columns):
                cloned.renamed += [c for c in columns if isinstance(table.c[c].type, String)
                                   and c not in cloned.renamed]
        planned.append(cloned)
    return planned


def _unique_column_sets(table: Table):
    for constraint in table.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint":
            yield [c.name for c in constraint.columns]
    for index in table.indexes:
        if index.unique:
            yield [c.name for c in index.columns]
    for column in table.c:
        if column.unique:
            yield [column.name]


def _renice(cursor, log) -> None:
    """PostgreSQL backends do not inherit our nice: other sessions time pages on this cluster."""
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    if subprocess.run(["renice", "-n", "19", "-p", str(pid)], capture_output=True).returncode != 0:
        log(f"  (could not renice backend {pid}: the load runs at normal priority)")


def clone(engine, metadata, template_id: int, measured_id: int, communes: list[tuple[str, str, str]],
          log=print) -> dict[str, float]:
    """Copy commune ``template_id`` once per (name, INSEE, slug) of ``communes``
    and rewrite the copied tables interleaved (see the module's doc).
    Returns the seconds of each phase."""
    tables = plan(metadata)
    phases: dict[str, float] = {}
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        _renice(cursor, log)
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET synchronous_commit TO OFF")
        step = time.perf_counter()
        cursor.execute("SELECT slug FROM commune WHERE id = %s", (template_id,))
        template_slug = cursor.fetchone()[0]
        commune_ids = []
        for name, insee, slug in communes:
            cursor.execute("INSERT INTO commune (name, insee_code, slug, hostnames, settings, active, created_at) "
                           "SELECT %s, %s, %s, replace(hostnames, slug, %s), settings, active, created_at "
                           "FROM commune WHERE id = %s RETURNING id", (name, insee, slug, slug, template_id))
            commune_ids.append(cursor.fetchone()[0])
        spans = {}
        for cloned in tables:
            if cloned.has_id:
                cursor.execute(f'SELECT COALESCE(max(id), 0) FROM "{cloned.name}"')
                spans[cloned.name] = cursor.fetchone()[0]
            # The rows to copy or to re-insert, each with its rank in its commune.
            rank = (f"t.id - min(t.id) OVER (PARTITION BY {cloned.owner})" if cloned.has_id else "0")
            wanted = f"({int(template_id)})" if cloned.kept else f"({int(template_id)}, {int(measured_id)})"
            cursor.execute(f'CREATE TEMP TABLE "src_{cloned.name}" AS SELECT t.*, {cloned.owner} AS _owner, '
                           f'{rank} AS _rank FROM "{cloned.name}" t WHERE {cloned.owner} IN {wanted}')
            if not cloned.kept:
                # Rewritten whole (TRUNCATE): it must hold nothing but the two seeded communes' rows.
                cursor.execute(f'SELECT (SELECT count(*) FROM "{cloned.name}") - '
                               f'(SELECT count(*) FROM "src_{cloned.name}")')
                if cursor.fetchone()[0]:
                    raise RuntimeError(f"{cloned.name} holds rows of other communes: clone into a database "
                                       "with only the template and the measured commune")
        indexes = _secondary_indexes(cursor, [c.name for c in tables])
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        rewritten = [c.name for c in tables if not c.kept]
        cursor.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in rewritten))
        phases["snapshot and truncate"] = time.perf_counter() - step
        # Foreign-key triggers off while loading, as bench.seed's writer does; foreign_rows() checks after.
        cursor.execute("SET session_replication_role = replica")
        copies = list(range(1, len(communes) + 1))
        for cloned in tables:
            step = time.perf_counter()
            columns = [c.name for c in cloned.table.c]
            selected = ", ".join(_expression(cloned, column, spans) for column in columns)
            # Ordered by rank, each template row followed by its copies: the communes interleave.
            keys = ("ARRAY[%(copies)s]::int[]" if cloned.kept else
                    "CASE WHEN s._owner = %(template)s THEN ARRAY[0] || %(copies)s::int[] ELSE ARRAY[0] END")
            cursor.execute(
                f'INSERT INTO "{cloned.name}" ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
                f'SELECT {selected} FROM (SELECT * FROM "src_{cloned.name}" ORDER BY _rank, _owner) s '
                f"CROSS JOIN LATERAL unnest({keys}) AS k(k)",
                {"template": template_id, "copies": copies, "communes": commune_ids,
                 "template_slug": template_slug, "slugs": [slug for _n, _i, slug in communes]})
            rows = cursor.rowcount
            phases[f"insert {cloned.name}"] = time.perf_counter() - step
            if rows:
                log(f"  {cloned.name:<28} {rows:>12,} rows in {phases[f'insert {cloned.name}']:.1f} s")
        cursor.execute("SET session_replication_role = origin")
        step = time.perf_counter()
        for _name, definition in indexes:
            cursor.execute(definition)
        phases["indexes"] = time.perf_counter() - step
        log(f"  {len(indexes)} secondary indexes rebuilt in {phases['indexes']:.0f} s")
        for cloned in [*tables, None]:
            name = cloned.name if cloned else "commune"
            if cloned is None or cloned.has_id:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                               f'COALESCE((SELECT max(id) FROM "{name}"), 1))')
        raw.commit()
        step = time.perf_counter()
        raw.driver_connection.autocommit = True
        # As bench.seed does: visibility map and hint bits set once, as autovacuum would on a live database.
        cursor.execute("VACUUM (ANALYZE) " + ", ".join(f'"{c.name}"' for c in tables) + ", commune")
        phases["vacuum analyze"] = time.perf_counter() - step
        log(f"  VACUUM (ANALYZE) in {phases['vacuum analyze']:.0f} s")
    finally:
        raw.close()
    return phases


def _expression(cloned: ClonedTable, column: str, spans: dict[str, int]) -> str:
    keep = f's."{column}"'
    if column == "id" and cloned.has_id:
        return f"{keep} + k * {spans[cloned.name]}"
    if column in cloned.commune_columns:
        return f"CASE WHEN k = 0 THEN {keep} ELSE (%(communes)s::int[])[k] END"
    if column in cloned.references:
        parent = cloned.references[column]
        return f"{keep} + k * {spans[parent]}"
    if column in cloned.renamed:
        return (f"CASE WHEN k = 0 THEN {keep} WHEN strpos({keep}, %(template_slug)s) > 0 "
                f"THEN replace({keep}, %(template_slug)s, (%(slugs)s::text[])[k]) ELSE {keep} || '-' || k END")
    return keep


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """Indexes that back no constraint: dropped for the bulk insert, built after (faster)."""
    cursor.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "JOIN pg_class t ON t.oid = i.indrelid "
                   "WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
                   (tables,))
    return [(name.strip('"'), definition) for name, definition in cursor.fetchall()]


def foreign_rows(connection, metadata) -> dict[str, int]:
    """``table.column`` → rows of a commune pointing to a row of another
    commune (or, for an agent, to one who is not its member), over every
    copied table: all zero after a good clone."""
    found = {}
    tables = {cloned.name: cloned for cloned in plan(metadata)}
    for cloned in tables.values():
        if "commune_id" not in cloned.table.c or not cloned.references:
            continue
        joins, checks = [], []
        for n, (column, parent) in enumerate(sorted(cloned.references.items())):
            alias = f"p{n}"
            if parent in OWNED_THROUGH:
                through, key = OWNED_THROUGH[parent]
                joins.append(f'LEFT JOIN "{through}" {alias} ON {alias}."{key}" = c."{column}" '
                             f"AND {alias}.commune_id = c.commune_id")
                checks.append((column, f'c."{column}" IS NOT NULL AND {alias}."{key}" IS NULL'))
            elif "commune_id" in tables[parent].table.c:
                joins.append(f'LEFT JOIN "{parent}" {alias} ON {alias}.id = c."{column}"')
                checks.append((column, f'c."{column}" IS NOT NULL AND {alias}.commune_id IS DISTINCT FROM '
                                       "c.commune_id"))
        if not checks:
            continue
        counts = ", ".join(f"count(*) FILTER (WHERE {condition})" for _column, condition in checks)
        # A row without a commune (a platform-wide audit event) belongs to none to leak from.
        row = connection.exec_driver_sql(f'SELECT {counts} FROM "{cloned.name}" c {" ".join(joins)} '
                                         "WHERE c.commune_id IS NOT NULL").one()
        for (column, _condition), count in zip(checks, row):
            found[f"{cloned.name}.{column}"] = count
    return found
