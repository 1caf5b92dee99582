"""Sessions really end: on logout, password change, deactivation, role change and timeouts."""
import time

from conftest import csrf_from

from accounts.conftest import text
from portal.accounts.models import User
from portal.extensions import db

COOKIE = "session"


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one()


def _saved_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def _replay(client, value: str) -> None:
    client.set_cookie(COOKIE, value)


def test_session_id_carries_the_session_version(ctx, auth, client):
    auth.login("handler_baishi")
    user = _user("handler_baishi")
    with client.session_transaction() as sess:
        assert sess["_user_id"] == f"{user.id}:{user.session_version}"


def test_cookie_saved_before_logout_no_longer_works(auth, client):
    auth.login("handler_baishi")
    saved = _saved_cookie(client)
    assert client.get("/auth/").status_code == 200
    auth.logout()
    _replay(client, saved)
    response = client.get("/auth/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_logout_ends_the_same_account_on_other_devices(app, auth, client):
    other = app.test_client()
    from conftest import Auth

    Auth(other).login("handler_baishi")
    auth.login("handler_baishi")
    auth.logout()
    assert other.get("/auth/").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, auth, client, forms):
    from conftest import Auth

    other = app.test_client()
    Auth(other).login("county_handler")
    auth.login("county_handler")
    saved = _saved_cookie(client)
    response = forms.post("/auth/password", {"current_password": "demo-password-2025",
                                             "new_password": "a-new-password-7", "confirm": "a-new-password-7"})
    assert response.status_code == 302
    assert client.get("/auth/").status_code == 200
    assert other.get("/auth/").status_code == 302
    _replay(client, saved)
    assert client.get("/auth/").status_code == 302


def test_deactivated_users_open_session_ends(ctx, app, auth, client):
    from conftest import Auth, Forms

    auth.login("handler_dongshan")
    assert client.get("/auth/").status_code == 200
    admin = app.test_client()
    Auth(admin).login("county_admin")
    target = _user("handler_dongshan")
    response = Forms(admin).post(f"/admin/accounts/{target.id}/deactivate", {},
                                 form_url=f"/admin/accounts/{target.id}")
    assert response.status_code == 302
    assert _user("handler_dongshan").is_active is False
    response = client.get("/auth/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert auth.login("handler_dongshan").status_code == 200  # and cannot sign in again


def test_role_change_ends_the_accounts_sessions(ctx, app, auth, client):
    from conftest import Auth, Forms

    auth.login("handler_liutang")
    admin = app.test_client()
    Auth(admin).login("county_admin")
    target = _user("handler_liutang")
    response = Forms(admin).post(f"/admin/accounts/{target.id}", {
        "role": "township_handler", "township": "339901201", "village": "", "display_name": "黄立新", "email": ""})
    assert response.status_code == 302
    assert client.get("/auth/").status_code == 200  # a move to another township waits for a second admin
    second = app.test_client()
    Auth(second).login("county_admin2")
    from portal.accounts.models import AccountRequest

    request = db.session.query(AccountRequest).filter_by(kind="role_change", target_id=target.id).one()
    Forms(second).post(f"/admin/approvals/{request.id}/approve", {}, form_url="/admin/approvals")
    assert _user("handler_liutang").township.code == "339901201"
    assert client.get("/auth/").status_code == 302


def test_profile_edit_without_new_role_or_place_keeps_the_session(ctx, app, auth, client):
    from conftest import Auth, Forms

    auth.login("handler_liutang")
    admin = app.test_client()
    Auth(admin).login("county_admin")
    target = _user("handler_liutang")
    Forms(admin).post(f"/admin/accounts/{target.id}", {
        "role": "township_handler", "township": "339901102", "village": "", "display_name": "黄立新（纪委书记）",
        "email": "huang@portal.invalid"})
    assert _user("handler_liutang").display_name == "黄立新（纪委书记）"
    assert client.get("/auth/").status_code == 200


def test_idle_session_expires(app, auth, client):
    auth.login("county_handler")
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - idle - 60
    response = client.get("/auth/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_recently_used_session_stays(app, auth, client):
    auth.login("county_handler")
    with client.session_transaction() as sess:
        sess["seen_at"] = int(time.time()) - 10 * 60
    assert client.get("/auth/").status_code == 200


def test_absolute_lifetime_ends_even_an_active_session(app, auth, client):
    auth.login("county_handler")
    absolute = int(app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    with client.session_transaction() as sess:
        sess["started_at"] = int(time.time()) - absolute - 60
        sess["seen_at"] = int(time.time())
    assert client.get("/auth/").status_code == 302


def test_login_starts_a_fresh_session_clock(auth, client):
    with client.session_transaction() as sess:
        sess["started_at"] = 1  # left over from before sign-in
    auth.login("county_handler")
    with client.session_transaction() as sess:
        assert int(time.time()) - sess["started_at"] < 60
    assert client.get("/auth/").status_code == 200


def test_logout_confirm_page_for_signed_out_visitor_goes_to_login(client):
    response = client.get("/auth/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_a_forged_session_version_is_refused(ctx, app, client, auth):
    auth.login("county_handler")
    user = _user("county_handler")
    with client.session_transaction() as sess:
        sess["_user_id"] = f"{user.id}:{user.session_version + 1}"
    assert client.get("/auth/").status_code == 302
    assert "csrf_token" in text(client.get("/auth/login"))
    assert csrf_from(text(client.get("/auth/login")))
