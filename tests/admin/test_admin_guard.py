"""Every admin URL (and every two-step page) is refused to those who may not use it."""
import pytest
from conftest import Auth, csrf_from
from demo_ids import TOWNSHIP, VILLAGE

SAMPLE_ARGS = {"user_id": 1, "code": TOWNSHIP, "template_id": 1, "override_id": 1, "scope": "all", "request_id": 1,
               "official_id": 1, "message_id": 1}
STAFF = ["cadre_shangtang", "handler_baishi", "county_handler"]


def _rules(app, prefix: str):
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(prefix):
            continue
        args = {name: SAMPLE_ARGS[name] for name in rule.arguments}
        if rule.endpoint == "admin.village_edit":
            args["code"] = VILLAGE
        url = rule.build(args)[1] if args else rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    assert found, f"no rules under {prefix}"
    return found


def _send(client, method: str, url: str, token: str):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


def _token(client) -> str:
    return csrf_from(client.get("/auth/login").get_data(as_text=True))


def test_the_sweep_covers_the_admin_area(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")}
    assert {"admin.home", "admin.account_new", "admin.account_deactivate", "admin.village_edit",
            "powers_county.template_edit", "powers_county.template_adoption_show", "admin.routing_edit", "admin.deadlines_edit", "admin.holiday_remove",
            "admin.security_edit"} <= endpoints


@pytest.mark.parametrize("prefix", ["/admin", "/auth/2fa"])
def test_anonymous_visitors_are_sent_to_sign_in(app, client, prefix):
    token = _token(client)
    for method, url in _rules(app, prefix):
        response = _send(client, method, url, token)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.headers["Location"].startswith("/auth/login?next="), (method, url)


@pytest.mark.parametrize("username", STAFF)
def test_other_roles_are_refused_every_admin_url(app, username):
    client = app.test_client()
    Auth(client).login(username)
    token = _token(client)
    for method, url in _rules(app, "/admin"):
        response = _send(client, method, url, token)
        assert response.status_code == 403, (username, method, url, response.status_code)


def test_refusals_change_nothing(ctx, app):
    from portal.accounts.models import User
    from portal.extensions import db

    client = app.test_client()
    Auth(client).login("county_handler")
    token = _token(client)
    client.post("/admin/accounts/1/deactivate", data={"csrf_token": token})
    client.post("/admin/security", data={"csrf_token": token, "require_2fa": "y"})
    db.session.expire_all()
    assert db.session.get(User, 1).is_active
    from portal.core.settings import get_setting

    assert not get_setting("require_2fa_for_complaint_staff", False)


def test_the_county_admin_gets_in(app, client):
    Auth(client).login("county_admin")
    for method, url in _rules(app, "/admin"):
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_admin_pages_are_never_cached(app, client):
    Auth(client).login("county_admin")
    assert client.get("/admin/accounts").headers["Cache-Control"] == "no-store"


def test_there_is_no_way_to_delete_a_village_or_an_account(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/admin"):
            assert "DELETE" not in rule.methods
            assert "delete" not in rule.rule and "delete" not in rule.endpoint
            if rule.endpoint.startswith(("admin.account", "admin.village", "admin.township")):
                assert "remove" not in rule.rule
