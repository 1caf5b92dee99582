"""Signing in and out through the forms, as staff do."""
import re

import pytest
from argon2 import PasswordHasher
from conftest import csrf_from

from accounts.conftest import error_summary, text
from portal.accounts.models import User
from portal.accounts.passwords import needs_rehash
from portal.core.audit import AuditEntry
from portal.core.urls import safe_next_url
from portal.extensions import db


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one()


def test_login_form_has_the_public_contract_fields(client):
    html = text(client.get("/auth/login"))
    for name in ("username", "password", "csrf_token"):
        assert f'name="{name}"' in html
    assert 'autocomplete="current-password"' in html


def test_login_goes_to_my_work_with_links_for_the_role(auth, client):
    response = auth.login("county_admin")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/"
    home = text(client.get("/auth/"))
    assert "县纪委管理员" in home
    assert 'href="/admin/"' in home
    assert 'href="/publish/"' not in home


def test_cadre_is_offered_publishing_only(app, auth, client):
    auth.login("cadre_shangtang")
    home = text(client.get("/auth/"))
    assert 'href="/admin/"' not in home and 'href="/triage/"' not in home
    assert 'href="/publish/"' in home
    assert "上塘村" in home


def test_handler_is_offered_complaints_and_oversight_and_advised_to_use_2fa(app, auth, client):
    auth.login("handler_baishi")
    home = text(client.get("/auth/"))
    assert 'href="/triage/"' in home and 'href="/oversight/"' in home
    assert 'href="/publish/"' not in home and 'href="/admin/"' not in home
    assert "两步验证" in home


def test_login_follows_a_local_next_path(client, forms):
    response = forms.post("/auth/login?next=/admin/places", {"username": "county_admin",
                                                              "password": "demo-password-2025"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/places"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example",
                                    "/\t/evil.example", "javascript:alert(1)", "evil.example"])
def test_login_never_redirects_off_the_portal(client, forms, target):
    response = forms.post("/auth/login", {"username": "county_admin", "password": "demo-password-2025"},
                          form_url="/auth/login", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/"


@pytest.mark.parametrize("target,expected", [
    ("/villages/339901101202", "/villages/339901101202"), ("/?q=a", "/?q=a"), (None, "/"), ("", "/"),
    ("//x.example", "/"), ("http://x.example/", "/"), ("/\\x.example", "/"), ("/\n/x.example", "/"),
    ("x.example", "/"),
])
def test_safe_next_url_keeps_only_local_paths(target, expected):
    assert safe_next_url(target, "/") == expected


def test_language_switch_uses_the_shared_next_check(client):
    response = client.get("/lang/en", query_string={"next": "//evil.example/"})
    assert response.headers["Location"] == "/"


def _failure(forms, username, password):
    response = forms.post("/auth/login", {"username": username, "password": password})
    assert response.status_code == 200
    return error_summary(text(response))


def test_one_message_for_unknown_user_wrong_password_and_inactive_account(app, forms, runner):
    runner.invoke(args=["users", "deactivate", "handler_liutang"])
    wrong_password = _failure(forms, "county_admin", "not-the-password")
    unknown_user = _failure(forms, "nobody_here", "not-the-password")
    inactive = _failure(forms, "handler_liutang", "demo-password-2025")
    assert wrong_password and wrong_password == unknown_user == inactive
    assert "用户名或密码不正确" in wrong_password


def test_failed_login_keeps_the_username_but_not_the_password(forms):
    response = forms.post("/auth/login", {"username": "county_admin", "password": "secret-guess-123"})
    html = text(response)
    assert 'value="county_admin"' in html and "secret-guess-123" not in html


def test_empty_form_says_what_is_missing_beside_each_field(forms):
    html = text(forms.post("/auth/login", {"username": "", "password": ""}))
    assert 'id="username-error"' in html and 'id="password-error"' in html


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/auth/login", data={"username": "county_admin", "password": "demo-password-2025"})
    assert response.status_code == 400
    assert client.get("/auth/").status_code == 302


def test_weak_hash_is_upgraded_at_login(ctx, auth):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("demo-password-2025")
    user = _user("county_handler")
    user.password_hash = weak
    db.session.commit()
    assert needs_rehash(weak)
    assert auth.login("county_handler").status_code == 302
    stored = _user("county_handler").password_hash
    assert stored != weak and not needs_rehash(stored)


def test_sign_in_is_recorded_and_last_login_set(ctx, auth):
    auth.login("handler_baishi")
    assert _user("handler_baishi").last_login_at is not None
    assert db.session.query(AuditEntry).filter_by(action="login", username="handler_baishi").count() == 1


def test_logout_asks_on_get_and_signs_out_on_post(auth, client):
    auth.login("county_admin")
    page = client.get("/auth/logout")
    assert page.status_code == 200 and 'name="csrf_token"' in text(page)
    assert client.get("/auth/").status_code == 200  # a GET alone signs nobody out
    response = client.post("/auth/logout", data={"csrf_token": csrf_from(text(page))})
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.get("/auth/").status_code == 302


def test_logout_post_without_token_is_refused(auth, client):
    auth.login("county_admin")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/auth/").status_code == 200


def test_my_work_needs_sign_in(client):
    response = client.get("/auth/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login?next=")


def test_temporary_password_must_be_replaced_before_anything_else(ctx, app, auth, client, runner, forms):
    from portal.accounts import service
    from portal.core.db import write_transaction

    with write_transaction():
        temporary = service.reset_password(_user("handler_baishi"))
    assert auth.login("handler_baishi", temporary).status_code == 302
    for url in ("/auth/", "/admin/", "/"):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/password"
    response = forms.post("/auth/password", {"current_password": temporary, "new_password": "my-own-password-1",
                                             "confirm": "my-own-password-1"})
    assert response.status_code == 302
    assert client.get("/auth/").status_code == 200
    assert _user("handler_baishi").must_change_password is False


def test_password_change_refuses_a_wrong_current_password_beside_the_field(ctx, auth, forms):
    auth.login("county_handler")
    before = _user("county_handler").password_hash
    html = text(forms.post("/auth/password", {"current_password": "wrong-password", "new_password":
                                              "another-password-9", "confirm": "another-password-9"}))
    assert 'id="current_password-error"' in html
    assert _user("county_handler").password_hash == before


@pytest.mark.parametrize("new,confirm,field", [
    ("short", "short", "new_password"), ("another-password-9", "different-password-9", "confirm"),
    ("county_handler", "county_handler", "new_password"),
])
def test_password_change_refuses_bad_new_passwords(ctx, auth, forms, new, confirm, field):
    auth.login("county_handler")
    before = _user("county_handler").password_hash
    html = text(forms.post("/auth/password", {"current_password": "demo-password-2025", "new_password": new,
                                              "confirm": confirm}))
    assert f'id="{field}-error"' in html
    assert _user("county_handler").password_hash == before


def test_pages_are_chinese_by_default(client):
    html = text(client.get("/auth/login"))
    assert re.search(r"<h1>工作人员登录</h1>", html)
