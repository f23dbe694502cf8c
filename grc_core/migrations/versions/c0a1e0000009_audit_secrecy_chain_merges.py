"""audit: the permission guarding an event's object, and the hash chain;
citizen merges kept so that they can be undone

Revision ID: c0a1e0000009
Revises: c0a1e0000007
Create Date: 2026-12-06 23:00:00

Existing events: ``read_permission`` is filled from what their details say
(a confidential type's code, or requests of such a type named by id or
reference), then every chain (one per commune, 0 for platform events) is
hashed in the order the events were written. The hash is computed as
grc_core.audit_chain.event_hash computes it (copied here: a migration does
not change with the code).
"""
import hashlib
import json
from datetime import timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a1e0000009'
down_revision = 'c0a1e0000007'
branch_labels = None
depends_on = None

GENESIS = "0" * 64
BATCH = 2000


def _hash(prev_hash, chain, seq, commune_id, at, user_id, action, target, ip, details, read_permission):
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    payload = json.dumps([prev_hash, chain, seq, commune_id, at.isoformat(timespec="microseconds"), user_id,
                          action, target, ip, details, read_permission],
                         sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _confidential_codes() -> dict:
    """``{type code: read permission}`` of every loaded plugin's declared types."""
    try:
        from flask import current_app
        registry = current_app.extensions["grc"]
    except (RuntimeError, KeyError):
        return {}
    return {decl.code: decl.read_permission for decl in registry.request_types() if decl.read_permission}


def _permission_of(row, codes, by_id, by_reference):
    details = row.details if isinstance(row.details, dict) else json.loads(row.details or "{}")
    if details.get("type") in codes:
        return codes[details["type"]]
    if row.target.startswith("request:") and row.target[8:].isdigit() and int(row.target[8:]) in by_id:
        return by_id[int(row.target[8:])]
    for key in ("requests", "references"):
        for item in details.get(key) or ():
            if isinstance(item, int) and item in by_id:
                return by_id[item]
            if isinstance(item, str) and (row.commune_id, item) in by_reference:
                return by_reference[(row.commune_id, item)]
    return None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_permission', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('chain', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    connection = op.get_bind()
    codes = _confidential_codes()
    by_id, by_reference = {}, {}
    if codes:
        for request_id, commune_id, reference, code in connection.execute(sa.text(
                "SELECT r.id, r.commune_id, r.reference, t.code FROM request r "
                "JOIN request_type t ON t.id = r.request_type_id WHERE t.code IN :codes"
        ).bindparams(sa.bindparam("codes", expanding=True)), {"codes": sorted(codes)}):
            by_id[request_id] = codes[code]
            by_reference[(commune_id, reference)] = codes[code]

    audit = sa.table('audit_event', sa.column('id'), sa.column('commune_id'), sa.column('at', sa.DateTime(True)),
                     sa.column('user_id'), sa.column('action'), sa.column('target'), sa.column('ip'),
                     sa.column('details', sa.JSON()), sa.column('read_permission'), sa.column('chain'),
                     sa.column('seq'), sa.column('prev_hash'), sa.column('hash'))
    chain, seq, prev_hash, last_key = None, 0, GENESIS, None
    while True:
        # Ordered by chain, then as written; keyset pages over (chain, at, id).
        statement = sa.select(audit.c.id, audit.c.commune_id, audit.c.at, audit.c.user_id, audit.c.action,
                              audit.c.target, audit.c.ip, audit.c.details,
                              sa.func.coalesce(audit.c.commune_id, 0).label("chain_key"))
        statement = statement.order_by(sa.func.coalesce(audit.c.commune_id, 0), audit.c.at, audit.c.id)
        if last_key is not None:
            chain_key, at, row_id = last_key
            key = sa.func.coalesce(audit.c.commune_id, 0)
            statement = statement.where(sa.or_(
                key > chain_key, sa.and_(key == chain_key, audit.c.at > at),
                sa.and_(key == chain_key, audit.c.at == at, audit.c.id > row_id)))
        rows = connection.execute(statement.limit(BATCH)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            if row.chain_key != chain:
                chain, seq, prev_hash = row.chain_key, 0, GENESIS
            seq += 1
            details = row.details if isinstance(row.details, dict) else json.loads(row.details or "{}")
            permission = _permission_of(row, codes, by_id, by_reference)
            digest = _hash(prev_hash, chain, seq, row.commune_id, row.at, row.user_id, row.action, row.target,
                           row.ip, details, permission)
            updates.append({"row_id": row.id, "read_permission": permission, "chain": chain, "seq": seq,
                            "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
        connection.execute(
            audit.update().where(audit.c.id == sa.bindparam("row_id")).values(
                read_permission=sa.bindparam("read_permission"), chain=sa.bindparam("chain"),
                seq=sa.bindparam("seq"), prev_hash=sa.bindparam("prev_hash"), hash=sa.bindparam("hash")),
            updates)
        last = rows[-1]
        last_key = (last.chain_key, last.at, last.id)

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index('uq_audit_event_chain_seq', ['chain', 'seq'], unique=True)

    op.create_table(
        'citizen_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kept_id', sa.Integer(), nullable=False),
        sa.Column('duplicate_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('moved', sa.JSON(), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.Column('commune_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_citizen_merge_actor_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['commune_id'], ['commune.id'], name=op.f('fk_citizen_merge_commune_id_commune'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['duplicate_id'], ['citizen.id'], name=op.f('fk_citizen_merge_duplicate_id_citizen'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kept_id'], ['citizen.id'], name=op.f('fk_citizen_merge_kept_id_citizen'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['undone_by_id'], ['user_account.id'],
                                name=op.f('fk_citizen_merge_undone_by_id_user_account'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_merge')),
    )
    with op.batch_alter_table('citizen_merge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_merge_commune_id'), ['commune_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_merge_duplicate_id'), ['duplicate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_merge_kept_id'), ['kept_id'], unique=False)


def downgrade():
    with op.batch_alter_table('citizen_merge', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_merge_kept_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_merge_duplicate_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_merge_commune_id'))
    op.drop_table('citizen_merge')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('uq_audit_event_chain_seq')
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('chain')
        batch_op.drop_column('read_permission')
