"""County template updates offered to villages; staff-entered complaints' channel, proxy and consent as fields.

Revision ID: u1updates
Revises: n1notify
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op


revision = "u1updates"
down_revision = "n1notify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "power_update",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["template_id"], ["power_template.id"], ondelete="CASCADE",
                                name="fk_power_update_template_id_power_template"),
        sa.ForeignKeyConstraint(["item_id"], ["power_item.id"], ondelete="CASCADE",
                                name="fk_power_update_item_id_power_item"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"], ondelete="CASCADE",
                                name="fk_power_update_village_id_village"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name="fk_power_update_decided_by_id_user_account"),
        sa.ForeignKeyConstraint(["revision_id"], ["published_revision.id"], ondelete="SET NULL",
                                name="fk_power_update_revision_id_published_revision"),
    )
    op.create_index("ix_power_update_template_id", "power_update", ["template_id"])
    op.create_index("ix_power_update_item_id", "power_update", ["item_id"])
    op.create_index("ix_power_update_village_id", "power_update", ["village_id"])
    op.create_index("ix_power_update_status", "power_update", ["status"])

    op.create_table(
        "complaint_staff_entry",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proxy_name", sa.String(50), nullable=True),
        sa.Column("consent_how", sa.String(16), nullable=True),
        sa.ForeignKeyConstraint(["complaint_id"], ["complaint.id"], ondelete="CASCADE",
                                name="fk_complaint_staff_entry_complaint_id_complaint"),
        sa.ForeignKeyConstraint(["entered_by_id"], ["user_account.id"], ondelete="SET NULL",
                                name="fk_complaint_staff_entry_entered_by_id_user_account"),
        sa.UniqueConstraint("complaint_id", name="uq_complaint_staff_entry_complaint_id"),
    )
    op.create_index("ix_complaint_staff_entry_entered_by_id", "complaint_staff_entry", ["entered_by_id"])


def downgrade():
    op.drop_index("ix_complaint_staff_entry_entered_by_id", table_name="complaint_staff_entry")
    op.drop_table("complaint_staff_entry")
    for column in ("status", "village_id", "item_id", "template_id"):
        op.drop_index(f"ix_power_update_{column}", table_name="power_update")
    op.drop_table("power_update")
