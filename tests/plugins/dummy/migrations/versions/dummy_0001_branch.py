"""dummy: root of the plugin's migration branch.

The dummy keeps no table of its own (its journal lives in the commune's
settings); the branch shows that a plugin's revisions are found and applied
by ``grc db upgrade`` (revision "heads").

Revision ID: dummy_0001
Revises:
"""

revision = "dummy_0001"
down_revision = None
branch_labels = ("dummy",)
depends_on = "c0a1e0000001"


def upgrade():
    pass


def downgrade():
    pass
