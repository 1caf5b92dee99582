"""Two-step verification: enrolment with a QR code, the second sign-in step, recovery codes, enforcement."""
import base64
import re
import time

import pytest
from conftest import csrf_from

from accounts.conftest import code_for, error_summary, text
from portal.accounts.models import User
from portal.core.crypto import decrypt_text, encrypt_text
from portal.core.settings import get_setting
from portal.extensions import db

PASSWORD = "demo-password-2025"


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one()


def test_encrypt_text_round_trips_and_detects_tampering(ctx, app):
    token = encrypt_text("张三 13800000000")
    assert "张三" not in token and decrypt_text(token) == "张三 13800000000"
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(ValueError):
        decrypt_text(tampered)


def test_enrolment_page_shows_an_inline_svg_qr_code_and_the_key(auth, client):
    auth.login("handler_baishi")
    html = text(client.get("/auth/2fa"))
    src = re.search(r'<img class="qr" src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    svg = base64.b64decode(src).decode()
    assert svg.lstrip().startswith("<svg") and "<script" not in svg
    assert re.search(r'<p class="chain">[A-Z2-7 ]{32,}</p>', html)
    assert "<script" not in html


def test_enrolment_key_stays_the_same_across_reloads(auth, client):
    auth.login("handler_baishi")
    first = re.search(r'<p class="chain">([A-Z2-7 ]+)</p>', text(client.get("/auth/2fa"))).group(1)
    second = re.search(r'<p class="chain">([A-Z2-7 ]+)</p>', text(client.get("/auth/2fa"))).group(1)
    assert first == second


def test_wrong_enrolment_code_changes_nothing(ctx, auth, client):
    auth.login("handler_baishi")
    page = text(client.get("/auth/2fa"))
    response = client.post("/auth/2fa", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert 'id="code-error"' in text(response)
    assert _user("handler_baishi").totp_enabled is False


def test_enrolment_stores_the_secret_encrypted_and_only_hashes_of_recovery_codes(ctx, auth, two_factor):
    auth.login("handler_baishi")
    secret, codes = two_factor.enrol()
    user = _user("handler_baishi")
    assert user.totp_enabled and user.totp_secret != secret and decrypt_text(user.totp_secret) == secret
    assert len(set(codes)) == 10
    assert not any(code in user.recovery_codes or code.replace("-", "") in user.recovery_codes for code in codes)


def test_sign_in_asks_for_the_code_after_the_password(auth, client, two_factor):
    auth.login("handler_baishi")
    secret, _codes = two_factor.enrol()
    auth.logout()
    first = auth.login("handler_baishi")
    assert first.status_code == 302 and first.headers["Location"] == "/auth/login/2fa"
    assert client.get("/auth/").status_code == 302  # not signed in yet
    done = two_factor.answer(code_for(secret, steps_ahead=1))
    assert done.status_code == 302 and done.headers["Location"] == "/auth/"
    assert client.get("/auth/").status_code == 200


def test_a_wrong_code_keeps_the_user_out(auth, client, two_factor):
    auth.login("handler_baishi")
    two_factor.enrol()
    auth.logout()
    auth.login("handler_baishi")
    response = two_factor.answer("123456")
    assert response.status_code == 200 and 'id="code-error"' in text(response)
    assert client.get("/auth/").status_code == 302


def test_a_used_code_cannot_be_replayed(app, auth, client, two_factor):
    auth.login("handler_baishi")
    secret, _codes = two_factor.enrol()
    auth.logout()
    code = code_for(secret, steps_ahead=1)
    auth.login("handler_baishi")
    assert two_factor.answer(code).status_code == 302
    auth.logout()
    auth.login("handler_baishi")
    assert two_factor.answer(code).status_code == 200


def test_recovery_code_works_once(ctx, auth, client, two_factor):
    auth.login("handler_baishi")
    _secret, codes = two_factor.enrol()
    auth.logout()
    auth.login("handler_baishi")
    assert two_factor.answer(codes[3].upper()).status_code == 302
    assert _user("handler_baishi").recovery_codes.count('"') == 2 * 9
    auth.logout()
    auth.login("handler_baishi")
    assert two_factor.answer(codes[3]).status_code == 200


def test_the_second_step_expires(auth, client, two_factor):
    auth.login("handler_baishi")
    secret, _codes = two_factor.enrol()
    auth.logout()
    auth.login("handler_baishi")
    with client.session_transaction() as sess:
        pending = dict(sess["pending_2fa"])
        pending["at"] = int(time.time()) - 301
        sess["pending_2fa"] = pending
    response = client.get("/auth/login/2fa")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"


def test_the_second_step_is_throttled(auth, client, two_factor):
    auth.login("handler_baishi")
    two_factor.enrol()
    auth.logout()
    auth.login("handler_baishi")
    for _ in range(5):
        assert two_factor.answer("111111").status_code == 200
    blocked = two_factor.answer("111111")
    assert blocked.status_code == 429 and "尝试失败次数过多" in error_summary(text(blocked))


def test_new_recovery_codes_replace_the_old_ones(auth, client, two_factor):
    auth.login("county_handler")
    secret, old_codes = two_factor.enrol()
    page = text(client.get("/auth/2fa"))
    response = client.post("/auth/2fa/codes", data={"csrf_token": csrf_from(page), "code": old_codes[0]})
    new_codes = re.findall(r'<li class="chain">([a-z0-9-]+)</li>', text(response))
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    auth.logout()
    auth.login("county_handler")
    assert two_factor.answer(old_codes[1]).status_code == 200
    assert two_factor.answer(new_codes[1]).status_code == 302


def test_turning_off_needs_the_password_and_a_current_code(ctx, auth, client, two_factor):
    auth.login("cadre_shangtang")
    secret, _codes = two_factor.enrol()
    page = text(client.get("/auth/2fa"))
    wrong = client.post("/auth/2fa/off", data={"csrf_token": csrf_from(page), "password": "not-it-at-all",
                                               "code": code_for(secret, 1)})
    assert 'id="password-error"' in text(wrong) and _user("cadre_shangtang").totp_enabled
    # The password alone (a stolen password with a stolen session) is not enough.
    no_code = client.post("/auth/2fa/off", data={"csrf_token": csrf_from(page), "password": PASSWORD})
    assert 'id="code-error"' in text(no_code) and _user("cadre_shangtang").totp_enabled
    bad_code = client.post("/auth/2fa/off", data={"csrf_token": csrf_from(page), "password": PASSWORD,
                                                  "code": "000000" if code_for(secret, 1) != "000000" else "111111"})
    assert 'id="code-error"' in text(bad_code) and _user("cadre_shangtang").totp_enabled
    client.post("/auth/2fa/off", data={"csrf_token": csrf_from(page), "password": PASSWORD,
                                       "code": code_for(secret, 1)})
    user = _user("cadre_shangtang")
    assert not user.totp_enabled and user.totp_secret is None and user.recovery_codes is None


def test_enabling_the_second_factor_ends_the_accounts_other_sessions(app, auth, client, two_factor):
    from conftest import Auth

    elsewhere = app.test_client()  # e.g. a cookie someone copied earlier
    Auth(elsewhere).login("cadre_shangtang")
    assert elsewhere.get("/auth/").status_code == 200
    auth.login("cadre_shangtang")
    two_factor.enrol()
    assert client.get("/auth/").status_code == 200  # the session that enrolled goes on
    assert elsewhere.get("/auth/").status_code == 302  # the other one is signed out


def test_a_complaint_reader_must_enrol_at_first_sign_in(ctx, app, auth, client, two_factor):
    user = _user("handler_liutang")
    user.last_login_at = None  # an account that has never signed in
    db.session.commit()
    assert get_setting("require_2fa_for_complaint_staff", False) is False  # not enforced by the county
    auth.login("handler_liutang")
    _enrols_before_anything_else(client, two_factor, ("/auth/", "/triage/", "/oversight/"))
    assert _user("handler_liutang").must_enrol_2fa is False


def _enrols_before_anything_else(client, two_factor, urls) -> str:
    """Every page sends the signed-in handler to enrolment; once enrolled they work, and 2FA cannot be turned off."""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"] == "/auth/2fa", url
    two_factor.enrol()
    assert client.get(urls[-1]).status_code == 200
    page = text(client.get("/auth/2fa"))
    assert "/auth/2fa/off" not in page
    return page


def test_a_cadres_first_sign_in_asks_for_nothing_more(ctx, app, auth, client):
    user = _user("cadre_shangtang")
    user.last_login_at = None
    db.session.commit()
    auth.login("cadre_shangtang")
    assert client.get("/auth/").status_code == 200


def _enforce(app, forms, auth):
    from conftest import Auth, Forms

    admin = app.test_client()
    Auth(admin).login("county_admin")
    Forms(admin).post("/admin/security", {"require_2fa": "y"})
    with app.app_context():
        assert get_setting("require_2fa_for_complaint_staff") is True


def test_enforced_handler_without_2fa_is_sent_to_enrolment_first(app, auth, client, forms, two_factor):
    _enforce(app, forms, auth)
    auth.login("handler_liutang")
    page = _enrols_before_anything_else(client, two_factor, ("/auth/", "/auth/password", "/"))
    assert client.post("/auth/2fa/off", data={"csrf_token": csrf_from(page), "password": PASSWORD}).status_code == 403


def test_enforcement_does_not_touch_cadres_or_the_admin(app, auth, client, forms):
    _enforce(app, forms, auth)
    auth.login("cadre_shangtang")
    assert client.get("/auth/").status_code == 200


def test_admin_can_reset_a_lost_second_factor(ctx, app, auth, client, two_factor):
    from conftest import Auth, Forms

    auth.login("handler_dongshan")
    two_factor.enrol()
    admin = app.test_client()
    Auth(admin).login("county_admin")
    user = _user("handler_dongshan")
    Forms(admin).post(f"/admin/accounts/{user.id}/two-factor-reset", {}, form_url=f"/admin/accounts/{user.id}")
    assert _user("handler_dongshan").totp_enabled is True  # a complaint reader: waits for a second admin
    second = app.test_client()
    Auth(second).login("county_admin2")
    from portal.accounts.models import AccountRequest

    request = db.session.query(AccountRequest).filter_by(kind="two_factor_reset", target_id=user.id).one()
    Forms(second).post(f"/admin/approvals/{request.id}/approve", {}, form_url="/admin/approvals")
    assert _user("handler_dongshan").totp_enabled is False
    assert client.get("/auth/").status_code == 302  # signed out too
    assert auth.login("handler_dongshan").headers["Location"] == "/auth/"
    assert client.get("/auth/").headers["Location"] == "/auth/2fa"  # and must set it up again
