"""`flask --app portal users …` as an operator uses it."""
import pytest
from demo_ids import TOWNSHIP, VILLAGE

from portal.accounts import cli as users_cli
from portal.accounts.models import User
from portal.extensions import db

NEW_PASSWORD = "a-long-secret-phrase"


def _user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one_or_none()


def test_create_reads_the_password_from_stdin_and_the_account_can_sign_in(ctx, runner, auth, client):
    result = runner.invoke(args=["users", "create", "cadre_new", "--role", "village_cadre", "--village", VILLAGE,
                                 "--name", "王五", "--email", "wang@portal.invalid"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = _user("cadre_new")
    assert user.village.code == VILLAGE and user.township.code == TOWNSHIP and user.display_name == "王五"
    assert NEW_PASSWORD not in result.output
    assert auth.login("cadre_new", NEW_PASSWORD).status_code == 302
    assert client.get("/auth/").status_code == 200


def test_create_prompts_twice_on_a_terminal(ctx, runner, monkeypatch):
    monkeypatch.setattr(users_cli, "_interactive", lambda: True)
    result = runner.invoke(args=["users", "create", "county_two", "--role", "county_handler"],
                           input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output  # hidden input
    assert _user("county_two").role == "county_handler"


def test_create_refuses_mismatched_confirmation_on_a_terminal(ctx, runner, monkeypatch):
    monkeypatch.setattr(users_cli, "_interactive", lambda: True)
    result = runner.invoke(args=["users", "create", "county_three", "--role", "county_handler"],
                           input=f"{NEW_PASSWORD}\nsomething-else-here\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert "match" in result.output.lower() or "不一致" in result.output
    assert _user("county_three") is not None  # asked again, then created


@pytest.mark.parametrize("args", [
    ["cadre_x", "--role", "village_cadre"],  # no village
    ["cadre_x", "--role", "village_cadre", "--village", "339901101299"],  # unknown village
    ["cadre_x", "--role", "village_cadre", "--village", VILLAGE, "--township", "339901201"],  # not its township
    ["handler_x", "--role", "township_handler"],  # no township
    ["handler_x", "--role", "township_handler", "--township", "339901999"],  # unknown township
    ["handler_x", "--role", "township_handler", "--township", TOWNSHIP, "--village", VILLAGE],
    ["county_x", "--role", "county_admin", "--township", TOWNSHIP],  # county roles have no place
    ["Bad Name!", "--role", "county_handler"],
    ["county_handler", "--role", "county_handler"],  # taken
    ["county_x", "--role", "county_handler", "--email", "not-an-address"],
])
def test_create_refuses_bad_input_with_a_message_and_nonzero_exit(ctx, runner, args):
    before = db.session.query(User).count()
    result = runner.invoke(args=["users", "create", *args], input=NEW_PASSWORD + "\n")
    assert result.exit_code != 0
    assert "Error" in result.output and "Traceback" not in result.output
    assert db.session.query(User).count() == before


def test_create_refuses_an_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "x_user", "--role", "mayor"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 2 and "mayor" in result.output


def test_create_refuses_a_short_password(ctx, runner):
    result = runner.invoke(args=["users", "create", "county_x", "--role", "county_handler"], input="short\n")
    assert result.exit_code == 1 and _user("county_x") is None


def test_list_shows_accounts_roles_and_places(runner):
    result = runner.invoke(args=["users", "list"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("cadre_shangtang"))
    assert "village_cadre" in line and VILLAGE in line and "active" in line
    assert "demo-password" not in result.output and "argon2" not in result.output


def test_deactivate_stops_sign_in(ctx, runner, auth):
    result = runner.invoke(args=["users", "deactivate", "cadre_xikou"])
    assert result.exit_code == 0, result.output
    assert _user("cadre_xikou").is_active is False
    assert auth.login("cadre_xikou").status_code == 200
    again = runner.invoke(args=["users", "deactivate", "cadre_xikou"])
    assert again.exit_code == 1


def test_reactivate_lets_the_account_back_in(runner, auth):
    runner.invoke(args=["users", "deactivate", "cadre_xikou"])
    assert runner.invoke(args=["users", "reactivate", "cadre_xikou"]).exit_code == 0
    assert auth.login("cadre_xikou").status_code == 302


def test_set_password_from_stdin_replaces_the_old_one(runner, auth):
    result = runner.invoke(args=["users", "set-password", "county_handler"], input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert auth.login("county_handler").status_code == 200
    assert auth.login("county_handler", NEW_PASSWORD).status_code == 302


def test_unknown_username_is_a_clear_error(runner):
    for command in (["deactivate", "ghost"], ["set-password", "ghost"], ["reactivate", "ghost"]):
        result = runner.invoke(args=["users", *command], input=NEW_PASSWORD + "\n")
        assert result.exit_code == 1 and "ghost" in result.output
