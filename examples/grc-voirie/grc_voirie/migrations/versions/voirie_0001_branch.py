"""voirie: root of the plugin's migration branch.

The plugin keeps its data in the core's requests; its tables, when it needs
some (named voirie_*), come in the next revisions of this branch.

Revision ID: voirie_0001
Revises:
"""

revision = "voirie_0001"
down_revision = None
branch_labels = ("voirie",)
depends_on = "c0a1e0000001"


def upgrade():
    pass


def downgrade():
    pass
