"""The record cannot be bent: power items and evaluation results on the chain, pinned complaints, checkpoints.

Every power item gets its first chained revision (a full copy of the item, with
the reason "在册事项（升级时首次记入公开记录）"), every closed evaluation round its
result entry, so `verify` can check what the public pages show against the
chain. Complaints gain the revision ids they question; signed checkpoints of
the chain heads get their table.

Revision ID: r1record
Revises: s1search
Create Date: 2026-12-01
"""
import hashlib
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "r1record"
down_revision = "s1search"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
POWER_FIELDS = ("code", "title", "category", "top_class", "legal_basis", "responsible_body", "eligibility",
                "materials", "steps", "total_time_limit", "disclosure_rules", "risks", "accountability", "note",
                "responsible_person", "responsible_phone", "supervisor", "hotline")
REASON = "在册事项（升级时首次记入公开记录）"


def _utc(moment) -> datetime:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _hash(payload: dict) -> str:
    # The same canonical form as portal/records/chain.py::canonical_bytes; it must never change.
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
                          ).hexdigest()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _add_reference(table: str, column: str, on_delete: str) -> None:
    """Add a nullable column referring to published_revision (on SQLite the table is rebuilt, with
    foreign keys off as migrations/env.py arranges, so no ON DELETE fires)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f(f"fk_{table}_{column}_published_revision"), "published_revision",
                                    [column], ["id"], ondelete=on_delete)


def upgrade():
    # Only ADD COLUMN: SQLite then alters in place (rebuilding would fire ON DELETE SET NULL elsewhere).
    _add_reference("power_item", "current_revision_id", "RESTRICT")
    with op.batch_alter_table("power_item", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("revision_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True))
    _add_reference("complaint", "power_item_revision_id", "SET NULL")
    _add_reference("complaint", "disclosure_revision_id", "SET NULL")
    op.create_table(
        "record_checkpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_checkpoint")),
    )
    with op.batch_alter_table("record_checkpoint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_record_checkpoint_created_at"), ["created_at"], unique=False)
    _chain_existing_records(op.get_bind())


def _chain_existing_records(conn) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    villages = {row.id: row for row in conn.execute(sa.text(
        "SELECT id, code, chain_head, chain_length FROM village"))}
    heads = {vid: [row.chain_head or GENESIS, row.chain_length or 0] for vid, row in villages.items()}
    revision = sa.table("published_revision", *(sa.column(c) for c in (
        "village_id", "subject_type", "subject_id", "number", "title", "content", "reason", "published_at",
        "published_by_id", "chain_seq", "prev_hash", "hash")), sa.column("content", sa.JSON))

    def append(village_id, subject_type, subject_id, title, content, reason) -> int:
        prev, length = heads[village_id]
        payload = {"village": villages[village_id].code, "subject_type": subject_type, "subject_id": subject_id,
                   "number": 1, "title": title, "content": content, "reason": reason,
                   "published_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "chain_seq": length + 1, "prev_hash": prev}
        digest = _hash(payload)
        conn.execute(revision.insert().values(
            village_id=village_id, subject_type=subject_type, subject_id=subject_id, number=1, title=title,
            content=content, reason=reason, published_at=now, published_by_id=None, chain_seq=length + 1,
            prev_hash=prev, hash=digest))
        heads[village_id] = [digest, length + 1]
        return conn.execute(sa.text("SELECT id FROM published_revision WHERE village_id = :v AND chain_seq = :s"),
                            {"v": village_id, "s": length + 1}).scalar_one()

    columns = ", ".join(POWER_FIELDS)
    items = conn.execute(sa.text(f"SELECT id, village_id, retired_at, {columns} FROM power_item "
                                 "ORDER BY village_id, sort_order, id")).mappings().all()
    for item in items:
        existing = conn.execute(sa.text(
            "SELECT id, number, published_at FROM published_revision WHERE subject_type = 'power_item' "
            "AND subject_id = :i ORDER BY number"), {"i": item["id"]}).all()
        if existing:
            current, count, first = existing[-1].id, existing[-1].number, _utc(existing[0].published_at)
        else:
            content = {"kind": "power_item", **{name: _json(item[name]) for name in POWER_FIELDS},
                       "retired": item["retired_at"] is not None}
            current, count, first = append(item["village_id"], "power_item", item["id"], item["title"], content,
                                           REASON), 1, now
        conn.execute(sa.text("UPDATE power_item SET current_revision_id = :r, revision_count = :n, "
                             "first_published_at = :f WHERE id = :i"),
                     {"r": current, "n": count, "f": first, "i": item["id"]})

    rounds = conn.execute(sa.text(
        "SELECT id, village_id, title, opened_at, closed_at, voter_count, report_ids FROM evaluation_round "
        "WHERE closed_at IS NOT NULL ORDER BY village_id, id")).mappings().all()
    for rnd in rounds:
        if conn.execute(sa.text("SELECT 1 FROM published_revision WHERE subject_type = 'evaluation' "
                                "AND subject_id = :i"), {"i": rnd["id"]}).first():
            continue
        results = []
        for report_id in sorted(_json(rnd["report_ids"]) or []):
            report = conn.execute(sa.text("SELECT id, title, cadre_name, period, rating_counts FROM duty_report "
                                          "WHERE id = :i"), {"i": report_id}).mappings().first()
            if report is None or not report["rating_counts"]:
                continue
            counts = _json(report["rating_counts"])
            results.append({"report_id": report["id"], "title": report["title"], "cadre_name": report["cadre_name"],
                            "period": report["period"], **{k: counts.get(k) for k in sorted(counts)}})
        content = {"kind": "evaluation",
                   "opened_at": _utc(rnd["opened_at"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "closed_at": _utc(rnd["closed_at"]).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "voter_count": rnd["voter_count"], "results": results}
        append(rnd["village_id"], "evaluation", rnd["id"], rnd["title"], content, None)

    for village_id, (head, length) in heads.items():
        if length != (villages[village_id].chain_length or 0):
            conn.execute(sa.text("UPDATE village SET chain_head = :h, chain_length = :n, "
                                 "content_version = content_version + 1 WHERE id = :i"),
                         {"h": head, "n": length, "i": village_id})


def downgrade():
    op.drop_table("record_checkpoint")
    op.drop_column("complaint", "disclosure_revision_id")
    op.drop_column("complaint", "power_item_revision_id")
    op.drop_column("power_item", "first_published_at")
    op.drop_column("power_item", "revision_count")
    op.drop_column("power_item", "current_revision_id")
