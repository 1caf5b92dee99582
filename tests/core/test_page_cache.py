"""The shared public-page cache (core/page_cache.py): hits before any other work, renewal on publish,
races, and Redis refused or hung (pages still answer from the database, logged once)."""
import gzip
import logging
import socket
import time

import pytest
import sqlalchemy as sa
from demo_ids import VILLAGE
from sqlalchemy import select

from portal import create_app
from portal.core import page_cache
from portal.extensions import db
from portal.places.models import Village

PAGE = f"/villages/{VILLAGE}"
UNREACHABLE = "Page cache unreachable"


@pytest.fixture
def statements(app):
    """The SQL statements the app runs (reset with .clear())."""
    seen = []

    def before(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")):
            seen.append(statement)

    with app.app_context():
        engine = db.engine  # the app's one engine, shared by every request
    sa.event.listen(engine, "before_cursor_execute", before)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", before)


def _bump(code: str = VILLAGE) -> None:
    village = db.session.scalar(select(Village).where(Village.code == code))
    village.content_version += 1
    db.session.commit()


def test_a_stored_page_is_served_without_the_database_plain_gzipped_or_as_304(client, statements):
    first = client.get(PAGE)
    assert first.status_code == 200 and statements, "the first request renders from the database"
    statements.clear()
    again = client.get(PAGE)
    packed = client.get(PAGE, headers={"Accept-Encoding": "gzip, br"})
    unchanged = client.get(PAGE, headers={"If-None-Match": first.headers["ETag"]})
    assert statements == []
    assert again.get_data() == first.get_data() and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"] == "public, no-cache"
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert "Accept-Encoding" in again.headers["Vary"] and "Cookie" in again.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.get_data()) == first.get_data()
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    assert client.head(PAGE).status_code == 200


def test_language_and_text_size_are_stored_apart(app):
    def page(cookies: dict):
        client = app.test_client()
        for name, value in cookies.items():
            client.set_cookie(name, value)
        return client.get(PAGE)

    chinese, english = page({}), page({"lang": "en"})
    large, english_again = page({"lang": "en", "textsize": "large"}), page({"lang": "en"})
    assert 'lang="zh-CN"' in chinese.get_data(as_text=True) and 'lang="en"' in english.get_data(as_text=True)
    assert len({chinese.headers["ETag"], english.headers["ETag"], large.headers["ETag"]}) == 3
    assert english_again.get_data() == english.get_data()


def test_a_change_committed_to_a_village_renews_its_page_at_once(ctx, client, statements):
    first = client.get(PAGE)
    _bump()
    statements.clear()
    after = client.get(PAGE)
    assert statements, "rendered afresh after the change"
    assert after.headers["ETag"] != first.headers["ETag"]
    other = client.get("/villages/" + db.session.scalar(select(Village.code).where(Village.code != VILLAGE)
                                                           .order_by(Village.code).limit(1)))
    assert other.status_code == 200


def test_a_rolled_back_change_renews_nothing_it_did_not_change(ctx, client, app):
    client.get(PAGE)
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    village.content_version += 1
    db.session.rollback()
    backend = app.extensions["portal_page_cache"].backend
    assert not backend.get(f"gen:{VILLAGE}")


def test_a_page_rendered_while_a_publish_commits_is_not_kept(client, statements, monkeypatch):
    """The render read the data before the publish; the publish renews after its commit: the stored
    copy carries the old generation and is never served."""
    from portal.home import views

    real = views.village_page

    def racing(*args):
        page = real(*args)
        page_cache.renew(VILLAGE)  # another request's publish commits now
        return page

    monkeypatch.setattr(views, "village_page", racing)
    client.get(PAGE)
    monkeypatch.setattr(views, "village_page", real)
    statements.clear()
    client.get(PAGE)
    assert statements, "the outdated copy was not served"
    statements.clear()
    client.get(PAGE)
    assert statements == [], "the fresh render is kept"


def test_signed_in_staff_and_pending_messages_get_fresh_pages(client, login_as, statements):
    client.get(PAGE)
    login_as("cadre_shangtang")
    statements.clear()
    staff = client.get(PAGE)
    assert staff.status_code == 200 and statements, "staff see their own header, rendered for them"
    assert "Content-Encoding" not in staff.headers


