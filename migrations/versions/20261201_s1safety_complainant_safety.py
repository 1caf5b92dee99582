"""Complainant safety: sign-in throttle counters.

Revision ID: s1safety
Revises: c1oversight
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


revision = "s1safety"
down_revision = "c1oversight"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_in_throttle",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("key", name="uq_sign_in_throttle_key"),
    )
    op.create_index("ix_sign_in_throttle_next_at", "sign_in_throttle", ["next_at"])


def downgrade():
    op.drop_index("ix_sign_in_throttle_next_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
