"""Accounts: TOTP replay guard and forced password change.

Revision ID: a1accounts
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "a1accounts"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    # Only ADD COLUMN, with a literal default: SQLite then alters in place. Rebuilding
    # user_account would fire the ON DELETE SET NULL of every table that refers to it.
    with op.batch_alter_table("user_account", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("totp_last_counter", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default="0"))


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+), for the same reason.
    op.drop_column("user_account", "must_change_password")
    op.drop_column("user_account", "totp_last_counter")
