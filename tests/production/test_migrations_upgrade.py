"""A database filled at the first revision ("0001") upgrades to head without losing anything."""
import sqlalchemy as sa
from flask_migrate import upgrade

from portal import create_app
from portal.extensions import db

FIRST = "0001"


def _migrate(url: str, revision: str, tmp_path) -> None:
    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "UPLOAD_DIR": str(tmp_path / "u")})
    with application.app_context():
        upgrade(revision=revision)
        db.session.remove()
        db.engine.dispose()


def _rows(engine, table: sa.Table, columns: list[str]) -> list[tuple]:
    cols = [table.c[name] for name in columns]
    order = list(table.primary_key.columns) or cols
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(*cols).order_by(*order))]


def _versions(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def _first_difference(pair) -> str:
    before, after = pair
    return next(f"column {i}: {b!r} became {a!r}" for i, (b, a) in enumerate(zip(before, after, strict=False)) if b != a)


def _copy_first_revision_tables(source, target) -> sa.MetaData:
    """Copy, table by table, the columns the 0001 schema has from the seeded head database."""
    first = sa.MetaData()
    first.reflect(target)
    head = sa.MetaData()
    head.reflect(source)
    with source.connect() as src, target.begin() as dst:
        if target.dialect.name == "sqlite":
            dst.exec_driver_sql("PRAGMA foreign_keys=OFF")
        for table in first.sorted_tables:
            if table.name == "alembic_version":
                continue
            columns = [c.name for c in table.columns]
            rows = [dict(r._mapping) for r in src.execute(sa.select(*[head.tables[table.name].c[c] for c in columns]))]
            if rows:
                dst.execute(table.insert(), rows)
        if target.dialect.name == "postgresql":
            for table in first.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement:
                    dst.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"))
    return first


def test_a_database_filled_at_0001_upgrades_to_head_without_loss(database_url, empty_database_url, tmp_path):
    source = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    target = sa.create_engine(empty_database_url, poolclass=sa.pool.NullPool)
    _migrate(empty_database_url, FIRST, tmp_path)
    first = _copy_first_revision_tables(source, target)
    copied = {t.name: _rows(target, t, [c.name for c in t.columns])
              for t in first.sorted_tables if t.name != "alembic_version"}
    assert copied["village"] and copied["power_item"] and copied["published_revision"]

    _migrate(empty_database_url, "heads", tmp_path)

    upgraded = sa.MetaData()
    upgraded.reflect(target)
    for name, before in copied.items():
        assert name in upgraded.tables, f"table {name} vanished in the upgrade"
        after = _rows(target, upgraded.tables[name], [c.name for c in first.tables[name].columns])
        assert len(after) == len(before), f"{name}: {len(before)} rows before the upgrade, {len(after)} after"
        changed = [(b, a) for b, a in zip(before, after, strict=False) if b != a]
        assert not changed, f"{name}: values changed in the upgrade, e.g. {_first_difference(changed[0])}"
    assert _versions(target) == _versions(source)

    application = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    result = application.test_cli_runner().invoke(args=["verify"])
    assert result.exit_code == 0, result.output
    source.dispose()
    target.dispose()
