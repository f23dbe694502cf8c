"""equipements: root of the plugin's migration branch.

Revision ID: equipements_0001
Revises:
"""

revision = "equipements_0001"
down_revision = None
branch_labels = ("equipements",)
depends_on = "c0a1e0000001"


def upgrade():
    pass


def downgrade():
    pass
