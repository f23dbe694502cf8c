"""Moving one commune to another deployment: ``grc communes export`` / ``import``.

The archive is a zip file:

- ``manifest.json``: the format, the schema's Alembic revisions, the commune's
  slug, and each table's row count;
- ``tables/<table>.jsonl``: the commune's rows, one JSON object per line, in
  the order of the source's ids;
- ``files/<storage key>``: the attachments' bytes.

What belongs to the commune is read from the schema, so a plugin's tables
come along without the plugin doing anything: the ``commune`` row, every row
of a table with a ``commune_id`` (core and plugins, the commune's audit
chain included), the accounts those rows name (``user_account``), and the
rows of tables without a commune that hang only off exported rows
(``membership_service``, ``recovery_code``). Left behind: sign-in sessions
and attempts, and exports written for download (:data:`LEFT_BEHIND`).

On import every id is drawn anew by the target database and every foreign
key translated; an account whose e-mail the target already knows is that
account (its password, its other communes); an imported account is never a
platform administrator there. The commune's audit chain is re-linked under
its new ids (the hashes cover them), and its first event there records the
source chain's length and last hash, so that the history stays verifiable
across the move. Ids written inside JSON values or texts (an audit event's
target such as ``request:12``) are kept as they were: they name the source's
rows.
"""
from __future__ import annotations

import base64
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from datetime import timezone

from sqlalchemy import Date, DateTime, LargeBinary, Numeric, func, inspect, select, text, update

from ..audit_chain import GENESIS, event_hash
from ..extensions import db
from ..requests.attachments import storage_key_for

FORMAT = "grc-commune/1"
LEFT_BEHIND = frozenset({"agent_session", "login_attempt", "export_file", "alembic_version"})
FILES_PREFIX = "files/"


class TransferError(Exception):
    """The archive cannot be imported (or the commune exported); the message says why, in French."""


# --- values ---------------------------------------------------------------------------------

def _dump_value(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _load_value(column, value):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, DateTime):
        moment = datetime.fromisoformat(value)
        # SQLite gives back naive UTC times: say so, or PostgreSQL reads them in its session's zone.
        return moment.replace(tzinfo=timezone.utc) if kind.timezone and moment.tzinfo is None else moment
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Numeric):
        return Decimal(value) if kind.asdecimal else float(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value


def _schema_revisions(connection) -> list[str]:
    return sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _tables(connection) -> list:
    """The metadata's tables this database has (another app of the process may know more plugins), in
    dependency order."""
    present = set(inspect(connection).get_table_names())
    return [t for t in db.metadata.sorted_tables if t.name in present and t.name not in LEFT_BEHIND]


def _single_id(table) -> bool:
    """Tables whose rows the target numbers anew (an integer ``id`` primary key)."""
    return [column.name for column in table.primary_key.columns] == ["id"]


def _foreign_keys(table) -> dict[str, str]:
    """``{column: referenced table}`` for the single-column foreign keys to an ``id``."""
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys if fk.column.name == "id"}


# --- export -----------------------------------------------------------------------------------

def commune_rows(commune_id: int) -> dict[str, list[dict]]:
    """Every row of the commune, by table, in dependency order."""
    connection = db.session.connection()
    tables = _tables(connection)
    rows: dict[str, list[dict]] = {}

    def fetch(table, *conditions):
        order = [table.c.id] if "id" in table.c else list(table.primary_key.columns)
        return [dict(row._mapping) for row in connection.execute(select(table).where(*conditions).order_by(*order))]

    for table in tables:
        if table.name == "commune":
            rows[table.name] = fetch(table, table.c.id == commune_id)
        elif "commune_id" in table.c:
            rows[table.name] = fetch(table, table.c.commune_id == commune_id)
    users = db.metadata.tables["user_account"]
    named = {row[column] for name, found in rows.items() for column, target in
             _foreign_keys(db.metadata.tables[name]).items() if target == "user_account"
             for row in found if row[column] is not None}
    rows["user_account"] = fetch(users, users.c.id.in_(sorted(named)))
    # Tables of no commune hanging only off exported rows (association tables, a user's codes).
    exported_ids = {name: {row["id"] for row in found} for name, found in rows.items() if found and "id" in found[0]}
    for table in tables:
        if table.name in rows:
            continue
        keys = _foreign_keys(table)
        if not keys or not all(target in rows for target in keys.values()):
            continue
        conditions = [table.c[column].in_(sorted(exported_ids.get(target, ()))) for column, target in keys.items()
                      if not table.c[column].nullable]
        rows[table.name] = fetch(table, *conditions) if conditions else []
    order = [t.name for t in tables]
    return {name: rows[name] for name in order if name in rows}


