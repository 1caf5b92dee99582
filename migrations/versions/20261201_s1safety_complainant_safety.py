"""Complainant safety: sign-in throttle, random references, township officials, second-factor enrolment.

Revision ID: s1safety
Revises: r1record
Create Date: 2026-12-01
"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = "s1safety"
down_revision = "r1record"
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

    op.create_table(
        "township_official",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("post", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["township_id"], ["township.id"], ondelete="CASCADE",
                                name="fk_township_official_township_id_township"),
    )
    op.create_index("ix_township_official_township_id", "township_official", ["township_id"])

    op.create_table(
        "account_request",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["user_account.id"], ondelete="CASCADE",
                                name="fk_account_request_target_id_user_account"),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name="fk_account_request_requested_by_id_user_account"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name="fk_account_request_decided_by_id_user_account"),
    )
    op.create_index("ix_account_request_target_id", "account_request", ["target_id"])
    op.create_index("ix_account_request_outcome", "account_request", ["outcome"])
    op.create_table(
        "setup_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE",
                                name="fk_setup_token_user_id_user_account"),
        sa.UniqueConstraint("token_hash", name="uq_setup_token_token_hash"),
    )
    op.create_index("ix_setup_token_user_id", "setup_token", ["user_id"])

    with op.batch_alter_table("user_account", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("must_enrol_2fa", sa.Boolean(), nullable=False, server_default="0"))

    # ADD COLUMN and CREATE INDEX alter SQLite in place (no table rebuild, no cascades fired).
    with op.batch_alter_table("complaint", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("public_reference", sa.String(16), nullable=True))
    conn = op.get_bind()
    complaint = sa.table("complaint", sa.column("id", sa.Integer), sa.column("received_at", sa.DateTime),
                         sa.column("public_reference", sa.String))
    used = set()
    for row in conn.execute(sa.select(complaint.c.id, complaint.c.received_at)).all():
        year = row.received_at.year if hasattr(row.received_at, "year") else int(str(row.received_at)[:4])
        while True:
            digits = f"{secrets.randbelow(10**8):08d}"
            reference = f"{year}-{digits[:4]}-{digits[4:]}"
            if reference not in used:
                used.add(reference)
                break
        conn.execute(complaint.update().where(complaint.c.id == row.id).values(public_reference=reference))
    op.create_index("ix_complaint_public_reference", "complaint", ["public_reference"], unique=True)


def downgrade():
    op.drop_index("ix_complaint_public_reference", table_name="complaint")
    op.drop_column("complaint", "public_reference")
    op.drop_column("user_account", "must_enrol_2fa")
    op.drop_index("ix_setup_token_user_id", table_name="setup_token")
    op.drop_table("setup_token")
    op.drop_index("ix_account_request_outcome", table_name="account_request")
    op.drop_index("ix_account_request_target_id", table_name="account_request")
    op.drop_table("account_request")
    op.drop_index("ix_township_official_township_id", table_name="township_official")
    op.drop_table("township_official")
    op.drop_index("ix_sign_in_throttle_next_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
