"""What each village's public page derives from its records, kept once: what is missing, figures, lists.

Revision ID: v1facts
Revises: u1updates
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


revision = "v1facts"
down_revision = "u1updates"
branch_labels = None
depends_on = None


def upgrade():
    # Empty at first: the jobs runner fills it, and a village page without a current row computes its facts.
    op.create_table(
        "village_page_facts",
        sa.Column("village_id", sa.Integer(), primary_key=True),
        sa.Column("content_version", sa.Integer(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(64), nullable=False),
        sa.Column("missing", sa.JSON(), nullable=False),
        sa.Column("late_count", sa.Integer(), nullable=False),
        sa.Column("power_count", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=True),
        sa.Column("statement_title", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("cadres", sa.JSON(), nullable=False),
        sa.Column("disclosures", sa.JSON(), nullable=False),
        sa.Column("reports", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], ondelete="CASCADE",
                                name="fk_village_page_facts_village_id_village"),
    )


def downgrade():
    op.drop_table("village_page_facts")