def export_commune(slug: str, path, storage) -> dict[str, int]:
    """Write the commune ``slug`` to the zip file ``path``; its tables' row counts."""
    communes = db.metadata.tables["commune"]
    connection = db.session.connection()
    commune_id = connection.execute(select(communes.c.id).where(communes.c.slug == slug)).scalar()
    if commune_id is None:
        raise TransferError(f"Commune « {slug} » inconnue dans cette base.")
    rows = commune_rows(commune_id)
    counts = {name: len(found) for name, found in rows.items()}
    chain = max(rows.get("audit_event", ()), key=lambda event: event["seq"], default=None)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({
            "format": FORMAT, "slug": slug, "revisions": _schema_revisions(connection), "tables": counts,
            # Where the commune's audit chain stood: its first event in the target quotes it.
            "audit_chain": {"events": chain["seq"] if chain else 0, "last_hash": chain["hash"] if chain else GENESIS},
        }, indent=2, ensure_ascii=False))
        for name, found in rows.items():
            archive.writestr(f"tables/{name}.jsonl", "".join(
                json.dumps({key: _dump_value(value) for key, value in row.items()}, ensure_ascii=False) + "\n"
                for row in found))
        for key in attachment_keys(rows.get("attachment", ())):
            with storage.open(key) as stream, archive.open(FILES_PREFIX + key, "w") as target:
                while chunk := stream.read(1 << 20):
                    target.write(chunk)
    return counts


def attachment_keys(attachments) -> list[str]:
    return [storage_key_for(row["commune_id"], row["storage_key"]) for row in attachments]


# --- import -----------------------------------------------------------------------------------

def _read_manifest(archive) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise TransferError("Ce fichier n'est pas une archive de commune GRC (manifest.json absent ou illisible).") \
            from None
    if manifest.get("format") != FORMAT:
        raise TransferError(f"Format d'archive « {manifest.get('format')} » inconnu (attendu : {FORMAT}).")
    return manifest


def _check_target(manifest, rows_by_table, connection) -> None:
    missing = sorted(set(manifest["tables"]) - {table.name for table in _tables(connection)})
    if missing:
        raise TransferError("Ce déploiement n'a pas les tables " + ", ".join(missing) +
                            " : installez et chargez les mêmes plugins que la source.")
    revisions = _schema_revisions(connection)
    if revisions != manifest["revisions"]:
        raise TransferError(f"Schéma de la source : {', '.join(manifest['revisions'])} ; de ce déploiement : "
                            f"{', '.join(revisions)}. Mettez les deux à la même version (grc db upgrade) "
                            "avant de déplacer la commune.")
    [commune] = rows_by_table["commune"]
    communes = db.metadata.tables["commune"]
    if connection.execute(select(communes.c.id).where(communes.c.slug == commune["slug"])).first():
        raise TransferError(f"Une commune « {commune['slug']} » existe déjà dans ce déploiement : "
                            "rien n'a été importé.")
    if connection.execute(select(communes.c.id).where(communes.c.insee_code == commune["insee_code"])).first():
        raise TransferError(f"Le code INSEE {commune['insee_code']} est déjà celui d'une commune de ce "
                            "déploiement : rien n'a été importé.")


