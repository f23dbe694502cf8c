"""segments: the commune's living records with their birth dates in a small
partial index; the commune's quartiers read one probe each

Revision ID: c0a1e0000033
Revises: c0a1e0000032
Create Date: 2026-12-07 18:45:00

Counting a segment of people not aged 75 or more, with a consent, who filed
in 2026 scanned the whole citizen table (its rows are wide: names, address,
contacts) to read three columns: 48 ms of 190 on PostgreSQL at 200,000
citizens. ix_citizen_segment holds those three columns of the records not
merged away; read alone, 12 ms. The quartier index moves under the commune,
so that its quartiers are found one probe each (and a quartier criterion
reads the commune's entries only, in a deployment of many communes).
"""
from alembic import op
from sqlalchemy import text

# revision identifiers, used by Alembic.
revision = 'c0a1e0000033'
down_revision = 'c0a1e0000032'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_citizen_segment', 'citizen', ['commune_id', 'id', 'birth_date'], unique=False,
                    sqlite_where=text("merged_into_id IS NULL"), postgresql_where=text("merged_into_id IS NULL"))
    op.create_index('ix_citizen_commune_quartier', 'citizen', ['commune_id', 'quartier'], unique=False)
    op.drop_index('ix_citizen_quartier', table_name='citizen')
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE citizen")


def downgrade():
    op.create_index('ix_citizen_quartier', 'citizen', ['quartier'], unique=False)
    op.drop_index('ix_citizen_commune_quartier', table_name='citizen')
    op.drop_index('ix_citizen_segment', table_name='citizen')
