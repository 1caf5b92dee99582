"""Village search through the databases' text indexes gives the same answers as a plain substring match.

Runs on SQLite (FTS5 trigram) and, with PORTAL_TEST_BACKEND=postgres, on PostgreSQL (pg_trgm).
"""
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.places.models import Township, Village
from portal.places.search import pinyin_of, search_villages

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _expected(query: str) -> list[str]:
    """What LIKE '%query%' over village and township names gives, in search order."""
    q = query.lower()
    rows = db.session.execute(sa.select(Village.code, Village.name, Village.name_initials, Township.name)
                              .join(Township, Village.township_id == Township.id)).all()
    hits = [(initials, code) for code, name, initials, town in rows if q in name.lower() or q in town.lower()]
    return [code for _i, code in sorted(hits)][:50]


def _codes(query: str) -> list[str]:
    return [v.code for v in search_villages(query)]


@pytest.mark.parametrize("query", ["上塘村", "塘村", "塘", "村", "白石镇", "石镇", "东山", "山乡", "柳塘镇", "石"])
def test_chinese_substrings_of_any_length_match_name_or_township(app, query):
    with app.test_request_context():
        assert _codes(query) == _expected(query)
        assert _codes(query)  # every query above names something in the demo county


@pytest.mark.parametrize("query", ["东湖", "上塘镇村", "zz村", "%", "_村", '"村"'])
def test_chinese_substrings_without_a_match_find_nothing(app, query):
    with app.test_request_context():
        assert _codes(query) == _expected(query) == []


@pytest.mark.parametrize("query,code", [("shangtangcun", "339901101202"), ("shangtang", "339901101202"),
                                        ("stc", "339901101202"), ("tangcun", "339901101202"),
                                        ("liutang", "339901102201"), ("xkc", "339901101203"),
                                        ("yuancun", "339901201202")])
def test_full_pinyin_initials_and_pinyin_substrings(app, query, code):
    with app.test_request_context():
        assert code in _codes(query)


def test_a_pinyin_substring_finds_every_village_that_has_it(app):
    with app.test_request_context():
        every = {v.code for v in db.session.scalars(sa.select(Village)) if "tang" in v.name_pinyin}
        assert len(every) >= 2 and set(_codes("tang")) == every


def _add_village(name: str, township_code: str = "339901101") -> Village:
    township = db.session.scalar(sa.select(Township).where(Township.code == township_code))
    full, initials = pinyin_of(name)
    village = Village(code="339901101299", name=name, name_pinyin=full, name_initials=initials,
                      township_id=township.id)
    db.session.add(village)
    db.session.commit()
    return village


def test_new_renamed_and_removed_villages_are_found_at_once(app):
    with app.test_request_context():
        village = _add_village("龙潭湾村")
        for query in ("龙潭湾", "龙潭", "湾", "longtan", "ltw"):
            assert "339901101299" in _codes(query), query
        village.name = "凤凰岭村"
        village.name_pinyin, village.name_initials = pinyin_of("凤凰岭村")
        db.session.commit()
        assert "339901101299" not in _codes("龙潭湾") and "339901101299" not in _codes("龙潭")
        assert "339901101299" not in _codes("longtan")
        assert "339901101299" in _codes("凤凰岭") and "339901101299" in _codes("凤凰")
        db.session.delete(village)
        db.session.commit()
        assert _codes("凤凰岭") == [] and _codes("凤凰") == []


def test_a_renamed_township_finds_its_villages_by_the_new_name_only(app):
    with app.test_request_context():
        township = db.session.scalar(sa.select(Township).where(Township.code == "339901101"))
        township.name = "云栖镇"
        db.session.commit()
        assert set(_codes("云栖镇")) == set(_codes("云栖")) == {"339901101201", "339901101202", "339901101203"}
        assert _codes("白石镇") == [] and "339901101203" not in _codes("白石")


def _plan(sql: str, params: dict) -> str:
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        return " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    # Nine villages fit in one page, so the planner would rightly scan; forbid that to see what it can use.
    conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}", params))


def _search_sql(app, query: str) -> tuple[str, dict]:
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "village" in statement and "ORDER BY" in statement:
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        search_villages(query)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    return statements[-1]


@pytest.mark.parametrize("query,index", [("上塘村", {"sqlite": "VIRTUAL TABLE INDEX", "postgresql": "_trgm"}),
                                         ("tangcun", {"sqlite": "VIRTUAL TABLE INDEX", "postgresql": "_trgm"}),
                                         ("上塘", {"sqlite": "village_gram USING PRIMARY KEY",
                                                   "postgresql": "pk_village_gram"})])
def test_substring_search_uses_a_text_index_not_a_scan(app, query, index):
    with app.test_request_context():
        sql, params = _search_sql(app, query)
        plan = _plan(sql, params)
        dialect = db.session.connection().dialect.name
        assert index[dialect] in plan, plan
        if dialect == "sqlite":
            assert "SCAN village" not in plan.replace("SCAN village_fts", ""), plan
