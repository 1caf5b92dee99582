"""Two app instances sharing one Redis: a village page stored by one is served by the other, and a
publish through one is what the other shows on its very next request (core/page_cache.py)."""
import os
import uuid

import pytest
from demo_ids import VILLAGE
from disclosures.support import META, disclosure_id_of, new_disclosure, publish

from portal import create_app
from portal.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


def _redis_or_skip() -> None:
    reason = None
    if not REDIS_URL:
        reason = "TEST_REDIS_URL is not set (.ci/run sets it when Redis listens on 127.0.0.1:6379)"
    else:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            reason = f"Redis at TEST_REDIS_URL does not answer: {exc}"
    if reason:
        # Redis answers on every CI machine; elsewhere it may be absent.
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI: {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def app_config(app_config):
    _redis_or_skip()
    return {**app_config, "PAGE_CACHE_URL": REDIS_URL, "PAGE_CACHE_PREFIX": f"test-{uuid.uuid4().hex}:page:"}


@pytest.fixture
def other_node(app, app_config):
    """A second portal on the same database and Redis, as a second node would be."""
    node = create_app(app_config)
    yield node
    with node.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def queries_on():
    """Count the SQL statements an app runs inside a block."""
    from contextlib import contextmanager

    import sqlalchemy as sa

    @contextmanager
    def counter(node):
        statements = []

        def before(_conn, _cursor, statement, *_args):
            if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
                statements.append(statement)

        with node.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counter


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_page_stored_by_one_node_is_served_by_the_other_without_its_database(ctx, app, other_node, queries_on):
    first = app.test_client().get(f"/villages/{VILLAGE}")
    assert first.status_code == 200
    with queries_on(other_node) as statements:
        second = other_node.test_client().get(f"/villages/{VILLAGE}", headers={"Accept-Encoding": "gzip"})
    assert statements == [], "the other node read the page from Redis, not from the database"
    assert second.status_code == 200 and second.headers["Content-Encoding"] == "gzip"
    import gzip

    assert gzip.decompress(second.get_data()) == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    with queries_on(other_node) as statements:
        unchanged = other_node.test_client().get(f"/villages/{VILLAGE}", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and statements == []


def test_a_publish_on_one_node_shows_on_the_other_nodes_next_request(app, client, forms, cadre, other_node):
    title = f"上塘村财务公开 {uuid.uuid4().hex[:6]}"
    disclosure_id = disclosure_id_of(new_disclosure(forms, "text", {"markdown": "本月支出 6,800 元。"},
                                                    meta={"title": title}))
    publish(forms, disclosure_id)
    reader_a, reader_b = app.test_client(), other_node.test_client()
    # Both nodes have served (and so stored) the page with the first title.
    assert title in _text(reader_a.get(f"/villages/{VILLAGE}"))
    assert title in _text(reader_b.get(f"/villages/{VILLAGE}"))
    assert title in _text(reader_b.get(f"/villages/{VILLAGE}"))

    corrected = title + "（更正）"
    response = forms.post(f"/publish/disclosures/{disclosure_id}/edit",
                          {**META, "title": corrected, "markdown": "本月支出 8,600 元。", "reason": "金额录入错误"})
    assert response.status_code == 302, _text(response)[:500]
    assert corrected not in _text(reader_b.get(f"/villages/{VILLAGE}")), "a draft correction is not public"
    publish(forms, disclosure_id)
    # Published on node A: node B's very next answer is the corrected page, and so is node A's.
    assert corrected in _text(reader_b.get(f"/villages/{VILLAGE}"))
    assert corrected in _text(reader_a.get(f"/villages/{VILLAGE}"))


def test_a_renamed_township_renews_every_stored_page(ctx, app, other_node):
    """A bulk UPDATE of villages (township renamed) raises the global generation once it commits."""
    from sqlalchemy import select, update

    from portal.places.models import Township, Village

    reader = other_node.test_client()
    before = _text(reader.get(f"/villages/{VILLAGE}"))
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    township = db.session.get(Township, village.township_id)
    new_name = township.name + "新区"
    township.name = new_name
    db.session.execute(update(Village).where(Village.township_id == township.id)
                       .values(content_version=Village.content_version + 1))
    db.session.commit()
    assert new_name not in before
    assert new_name in _text(reader.get(f"/villages/{VILLAGE}"))
