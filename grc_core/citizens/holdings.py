"""What GRC holds about a citizen beyond the core's own tables, and what of
it an agent may not read — for the operations that need all of it at once
(merging two records, the RGPD access export).

Plugins' rows about a citizen are found through their foreign keys to
``citizen.id`` (any table outside the core's), so a new plugin is covered
without code here. A table belongs to the plugin its name starts with; its
rows are guarded by the read permissions of that plugin's confidential
request types (a CCAS plugin's tables are as secret as its files).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import inspect, select

from ..extensions import db
from ..models import Commune, Membership, Request, RequestType
from ..requests.confidentiality import confidential_types, unreadable_codes
from ..security.permissions import permissions_of

# Core tables pointing to a citizen that the core handles by name.
CORE_TABLES = {"citizen", "request", "contact", "consent", "household_link", "citizen_merge"}


@dataclass
class ForeignRows:
    """Rows of a plugin table pointing to a citizen through ``column``."""

    table: str
    column: str
    plugin: str | None
    keys: list = field(default_factory=list)  # primary keys, as lists


@dataclass
class Unreadable:
    """What of a citizen's data an agent may not read."""

    requests: int = 0
    plugins: list[str] = field(default_factory=list)  # plugins whose rows about the citizen are guarded

    def __bool__(self) -> bool:
        return bool(self.requests or self.plugins)

    def plugin_labels(self) -> str:
        manifests = current_app.extensions["grc"].manifests
        return ", ".join(str(manifests[name].label) for name in self.plugins)


def _tables_in_database() -> frozenset[str]:
    # The metadata holds every imported plugin's tables; the database only
    # those of the plugins this deployment loads (read once: migrations are done).
    extensions = current_app.extensions
    if "grc_tables_in_database" not in extensions:
        extensions["grc_tables_in_database"] = frozenset(inspect(db.engine).get_table_names())
    return extensions["grc_tables_in_database"]


def citizen_foreign_keys() -> list[tuple[str, str]]:
    """``(table, column)`` of every table outside :data:`CORE_TABLES` that
    points to ``citizen.id``."""
    found = []
    present = _tables_in_database()
    for table in db.metadata.sorted_tables:
        if table.name in CORE_TABLES or table.name not in present:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == "citizen" and foreign_key.column.name == "id":
                found.append((table.name, foreign_key.parent.name))
    return found


def plugin_of(table_name: str) -> str | None:
    names = current_app.extensions["grc"].names
    return next((name for name in names if table_name.startswith(f"{name}_")), None)


def foreign_rows(citizen_id: int) -> list[ForeignRows]:
    """The plugin rows pointing to the citizen, per table and column (present tables only)."""
    out = []
    for table_name, column_name in citizen_foreign_keys():
        table = db.metadata.tables[table_name]
        primary = list(table.primary_key.columns)
        keys = [list(row) for row in db.session.execute(
            select(*primary).where(table.c[column_name] == citizen_id).order_by(*primary))]
        if keys:
            out.append(ForeignRows(table_name, column_name, plugin_of(table_name), keys))
    return out


def membership_of(actor, commune_id):
    if actor is None:
        return None
    if has_request_context() and current_user.is_authenticated and current_user.id == actor.id:
        return g.get("grc_membership")
    return db.session.scalar(select(Membership).where(Membership.user_id == actor.id,
                                                      Membership.commune_id == commune_id))


def unreadable(actor, commune_id: int, request_ids, rows: list[ForeignRows]) -> Unreadable:
    """What of ``request_ids`` and ``rows`` ``actor`` may not read (nothing for
    no actor: jobs and the CLI are not restricted)."""
    if actor is None:
        return Unreadable()
    commune = db.session.get(Commune, commune_id)
    membership = membership_of(actor, commune_id)
    hidden_codes = unreadable_codes(actor, membership, commune)
    ids = list(request_ids)
    count = 0
    if hidden_codes and ids:
        count = len(db.session.scalars(
            select(Request.id).join(RequestType, RequestType.id == Request.request_type_id)
            .where(Request.id.in_(ids), RequestType.code.in_(sorted(hidden_codes)))).all())
    guarded_by: dict[str, set[str]] = {}
    for permission, plugin in confidential_types(commune).values():
        guarded_by.setdefault(plugin, set()).add(permission)
    held = permissions_of(actor, membership, commune)
    plugins = sorted({r.plugin for r in rows if r.plugin in guarded_by and not guarded_by[r.plugin] <= held})
    return Unreadable(count, plugins)


def permissions_involved(commune_id: int, request_codes, rows: list[ForeignRows]) -> list[str]:
    """The read permissions guarding these request types and plugin rows, sorted."""
    declared = confidential_types(db.session.get(Commune, commune_id))
    found = {declared[code][0] for code in request_codes if code in declared}
    plugins = {r.plugin for r in rows}
    found |= {permission for permission, plugin in declared.values() if plugin in plugins}
    return sorted(found)
