"""etat_civil: root of the plugin's migration branch.

The plugin's tables are added by the revisions that follow this one, in
this folder; the branch depends on the core schema.

Revision ID: etat_civil_0001
Revises:
"""

revision = "etat_civil_0001"
down_revision = None
branch_labels = ("etat_civil",)
depends_on = "c0a1e0000001"


def upgrade():
    pass


def downgrade():
    pass
