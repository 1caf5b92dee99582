"""Only failed sign-in attempts count, per username and per address; the answer is a clear 429."""
from conftest import Auth, csrf_from

from accounts.conftest import error_summary, text

PASSWORD = "demo-password-2025"


def _attempt(client, username, password="wrong-password-0", address="10.0.0.1"):
    env = {"REMOTE_ADDR": address}
    page = client.get("/auth/login", environ_base=env)
    return client.post("/auth/login", data={"csrf_token": csrf_from(text(page)), "username": username,
                                            "password": password}, environ_base=env)


def test_sixth_failure_for_a_username_gets_429_with_a_chinese_message(client):
    for _ in range(5):
        assert _attempt(client, "handler_baishi").status_code == 200
    blocked = _attempt(client, "handler_baishi")
    assert blocked.status_code == 429
    html = text(blocked)
    assert "尝试失败次数过多" in error_summary(html)
    assert 'name="username"' in html and 'value="handler_baishi"' in html  # the form is still there


def test_throttled_username_is_refused_even_with_the_right_password(client):
    for _ in range(5):
        _attempt(client, "handler_baishi")
    assert _attempt(client, "handler_baishi", PASSWORD).status_code == 429


def test_username_limit_ignores_case_and_spaces(client):
    for name in ("handler_baishi", "HANDLER_BAISHI", " handler_baishi ", "Handler_Baishi", "handler_baishi"):
        _attempt(client, name)
    assert _attempt(client, "handler_baishi", PASSWORD).status_code == 429


def test_other_usernames_are_not_blocked_by_one_accounts_failures(client):
    for _ in range(6):
        _attempt(client, "handler_baishi")
    assert _attempt(client, "county_handler", PASSWORD).status_code == 302


def test_unknown_usernames_are_throttled_too(client):
    for _ in range(5):
        _attempt(client, "nobody_at_all")
    assert _attempt(client, "nobody_at_all").status_code == 429


def test_successful_sign_ins_do_not_count(app):
    client = app.test_client()
    auth = Auth(client)
    for _ in range(8):
        assert auth.login("county_handler").status_code == 302
    assert _attempt(client, "county_handler").status_code == 200


def test_one_address_is_limited_across_usernames(client):
    for i in range(30):
        assert _attempt(client, f"guess_{i}", address="10.9.9.9").status_code == 200
    assert _attempt(client, "county_handler", PASSWORD, address="10.9.9.9").status_code == 429
    assert _attempt(client, "county_handler", PASSWORD, address="10.9.9.10").status_code == 302


def test_the_hourly_username_limit_holds_across_minutes(app, client, monkeypatch):
    import time as real_time
    from types import SimpleNamespace

    import limits.storage.memory

    clock = [real_time.time()]
    # Move only the rate limiter's clock forward, a minute at a time.
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: clock[0]))
    for _minute in range(4):
        for _ in range(5):
            assert _attempt(client, "county_admin").status_code == 200
        clock[0] += 61
    assert _attempt(client, "county_admin", PASSWORD).status_code == 429
