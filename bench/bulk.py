"""Bulk loading straight through the database driver: executemany on SQLite, COPY on PostgreSQL.

New rows are made by copying a prototype row read back from the database and
overriding a few columns, so columns that later migrations add are filled with
whatever the portal itself stored.
"""
import json
import sqlite3
from datetime import UTC, date, datetime

import sqlalchemy as sa

BATCH = 20_000


class Loader:
    """A raw connection to one database, tuned for a one-off bulk load."""

    def __init__(self, url: str):
        self.url = sa.engine.make_url(url)
        self.backend = self.url.get_backend_name()
        if self.backend == "sqlite":
            self.conn = sqlite3.connect(self.url.database, isolation_level=None)
            # Nothing else is connected: trade durability for speed while loading, restore WAL after.
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000", "temp_store=MEMORY",
                           "foreign_keys=OFF", "locking_mode=EXCLUSIVE"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.conn.execute("BEGIN")
            self.mark = "?"
        else:
            import psycopg

            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.conn = psycopg.connect(dsn)
            self.conn.execute("SET synchronous_commit = off")
            self.mark = "%s"

    def _run(self, sql: str, params):
        if params is None:
            return self.conn.execute(sql)
        return self.conn.execute(sql.replace("?", self.mark), params)

    def query(self, sql: str, params=None) -> list[tuple]:
        return list(self._run(sql, params).fetchall())

    def execute(self, sql: str, params=None) -> None:
        self._run(sql, params)

    def executemany(self, sql: str, rows) -> None:
        sql = sql.replace("?", self.mark)
        if self.backend == "sqlite":
            self.conn.executemany(sql, rows)
        else:
            with self.conn.cursor() as cur:
                cur.executemany(sql, rows)

    def prototype(self, table: str, where: str = "1=1", params=None) -> dict:
        """Return one existing row of table as {column: stored value}."""
        cur = self._run(f"SELECT * FROM {table} WHERE {where} ORDER BY id LIMIT 1", params)
        row = cur.fetchone()
        if row is None:
            raise LookupError(f"no prototype row in {table}")
        names = [d[0] for d in cur.description]
        return {name: self._stored(value) for name, value in zip(names, row, strict=False)}

    def next_id(self, table: str) -> int:
        return (self.query(f"SELECT COALESCE(MAX(id), 0) FROM {table}")[0][0] or 0) + 1

    def _stored(self, value):
        if isinstance(value, (dict, list)):  # psycopg decodes json columns; COPY wants the text back
            return json.dumps(value, ensure_ascii=False)
        return value

    def adapt(self, value):
        """Convert a Python value to what this backend's driver stores for the portal's column types."""
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        if self.backend == "sqlite":
            if isinstance(value, datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(UTC).replace(tzinfo=None)
                return value.strftime("%Y-%m-%d %H:%M:%S.%f")
            if isinstance(value, date):
                return value.isoformat()
            if isinstance(value, bool):
                return int(value)
        return value

    def insert(self, table: str, proto: dict, rows) -> int:
        """Insert rows (dicts of overrides on top of proto) in batches; return how many."""
        return self.insert_mixed(table, [proto], ((0, overrides) for overrides in rows))

    def insert_mixed(self, table: str, protos: list[dict], rows) -> int:
        """Insert rows given as (prototype index, overrides), keeping their order (ids ascending)."""
        columns = list(protos[0])
        bases = [[p[c] for c in columns] for p in protos]
        index = {c: i for i, c in enumerate(columns)}
        adapt = self.adapt
        count = 0

        def full_rows():
            nonlocal count
            for which, overrides in rows:
                values = list(bases[which])
                for key, value in overrides.items():
                    values[index[key]] = adapt(value)
                count += 1
                yield values

        cols = ", ".join(columns)
        if self.backend == "sqlite":
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(columns))})"
            batch = []
            for values in full_rows():
                batch.append(values)
                if len(batch) >= BATCH:
                    self.conn.executemany(sql, batch)
                    batch.clear()
            if batch:
                self.conn.executemany(sql, batch)
        else:
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for values in full_rows():
                    copy.write_row(values)
        return count

    def finish(self) -> None:
        """Commit, fix sequences (PostgreSQL) and put the database back in its serving mode."""
        if self.backend == "sqlite":
            self.conn.execute("COMMIT")
            self.conn.execute("PRAGMA locking_mode=NORMAL")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.close()
            return
        tables = self.query("SELECT table_name FROM information_schema.columns "
                            "WHERE table_schema = 'public' AND column_name = 'id' AND column_default LIKE 'nextval%'")
        for (table,) in tables:
            self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"GREATEST((SELECT MAX(id) FROM {table}), 1))")
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")
        self.conn.close()
