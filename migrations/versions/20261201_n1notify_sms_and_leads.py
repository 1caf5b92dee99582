"""Text messages to complainants who chose them (an outbox), and handlers' decisions on related cases.

Revision ID: n1notify
Revises: t1subsidy
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "n1notify"
down_revision = "t1subsidy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sms_opt_in", sa.Boolean(), nullable=False, server_default=sa.false()))

    op.create_table(
        "sms_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("template", sa.String(32), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("recipient_encrypted", sa.Text(), nullable=True),
        sa.Column("recipient_masked", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(32), nullable=True),
        sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gateway_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_sms_outbox_ref", "sms_outbox", ["ref"])
    op.create_index("ix_sms_outbox_sent_at", "sms_outbox", ["sent_at"])
    op.create_index("ix_sms_outbox_dead_at", "sms_outbox", ["dead_at"])

    op.create_table(
        "complaint_link",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.Column("second_id", sa.Integer(), nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["first_id"], ["complaint.id"], ondelete="CASCADE",
                                name="fk_complaint_link_first_id_complaint"),
        sa.ForeignKeyConstraint(["second_id"], ["complaint.id"], ondelete="CASCADE",
                                name="fk_complaint_link_second_id_complaint"),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], ondelete="SET NULL",
                                name="fk_complaint_link_actor_id_user_account"),
        sa.UniqueConstraint("first_id", "second_id", name="uq_complaint_link_pair"),
    )
    op.create_index("ix_complaint_link_first_id", "complaint_link", ["first_id"])
    op.create_index("ix_complaint_link_second_id", "complaint_link", ["second_id"])


def downgrade():
    op.drop_index("ix_complaint_link_second_id", table_name="complaint_link")
    op.drop_index("ix_complaint_link_first_id", table_name="complaint_link")
    op.drop_table("complaint_link")
    op.drop_index("ix_sms_outbox_dead_at", table_name="sms_outbox")
    op.drop_index("ix_sms_outbox_sent_at", table_name="sms_outbox")
    op.drop_index("ix_sms_outbox_ref", table_name="sms_outbox")
    op.drop_table("sms_outbox")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("sms_opt_in")
