"""Search inside published disclosures: one row of plain text per disclosure, on the databases' text indexes.

Revision ID: f1figures
Revises: h1holds
Create Date: 2026-12-01 17:00:00

SQLite: an FTS5 table with the trigram tokenizer over disclosure_text.body (external content, kept by
triggers). PostgreSQL: a pg_trgm GIN index on disclosure_text.body. The application fills
disclosure_text when a revision is published or changed; this migration fills it for what is already
published.
"""
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from portal.core.masking import mask_text

revision = "f1figures"
down_revision = "h1holds"
branch_labels = None
depends_on = None

SKIP = {"id", "sha256", "hash", "mime", "size", "kind", "meta", "step", "code", "report_id", "html", "notes_html",
        "description_html", "sections_html", "breaches", "format", "masked", "dropped_columns", "checks", "totals"}
MAX_BODY = 200_000
LOCAL = ZoneInfo("Asia/Shanghai")


def _words(value, key, out):
    if key in SKIP:
        return
    if isinstance(value, str):
        if value.strip():
            out.append(value.strip())
    elif isinstance(value, dict):
        for k, v in value.items():
            _words(v, k, out)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _words(v, None, out)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        out.append(str(value))


def _moment(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def _backfill():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT d.id, d.village_id, d.domain, d.kind, d.first_published_at, r.id, r.number, r.title, r.content, "
        "r.published_at FROM disclosure d JOIN published_revision r ON r.id = d.current_revision_id "
        "WHERE d.status = 'published'")).all()
    insert = sa.text(
        "INSERT INTO disclosure_text (disclosure_id, revision_id, revision_number, village_id, domain, kind, year, "
        "published_at, title, body) VALUES (:d, :r, :n, :v, :domain, :kind, :year, :at, :title, :body)")
    for did, vid, domain, kind, first, rid, number, title, content, published in rows:
        if isinstance(content, str):
            content = json.loads(content)
        words = [title or ""]
        _words(content or {}, None, words)
        first, published = _moment(first), _moment(published)
        bind.execute(insert, {"d": did, "r": rid, "n": number, "v": vid, "domain": domain, "kind": kind,
                              "year": (first or published).astimezone(LOCAL).year, "at": published,
                              "title": (title or "")[:255], "body": mask_text("\n".join(words))[:MAX_BODY]})


def upgrade():
    op.create_table(
        "disclosure_text",
        sa.Column("disclosure_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["disclosure_id"], ["disclosure.id"],
                                name=op.f("fk_disclosure_text_disclosure_id_disclosure"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["revision_id"], ["published_revision.id"],
                                name=op.f("fk_disclosure_text_revision_id_published_revision"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["village_id"], ["village.id"],
                                name=op.f("fk_disclosure_text_village_id_village"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("disclosure_id", name=op.f("pk_disclosure_text")),
    )
    op.create_index("ix_disclosure_text_village_year", "disclosure_text", ["village_id", "year"])
    op.create_index("ix_disclosure_text_year_published", "disclosure_text", ["year", "published_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_disclosure_text_body_trgm ON disclosure_text USING gin (body gin_trgm_ops)")
    else:
        op.execute("CREATE VIRTUAL TABLE disclosure_fts USING fts5(body, content='disclosure_text', "
                   "content_rowid='disclosure_id', tokenize='trigram')")
        op.execute("CREATE TRIGGER disclosure_text_ai AFTER INSERT ON disclosure_text BEGIN "
                   "INSERT INTO disclosure_fts (rowid, body) VALUES (new.disclosure_id, new.body); END")
        op.execute("CREATE TRIGGER disclosure_text_ad AFTER DELETE ON disclosure_text BEGIN "
                   "INSERT INTO disclosure_fts (disclosure_fts, rowid, body) "
                   "VALUES ('delete', old.disclosure_id, old.body); END")
        op.execute("CREATE TRIGGER disclosure_text_au AFTER UPDATE ON disclosure_text BEGIN "
                   "INSERT INTO disclosure_fts (disclosure_fts, rowid, body) "
                   "VALUES ('delete', old.disclosure_id, old.body); "
                   "INSERT INTO disclosure_fts (rowid, body) VALUES (new.disclosure_id, new.body); END")
    _backfill()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_disclosure_text_body_trgm")
    else:
        for name in ("disclosure_text_au", "disclosure_text_ad", "disclosure_text_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS disclosure_fts")
    op.drop_index("ix_disclosure_text_year_published", table_name="disclosure_text")
    op.drop_index("ix_disclosure_text_village_year", table_name="disclosure_text")
    op.drop_table("disclosure_text")
