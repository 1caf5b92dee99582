"""Sign-in attempts are counted atomically per (username, address) and per address; the answer is a clear 429."""
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


def test_a_stranger_cannot_lock_the_real_user_out(client):
    for _ in range(8):
        _attempt(client, "handler_baishi", address="198.51.100.7")
    assert _attempt(client, "handler_baishi", address="198.51.100.7").status_code == 429
    # The real user, from their own office, signs in at once.
    assert _attempt(client, "handler_baishi", PASSWORD, address="10.20.30.40").status_code == 302


def test_the_delay_grows_and_then_lets_the_user_try_again(app, client, monkeypatch):
    from datetime import timedelta

    from portal.accounts import throttle
    from portal.core.db import utcnow

    clock = [utcnow()]
    monkeypatch.setattr(throttle, "now", lambda: clock[0])
    for _ in range(5):
        assert _attempt(client, "county_admin").status_code == 200
    assert _attempt(client, "county_admin", PASSWORD).status_code == 429
    clock[0] += timedelta(seconds=31)
    assert _attempt(client, "county_admin").status_code == 200  # checked again after the first delay
    clock[0] += timedelta(seconds=31)
    assert _attempt(client, "county_admin", PASSWORD).status_code == 429  # now a minute
    clock[0] += timedelta(seconds=30)
    assert _attempt(client, "county_admin", PASSWORD).status_code == 302


def test_thirty_concurrent_wrong_passwords_get_at_most_five_checked(app, monkeypatch):
    import threading

    from portal.accounts import service

    checked, lock = [], threading.Lock()
    real = service.authenticate

    def counting(username, password):
        with lock:
            checked.append(username)
        return real(username, password)

    monkeypatch.setattr(service, "authenticate", counting)
    clients = [app.test_client() for _ in range(30)]
    tokens = [csrf_from(text(c.get("/auth/login"))) for c in clients]
    barrier, codes = threading.Barrier(30), []

    def guess(c, token):
        barrier.wait()
        with app.app_context():
            response = c.post("/auth/login", data={"csrf_token": token, "username": "handler_baishi",
                                                   "password": "wrong-password-0"})
        with lock:
            codes.append(response.status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(codes) == 30 and 500 not in codes
    assert len(checked) <= 5, f"{len(checked)} passwords were checked against a limit of 5"
    assert codes.count(429) >= 25
