"""Village search on the databases' own text indexes: FTS5 trigram (SQLite), pg_trgm GIN (PostgreSQL),
and a table of the one- and two-character pieces of each name for queries too short for trigrams.

Revision ID: s1search
Revises: d1jobs
Create Date: 2026-12-01 14:10:00

Database triggers keep both in step with village and township names, whoever writes them
(the admin pages, the CLI, a bulk import).
"""
from alembic import op
import sqlalchemy as sa


revision = 's1search'
down_revision = "d1jobs"
branch_labels = None
depends_on = None

MAX_NAME = 64  # village.name and township.name are String(64)

# Every 1- and 2-character piece of the village's name and of its township's name, lower-cased.
SQLITE_GRAMS = """
INSERT OR IGNORE INTO village_gram (gram, village_id)
SELECT lower(substr(s.t, p.i, w.n)), {vid}
FROM (SELECT name AS t FROM village WHERE id = {vid}
      UNION ALL SELECT township.name FROM township JOIN village ON village.township_id = township.id
      WHERE village.id = {vid}) AS s,
     search_position AS p, (SELECT 1 AS n UNION ALL SELECT 2) AS w
WHERE p.i + w.n - 1 <= length(s.t);
"""
SQLITE_FTS_ROW = """
INSERT INTO village_fts (rowid, name, name_pinyin, township)
SELECT village.id, village.name, village.name_pinyin, township.name
FROM village JOIN township ON township.id = village.township_id WHERE village.id = {vid};
"""


def _sqlite_upgrade():
    op.execute("CREATE TABLE search_position (i INTEGER PRIMARY KEY)")
    op.execute("INSERT INTO search_position (i) " + " UNION ALL ".join(f"SELECT {i}" for i in range(1, MAX_NAME + 1)))
    op.execute("CREATE VIRTUAL TABLE village_fts USING fts5(name, name_pinyin, township, tokenize='trigram')")
    op.execute("INSERT INTO village_fts (rowid, name, name_pinyin, township) "
               "SELECT village.id, village.name, village.name_pinyin, township.name "
               "FROM village JOIN township ON township.id = village.township_id")
    op.execute("""
        INSERT OR IGNORE INTO village_gram (gram, village_id)
        SELECT lower(substr(s.t, p.i, w.n)), s.id
        FROM (SELECT id, name AS t FROM village
              UNION ALL SELECT village.id, township.name FROM village JOIN township ON township.id = village.township_id
             ) AS s, search_position AS p, (SELECT 1 AS n UNION ALL SELECT 2) AS w
        WHERE p.i + w.n - 1 <= length(s.t)""")
    refresh = ("DELETE FROM village_fts WHERE rowid = {vid}; DELETE FROM village_gram WHERE village_id = {vid};"
               + SQLITE_FTS_ROW + SQLITE_GRAMS)
    op.execute(f"CREATE TRIGGER village_search_ai AFTER INSERT ON village BEGIN "
               f"{SQLITE_FTS_ROW.format(vid='new.id')} {SQLITE_GRAMS.format(vid='new.id')} END")
    op.execute("CREATE TRIGGER village_search_au AFTER UPDATE OF name, name_pinyin, township_id ON village BEGIN "
               f"{refresh.format(vid='new.id')} END")
    op.execute("CREATE TRIGGER village_search_ad AFTER DELETE ON village BEGIN "
               "DELETE FROM village_fts WHERE rowid = old.id; DELETE FROM village_gram WHERE village_id = old.id; END")
    op.execute("""
        CREATE TRIGGER township_search_au AFTER UPDATE OF name ON township BEGIN
          UPDATE village_fts SET township = new.name
          WHERE rowid IN (SELECT id FROM village WHERE township_id = new.id);
          DELETE FROM village_gram WHERE village_id IN (SELECT id FROM village WHERE township_id = new.id);
          INSERT OR IGNORE INTO village_gram (gram, village_id)
          SELECT lower(substr(s.t, p.i, w.n)), s.id
          FROM (SELECT id, name AS t FROM village WHERE township_id = new.id
                UNION ALL SELECT id, new.name FROM village WHERE township_id = new.id) AS s,
               search_position AS p, (SELECT 1 AS n UNION ALL SELECT 2) AS w
          WHERE p.i + w.n - 1 <= length(s.t);
        END""")


def _pg_upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE INDEX ix_village_name_trgm ON village USING gin (name gin_trgm_ops)")
    op.execute("CREATE INDEX ix_village_name_pinyin_trgm ON village USING gin (name_pinyin gin_trgm_ops)")
    op.execute("CREATE INDEX ix_township_name_trgm ON township USING gin (name gin_trgm_ops)")
    op.execute("""
        CREATE FUNCTION village_gram_refresh(vid integer) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM village_gram WHERE village_id = vid;
          INSERT INTO village_gram (gram, village_id)
          SELECT DISTINCT lower(substr(s.t, p.i, w.n)), vid
          FROM (SELECT name AS t FROM village WHERE id = vid
                UNION ALL SELECT township.name FROM township JOIN village ON village.township_id = township.id
                WHERE village.id = vid) AS s,
               generate_series(1, char_length(s.t)) AS p(i), (VALUES (1), (2)) AS w(n)
          WHERE p.i + w.n - 1 <= char_length(s.t);
        END $$""")
    op.execute("""
        CREATE FUNCTION village_gram_village() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM village_gram_refresh(NEW.id); RETURN NULL; END $$""")
    op.execute("""
        CREATE FUNCTION village_gram_township() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM village_gram_refresh(id) FROM village WHERE township_id = NEW.id; RETURN NULL; END $$""")
    op.execute("CREATE TRIGGER village_gram_ai AFTER INSERT OR UPDATE OF name, township_id ON village "
               "FOR EACH ROW EXECUTE FUNCTION village_gram_village()")
    op.execute("CREATE TRIGGER township_gram_au AFTER UPDATE OF name ON township "
               "FOR EACH ROW EXECUTE FUNCTION village_gram_township()")
    op.execute("""
        INSERT INTO village_gram (gram, village_id)
        SELECT DISTINCT lower(substr(s.t, p.i, w.n)), s.id
        FROM (SELECT id, name AS t FROM village
              UNION ALL SELECT village.id, township.name FROM village JOIN township ON township.id = village.township_id
             ) AS s, generate_series(1, char_length(s.t)) AS p(i), (VALUES (1), (2)) AS w(n)
        WHERE p.i + w.n - 1 <= char_length(s.t)""")


def upgrade():
    op.create_table('village_gram',
    sa.Column('gram', sa.String(length=2), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['village_id'], ['village.id'], name=op.f('fk_village_gram_village_id_village'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('gram', 'village_id', name=op.f('pk_village_gram')),
    sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        _pg_upgrade()
    else:
        _sqlite_upgrade()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS township_gram_au ON township")
        op.execute("DROP TRIGGER IF EXISTS village_gram_ai ON village")
        op.execute("DROP FUNCTION IF EXISTS village_gram_township()")
        op.execute("DROP FUNCTION IF EXISTS village_gram_village()")
        op.execute("DROP FUNCTION IF EXISTS village_gram_refresh(integer)")
        for name in ("ix_township_name_trgm", "ix_village_name_pinyin_trgm", "ix_village_name_trgm"):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for name in ("township_search_au", "village_search_ad", "village_search_au", "village_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS village_fts")
        op.execute("DROP TABLE IF EXISTS search_position")
    op.drop_table('village_gram')
