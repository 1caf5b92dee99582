"""Visit holds in the database (shared by every node, swept by the job); recent changes by date.

Revision ID: h1holds
Revises: s1safety
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "h1holds"
down_revision = "s1safety"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit_hold",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_visit_hold_expires_at", "visit_hold", ["expires_at"])
    # The home page's "recently published" reads the newest revisions county-wide.
    op.create_index("ix_published_revision_published_at", "published_revision", ["published_at"])


def downgrade():
    op.drop_index("ix_published_revision_published_at", table_name="published_revision")
    op.drop_index("ix_visit_hold_expires_at", table_name="visit_hold")
    op.drop_table("visit_hold")
