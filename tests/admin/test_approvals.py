"""Four eyes: accounts that read complaints wait for a second county admin, and set their own password."""
import re

import pytest
from conftest import Auth, Forms, csrf_from

from admin.conftest import audit_actions, text
from portal.accounts.models import AccountRequest, SetupToken, User
from portal.extensions import db
from tests.demo_ids import TOWNSHIP

NEW = {"username": "handler_new", "display_name": "新同事", "email": "", "role": "county_handler",
       "township": "", "village": ""}
LINK_RE = re.compile(r'class="card chain setup-link">([^<]+)<')
NEW_PASSWORD = "my own long passphrase 2026"


def _user(username):
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one_or_none()


def _request(kind="create"):
    db.session.expire_all()
    return db.session.query(AccountRequest).filter_by(kind=kind).order_by(AccountRequest.id.desc()).first()


@pytest.fixture
def second(app):
    """A second county administrator, in their own browser."""
    client = app.test_client()
    assert Auth(client).login("county_admin2").status_code == 302
    return Forms(client)


def _approve(second, request_id):
    return second.post(f"/admin/approvals/{request_id}/approve", {}, form_url="/admin/approvals")


def test_a_complaint_reader_is_not_created_until_a_second_admin_approves(ctx, admin, client, forms, second):
    response = forms.post("/admin/accounts/new", NEW)
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/approvals")
    assert _user("handler_new") is None  # nothing can sign in yet
    page = text(client.get("/admin/approvals"))
    assert "handler_new" in page and "approval_approve" not in page
    assert f'/admin/approvals/{_request().id}/approve' not in page  # not for the one who asked
    done = _approve(second, _request().id)
    html = text(done)
    assert done.status_code == 200
    link = LINK_RE.search(html).group(1)
    assert "/auth/setup?token=" in link
    user = _user("handler_new")
    assert user.role == "county_handler" and user.must_enrol_2fa
    assert "account_request_approved" in audit_actions()


def test_the_requester_cannot_approve_their_own_request(ctx, admin, client, forms):
    forms.post("/admin/accounts/new", NEW)
    request = _request()
    response = forms.post(f"/admin/approvals/{request.id}/approve", {}, form_url="/admin/accounts/new")
    assert response.status_code == 303
    assert _user("handler_new") is None and _request().outcome is None


def test_the_owner_sets_their_password_once_and_must_enrol_a_second_factor(ctx, app, admin, forms, second):
    forms.post("/admin/accounts/new", NEW)
    link = LINK_RE.search(text(_approve(second, _request().id))).group(1)
    path = link[link.index("/auth/setup"):]
    owner = app.test_client()
    page = owner.get(path)
    assert page.status_code == 200
    data = {"csrf_token": csrf_from(text(page)), "token": path.split("token=")[1],
            "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    done = owner.post("/auth/setup", data=data)
    assert done.status_code == 302
    assert owner.get("/triage/").headers["Location"] == "/auth/2fa"  # enrol first
    # The link is spent: a second use, or anyone who saw it later, gets nothing.
    again = app.test_client()
    assert again.get(path).status_code == 404
    assert again.post("/auth/setup", data={**data, "csrf_token": csrf_from(text(again.get("/auth/login")))}
                      ).status_code == 404
    assert Auth(app.test_client()).login("handler_new", NEW_PASSWORD).status_code == 302


def test_an_expired_link_does_nothing(ctx, app, admin, forms, second):
    from datetime import timedelta

    from portal.core.db import utcnow

    forms.post("/admin/accounts/new", NEW)
    link = LINK_RE.search(text(_approve(second, _request().id))).group(1)
    token = db.session.query(SetupToken).one()
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert app.test_client().get(link[link.index("/auth/setup"):]).status_code == 404


def test_the_admin_never_sees_a_password_that_opens_complaints(ctx, admin, client, forms, second):
    response = forms.post("/admin/accounts/new", NEW)
    assert "temp-password" not in text(response)
    html = text(_approve(second, _request().id))
    assert "temp-password" not in html
    user = _user("handler_new")
    # Nothing shown on either page opens the account.
    for shown in re.findall(r'class="card chain[^"]*">([^<]+)<', html):
        assert Auth(client.application.test_client()).login("handler_new", shown.strip()).status_code != 302
    assert user.password_hash.startswith("$argon2")


def test_a_password_reset_of_a_handler_waits_and_then_sends_a_link(ctx, app, admin, forms, second):
    victim = app.test_client()
    Auth(victim).login("handler_baishi")
    user = _user("handler_baishi")
    response = forms.post(f"/admin/accounts/{user.id}/password-reset", {}, form_url=f"/admin/accounts/{user.id}")
    assert response.status_code == 302 and "temp-password" not in text(response)
    assert victim.get("/auth/").status_code == 200  # nothing happened yet
    html = text(_approve(second, _request("password_reset").id))
    assert LINK_RE.search(html)
    assert victim.get("/auth/").status_code == 302  # signed out
    assert Auth(app.test_client()).login("handler_baishi").status_code == 200  # the old password is gone


def test_a_role_change_towards_a_complaint_reader_waits_for_approval(ctx, admin, forms, second):
    user = _user("cadre_xikou")
    forms.post(f"/admin/accounts/{user.id}", {"role": "township_handler", "township": TOWNSHIP, "village": "",
                                              "display_name": "吴志强", "email": ""})
    assert _user("cadre_xikou").role == "village_cadre"
    _approve(second, _request("role_change").id)
    changed = _user("cadre_xikou")
    assert changed.role == "township_handler" and changed.township.code == TOWNSHIP and changed.must_enrol_2fa


def test_a_rejected_request_changes_nothing(ctx, admin, forms, second):
    forms.post("/admin/accounts/new", NEW)
    second.post(f"/admin/approvals/{_request().id}/reject", {}, form_url="/admin/approvals")
    assert _request().outcome == "rejected" and _user("handler_new") is None


def test_cadre_accounts_still_get_a_temporary_password_at_once(ctx, admin, forms):
    response = forms.post("/admin/accounts/new", {**NEW, "username": "cadre_two", "role": "village_cadre",
                                                  "village": "339901101202"})
    assert response.status_code == 200 and "temp-password" in text(response)
    assert _user("cadre_two") is not None


def test_the_server_cli_still_creates_accounts_directly(ctx, runner):
    result = runner.invoke(args=["users", "create", "ops_handler", "--role", "county_handler"],
                           input="a long server password\na long server password\n")
    assert result.exit_code == 0, result.output
    assert _user("ops_handler").role == "county_handler"