def test_a_visitor_with_a_session_cookie_but_no_account_still_gets_the_stored_page(client, statements):
    """A form page puts a CSRF token in the session: the app, not the front layer, answers from the cache."""
    client.get(PAGE)
    assert client.get("/complaints/track").status_code == 200
    assert client.get_cookie("session") is not None
    statements.clear()
    response = client.get(PAGE)
    assert response.status_code == 200 and statements == []


def test_a_query_string_is_never_part_of_a_stored_page(client, statements):
    client.get(PAGE)
    statements.clear()
    assert client.get(PAGE + "?x=<b>").status_code == 200
    assert statements


def _app_with_redis(app_config, url: str, retry: float = 5):
    return create_app({**app_config, "PAGE_CACHE_URL": url, "PAGE_CACHE_RETRY": retry, "REDIS_TIMEOUT": 0.2})


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _timed(client, path=PAGE):
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def test_redis_refusing_connections_leaves_pages_answering_and_is_logged_once(app_config, caplog):
    node = _app_with_redis(app_config, f"redis://127.0.0.1:{_closed_port()}/0")
    client = node.test_client()
    with caplog.at_level(logging.WARNING, logger="portal.page_cache"):
        answers = [_timed(client) for _ in range(4)]
    assert all(r.status_code == 200 and VILLAGE in r.get_data(as_text=True) for r, _ in answers)
    assert max(took for _, took in answers) < 2
    assert sum(UNREACHABLE in r.message for r in caplog.records) == 1


def test_a_hung_redis_costs_one_short_timeout_then_is_left_alone(app_config, caplog):
    # A socket that accepts connections (the kernel's backlog) and never answers: Redis under SIGSTOP.
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(64)
    try:
        node = _app_with_redis(app_config, f"redis://127.0.0.1:{hung.getsockname()[1]}/0", retry=30)
        client = node.test_client()
        with caplog.at_level(logging.WARNING, logger="portal.page_cache"):
            first, took_first = _timed(client)
            rest = [_timed(client) for _ in range(5)]
        assert first.status_code == 200 and took_first < 2, took_first
        assert all(r.status_code == 200 for r, _ in rest)
        # Within the retry interval the cache is not asked at all: no request waits on Redis again.
        assert max(took for _, took in rest) < 0.2 + min(took for _, took in rest)
        assert sum(UNREACHABLE in r.message for r in caplog.records) == 1
        # The publish path too: renewing a village while Redis hangs never raises.
        with node.app_context():
            village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
            village.content_version += 1
            db.session.commit()
            db.session.remove()
    finally:
        hung.close()


def test_after_an_outage_every_stored_page_is_renewed(client, app, statements, caplog, monkeypatch):
    """A publish may have happened while the cache could not record it: the first call after Redis
    answers again raises the global generation."""
    client.get(PAGE)
    backend = app.extensions["portal_page_cache"].backend
    real_get, real_inc = backend.get_many, backend.inc

    def refused(*_args):
        raise ConnectionError("refused")

    app.extensions["portal_page_cache"].retry = 0  # ask again at once
    monkeypatch.setattr(backend, "get_many", refused)
    monkeypatch.setattr(backend, "inc", refused)
    with caplog.at_level(logging.WARNING, logger="portal.page_cache"):
        assert client.get(PAGE).status_code == 200
        assert client.get(PAGE).status_code == 200
        monkeypatch.setattr(backend, "get_many", real_get)
        monkeypatch.setattr(backend, "inc", real_inc)
        statements.clear()
        assert client.get(PAGE).status_code == 200
    assert statements, "the page stored before the outage was not served"
    messages = [r.message for r in caplog.records]
    assert sum(UNREACHABLE in m for m in messages) == 1
    assert sum("recovered" in m for m in messages) == 1
    statements.clear()
    client.get(PAGE)
    assert statements == []


def test_production_without_redis_renders_every_time(caplog):
    with caplog.at_level(logging.WARNING, logger="portal.page_cache"):
        config = page_cache._config(type("App", (), {"config": {"PORTAL_ENV": "production"}})())
    assert config["CACHE_TYPE"] == "NullCache"
    assert any("PAGE_CACHE_URL" in r.message for r in caplog.records)
    redis_config = page_cache._config(type("App", (), {"config": {"PAGE_CACHE_URL": "redis://127.0.0.1:6379/0",
                                                                  "REDIS_TIMEOUT": 0.25}})())
    options = redis_config["CACHE_OPTIONS"]
    assert redis_config["CACHE_TYPE"] == "RedisCache"
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.25