def import_commune(path, storage) -> tuple[int, dict[str, int]]:
    """Import the archive at ``path``: (the new commune's id, rows imported by table).

    One transaction: refused or failed, nothing is kept (files written are removed).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise TransferError(f"Archive illisible : {error}.") from None
    written: list[str] = []
    with archive:
        manifest = _read_manifest(archive)
        rows_by_table = {name: [json.loads(line) for line in archive.read(f"tables/{name}.jsonl").splitlines()]
                         for name in manifest["tables"]}
        session = db.session()
        connection = session.connection()
        try:
            _check_target(manifest, rows_by_table, connection)
            ids = _insert_rows(connection, rows_by_table)
            new_commune = ids["commune"][rows_by_table["commune"][0]["id"]]
            _relink_audit_chain(connection, new_commune, manifest)
            for row in rows_by_table.get("attachment", ()):
                source = storage_key_for(row["commune_id"], row["storage_key"])
                target = storage_key_for(new_commune, row["storage_key"])
                storage.put(target, archive.read(FILES_PREFIX + source), row.get("content_type") or
                            "application/octet-stream")
                written.append(target)
            session.commit()
        except BaseException:
            session.rollback()
            for key in written:
                storage.delete(key)
            raise
    return new_commune, {name: len(found) for name, found in rows_by_table.items()}


def _insert_rows(connection, rows_by_table) -> dict[str, dict[int, int]]:
    """Insert the tables in dependency order, translating every foreign key; old id -> new id by table."""
    ids: dict[str, dict[int, int]] = {}
    users = db.metadata.tables["user_account"]
    reused: set[int] = set()  # accounts the target already had (source ids)
    for table in _tables(connection):
        found = rows_by_table.get(table.name)
        if not found:
            continue
        keys = _foreign_keys(table)
        if "commune_id" not in table.c:
            # A reused account keeps its own codes: none of the source's are added to it.
            found = [row for row in found if not any(target == "user_account" and row.get(column) in reused
                                                     for column, target in keys.items())]
        mapping = ids.setdefault(table.name, {})
        later = []  # (old id, column, old value) of references to rows of the same table
        prepared = []
        for row in found:
            values = {}
            for column in table.columns:
                if column.name not in row:
                    continue
                value = _load_value(column, row[column.name])
                target = keys.get(column.name)
                if target is not None and value is not None:
                    if target == table.name:
                        later.append((row["id"], column.name, value))
                        value = None
                    elif target in ids:
                        value = ids[target][value]
                    else:
                        raise TransferError(f"{table.name}.{column.name} désigne une ligne de {target}, "
                                            "qui n'est pas dans l'archive.")
                values[column.name] = value
            if table is users:
                existing = connection.execute(select(users.c.id).where(
                    func.lower(users.c.email) == values["email"].lower())).scalar()
                if existing is not None:
                    mapping[row["id"]] = existing
                    reused.add(row["id"])
                    continue
                values["is_platform_admin"] = False
            if _single_id(table):
                values.pop("id")
            if table.name == "audit_event":
                values["chain"] = ids["commune"][row["commune_id"]] if row["commune_id"] else 0
            prepared.append((row.get("id"), values))
        if not prepared:
            continue
        if _single_id(table):
            inserted = connection.execute(table.insert().returning(table.c.id, sort_by_parameter_order=True),
                                          [values for _old, values in prepared]).scalars().all()
            mapping.update({old: new for (old, _values), new in zip(prepared, inserted)})
        else:
            connection.execute(table.insert(), [values for _old, values in prepared])
        for old, column, value in later:
            connection.execute(update(table).where(table.c.id == mapping[old]).values({column: mapping[value]}))
    return ids


def _relink_audit_chain(connection, commune_id: int, manifest) -> None:
    """Re-hash the commune's chain under its new ids, then record the move in it."""
    from ..models import AuditEvent, utcnow

    table = AuditEvent.__table__
    prev_hash, seq = GENESIS, 0
    for row in connection.execute(select(table).where(table.c.chain == commune_id).order_by(table.c.seq)).all():
        seq = row.seq
        linked = event_hash(prev_hash=prev_hash, chain=commune_id, seq=seq, commune_id=commune_id, at=row.at,
                            user_id=row.user_id, action=row.action, target=row.target, ip=row.ip,
                            details=row.details, read_permission=row.read_permission)
        connection.execute(update(table).where(table.c.id == row.id).values(prev_hash=prev_hash, hash=linked))
        prev_hash = linked
    moved = {"action": "commune.imported", "target": manifest["slug"], "ip": "", "read_permission": None,
             "user_id": None, "commune_id": commune_id, "at": utcnow(),
             "details": {"source_revisions": manifest["revisions"], "source_chain": manifest["audit_chain"]}}
    seq += 1
    connection.execute(table.insert().values(**moved, chain=commune_id, seq=seq, prev_hash=prev_hash,
                                             hash=event_hash(prev_hash=prev_hash, chain=commune_id, seq=seq, **moved)))
