"""Subsidy self-check and payment-list anomalies: payment lines, standards, declared relatives, the deceased.

Revision ID: t1subsidy
Revises: f1figures
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "t1subsidy"
down_revision = "f1figures"
branch_labels = None
depends_on = None


def _fk(table, column, target, on_delete):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=on_delete,
                                   name=f"fk_{table}_{column}_{target}")


def upgrade():
    op.create_table(
        "subsidy_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("item_key", sa.String(120), nullable=False),
        sa.Column("name", sa.String(64), nullable=True),
        sa.Column("masked_id", sa.String(32), nullable=True),
        sa.Column("id_hash", sa.String(64), nullable=True),
        sa.Column("card_hash", sa.String(64), nullable=True),
        sa.Column("amount", sa.Numeric(14, 2), nullable=True),
        sa.Column("period_label", sa.String(64), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subsidy_payment"),
        _fk("subsidy_payment", "village_id", "village", "RESTRICT"),
        _fk("subsidy_payment", "disclosure_id", "disclosure", "RESTRICT"),
        sa.ForeignKeyConstraint(["revision_id"], ["published_revision.id"], ondelete="RESTRICT",
                                name="fk_subsidy_payment_revision_id_published_revision"),
    )
    for column in ("village_id", "disclosure_id", "revision_id", "item_key", "id_hash", "current"):
        op.create_index(f"ix_subsidy_payment_{column}", "subsidy_payment", [column])

    op.create_table(
        "subsidy_standard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(120), nullable=False),
        sa.Column("item_key", sa.String(120), nullable=False),
        sa.Column("max_amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("note", sa.String(255), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_subsidy_standard"),
        sa.UniqueConstraint("item_key", name="uq_subsidy_standard_item_key"),
        _fk("subsidy_standard", "updated_by_id", "user_account", "SET NULL"),
    )

    op.create_table(
        "cadre_relative",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=False),
        sa.Column("cadre_name", sa.String(64), nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("masked_id", sa.String(32), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cadre_relative"),
        sa.UniqueConstraint("declared_by_id", "id_hash", name="uq_cadre_relative_declared_by_id"),
        _fk("cadre_relative", "village_id", "village", "CASCADE"),
        _fk("cadre_relative", "declared_by_id", "user_account", "CASCADE"),
    )
    for column in ("village_id", "declared_by_id", "id_hash"):
        op.create_index(f"ix_cadre_relative_{column}", "cadre_relative", [column])

    op.create_table(
        "deceased_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("masked_id", sa.String(32), nullable=False),
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("died_on", sa.Date(), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deceased_person"),
        sa.UniqueConstraint("township_id", "id_hash", name="uq_deceased_person_township_id"),
        _fk("deceased_person", "township_id", "township", "CASCADE"),
        _fk("deceased_person", "entered_by_id", "user_account", "SET NULL"),
    )
    for column in ("township_id", "id_hash"):
        op.create_index(f"ix_deceased_person_{column}", "deceased_person", [column])

    op.create_table(
        "payment_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=False),
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("check_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_payment_review"),
        sa.UniqueConstraint("revision_id", name="uq_payment_review_revision_id"),
        _fk("payment_review", "village_id", "village", "RESTRICT"),
        _fk("payment_review", "township_id", "township", "RESTRICT"),
        _fk("payment_review", "disclosure_id", "disclosure", "RESTRICT"),
        sa.ForeignKeyConstraint(["revision_id"], ["published_revision.id"], ondelete="RESTRICT",
                                name="fk_payment_review_revision_id_published_revision"),
        _fk("payment_review", "published_by_id", "user_account", "SET NULL"),
        _fk("payment_review", "checked_by_id", "user_account", "SET NULL"),
    )
    for column in ("village_id", "township_id", "disclosure_id", "flagged_at", "checked_at"):
        op.create_index(f"ix_payment_review_{column}", "payment_review", [column])

    op.create_table(
        "payment_anomaly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(24), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payment_anomaly"),
        _fk("payment_anomaly", "review_id", "payment_review", "CASCADE"),
    )
    op.create_index("ix_payment_anomaly_review_id", "payment_anomaly", ["review_id"])

    # On SQLite the table is rebuilt, with foreign keys off as migrations/env.py arranges.
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subsidy_payment_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_complaint_subsidy_payment_id_subsidy_payment", "subsidy_payment",
                                    ["subsidy_payment_id"], ["id"], ondelete="SET NULL")


def downgrade():
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_constraint("fk_complaint_subsidy_payment_id_subsidy_payment", type_="foreignkey")
        batch_op.drop_column("subsidy_payment_id")
    op.drop_table("payment_anomaly")
    op.drop_table("payment_review")
    op.drop_table("deceased_person")
    op.drop_table("cadre_relative")
    op.drop_table("subsidy_standard")
    op.drop_table("subsidy_payment")
