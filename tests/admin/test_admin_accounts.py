"""The county admin manages accounts through the forms."""
import re

import pytest
from conftest import Auth, Forms
from demo_ids import TOWNSHIP, VILLAGE

from admin.conftest import audit_actions, field_error, text
from portal.accounts.models import User
from portal.extensions import db

TEMP_RE = re.compile(r'<p class="card chain temp-password">([a-z0-9-]+)</p>')


def _user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one_or_none()


def _new(forms, **overrides):
    data = {"username": "cadre_new", "display_name": "王五", "email": "", "role": "village_cadre",
            "township": "", "village": VILLAGE, **overrides}
    return forms.post("/admin/accounts/new", data)


def test_account_list_shows_roles_and_places(admin, client):
    html = text(client.get("/admin/accounts"))
    assert "cadre_shangtang" in html and "上塘村" in html and "handler_baishi" in html
    assert "argon2" not in html
    assert "cadre_shangtang" in text(client.get("/admin/accounts", query_string={"q": "shang"}))
    assert "handler_baishi" not in text(client.get("/admin/accounts", query_string={"q": "shang"}))


def test_new_account_gets_a_temporary_password_shown_once(ctx, app, admin, client, forms):
    response = _new(forms)
    assert response.status_code == 200
    temporary = TEMP_RE.search(text(response)).group(1)
    user = _user("cadre_new")
    assert user.village.code == VILLAGE and user.must_change_password
    assert temporary not in text(client.get(f"/admin/accounts/{user.id}"))
    assert "account_create" in audit_actions()
    newcomer = app.test_client()
    assert Auth(newcomer).login("cadre_new", temporary).status_code == 302
    assert newcomer.get("/auth/").headers["Location"] == "/auth/password"


@pytest.mark.parametrize("overrides,field", [
    ({"username": "No Spaces!"}, "username"),
    ({"username": "county_admin"}, "username"),
    ({"username": ""}, "username"),
    ({"role": "mayor"}, "role"),
    ({"village": ""}, "village"),
    ({"village": "339901101999"}, "village"),
    ({"role": "township_handler", "village": ""}, "township"),
    ({"role": "township_handler", "township": TOWNSHIP}, "village"),
    ({"role": "county_handler", "village": "", "township": TOWNSHIP}, "township"),
    ({"email": "not-an-address"}, "email"),
    ({"display_name": "长" * 65}, "display_name"),
])
def test_bad_new_account_input_is_shown_beside_the_field_and_creates_nothing(ctx, admin, forms, overrides, field):
    before = db.session.query(User).count()
    response = _new(forms, **overrides)
    html = text(response)
    assert response.status_code == 200 and field_error(html, field), html[:200]
    assert db.session.query(User).count() == before
    for value in overrides.values():
        if value and value != "mayor":
            assert value in html  # nothing typed is lost


def test_role_and_place_change(ctx, admin, forms):
    user = _user("cadre_xikou")
    version = user.session_version
    response = forms.post(f"/admin/accounts/{user.id}", {"role": "village_cadre", "township": "",
                                                          "village": "339901101202", "display_name": "吴志强",
                                                          "email": ""})
    assert response.status_code == 302
    changed = _user("cadre_xikou")
    assert changed.role == "village_cadre" and changed.village.code == "339901101202"
    assert changed.session_version == version + 1
    assert "account_change" in audit_actions()


def test_bad_scope_change_changes_nothing(ctx, admin, forms):
    user = _user("cadre_xikou")
    version = user.session_version
    html = text(forms.post(f"/admin/accounts/{user.id}", {"role": "village_cadre", "township": "",
                                                          "village": "12345", "display_name": "", "email": ""}))
    assert field_error(html, "village")
    same = _user("cadre_xikou")
    assert same.village.code == "339901101203" and same.session_version == version


def test_deactivate_and_reactivate(ctx, app, admin, forms):
    user = _user("cadre_xikou")
    forms.post(f"/admin/accounts/{user.id}/deactivate", {}, form_url=f"/admin/accounts/{user.id}")
    assert _user("cadre_xikou").is_active is False
    assert Auth(app.test_client()).login("cadre_xikou").status_code == 200
    forms.post(f"/admin/accounts/{user.id}/reactivate", {}, form_url=f"/admin/accounts/{user.id}")
    assert _user("cadre_xikou").is_active is True
    assert Auth(app.test_client()).login("cadre_xikou").status_code == 302
    assert {"account_deactivate", "account_reactivate"} <= set(audit_actions())


def test_admin_cannot_lock_themselves_out(ctx, admin, client, forms):
    me = _user("county_admin")
    page = f"/admin/accounts/{me.id}"
    forms.post(f"{page}/deactivate", {}, form_url=page)
    forms.post(page, {"role": "county_handler", "township": "", "village": "", "display_name": "", "email": ""})
    assert _user("county_admin").is_active and _user("county_admin").role == "county_admin"
    assert client.get("/admin/").status_code == 200


def test_a_refused_account_action_says_why_at_the_top_of_the_account_page(ctx, admin, client, forms):
    me = _user("county_admin")
    page = f"/admin/accounts/{me.id}"
    response = forms.post(f"{page}/deactivate", {}, form_url=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert "不能停用自己的账号。" in text(client.get(page))
    client.set_cookie("lang", "en")
    forms.post(f"{page}/deactivate", {}, form_url=page)
    assert "You cannot deactivate your own account." in text(client.get(page))


def test_password_reset_shows_a_new_temporary_password_and_ends_sessions(ctx, app, admin, forms):
    victim = app.test_client()
    Auth(victim).login("cadre_xikou")
    user = _user("cadre_xikou")
    response = forms.post(f"/admin/accounts/{user.id}/password-reset", {}, form_url=f"/admin/accounts/{user.id}")
    temporary = TEMP_RE.search(text(response)).group(1)
    assert victim.get("/auth/").status_code == 302
    assert Auth(victim).login("cadre_xikou").status_code == 200  # old password gone
    assert Auth(victim).login("cadre_xikou", temporary).status_code == 302
    assert victim.get("/auth/").headers["Location"] == "/auth/password"
    assert "password_reset" in audit_actions()
    assert temporary not in " ".join(e or "" for e in _details())


def _details():
    from portal.core.audit import AuditEntry

    return [entry.detail for entry in db.session.query(AuditEntry)]


def test_account_pages_never_show_password_hashes(ctx, admin, client):
    user = _user("handler_baishi")
    html = text(client.get(f"/admin/accounts/{user.id}"))
    assert "$argon2" not in html and user.password_hash not in html


def test_non_admin_forms_cannot_reach_account_actions(ctx, app):
    client = app.test_client()
    Auth(client).login("county_handler")
    user = _user("cadre_xikou")
    response = Forms(client).post(f"/admin/accounts/{user.id}/deactivate", {}, form_url="/auth/logout")
    assert response.status_code == 403 and _user("cadre_xikou").is_active
