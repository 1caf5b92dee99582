"""`flask --app portal users …`: create, list, deactivate and set passwords of staff accounts."""
import sys

import click
from flask import Flask

from portal.accounts import service
from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.core.roles import ROLES


def _interactive() -> bool:
    return sys.stdin.isatty()


def _read_password() -> str:
    """Read a password: a hidden prompt with confirmation on a terminal, else one line of stdin."""
    if _interactive():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def _fail(exc: PortalError):
    lines = [f"{message} ({field})" if field else str(message) for field, messages in exc.errors.items()
             for message in messages]
    raise click.ClickException("; ".join(lines)) from exc


def _get(username: str):
    user = service.get_user(username)
    if user is None:
        raise click.ClickException(f"no account named {username!r}")
    return user


def register(app: Flask) -> None:
    """Attach the `users` command group."""

    @app.cli.group("users")
    def users():
        """Manage staff accounts."""

    @users.command("create")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice([r.value for r in ROLES]), help="The account's role.")
    @click.option("--township", "township_code", help="Township code (9 digits), for township handlers.")
    @click.option("--village", "village_code", help="Village code (12 digits), for village cadres.")
    @click.option("--name", "display_name", help="The person's name as shown to colleagues.")
    @click.option("--email", help="Where notices are sent.")
    def create_cmd(username, role, township_code, village_code, display_name, email):
        """Create an account; the password comes from a prompt, or from stdin when piped."""
        password = _read_password()
        try:
            with write_transaction():
                user = service.create_user(username, role, password, township_code=township_code,
                                           village_code=village_code, display_name=display_name, email=email)
        except PortalError as exc:
            _fail(exc)
        click.echo(f"Created {user.username} ({user.role}).")

    @users.command("list")
    def list_cmd():
        """List every account with its role, place and state."""
        for user in service.list_users():
            place = user.village.code if user.village else (user.township.code if user.township else "county")
            state = "active" if user.is_active else "deactivated"
            factor = "2fa" if user.totp_enabled else "-"
            click.echo(f"{user.username:<24} {user.role:<17} {place:<12} {state:<11} {factor}")

    @users.command("deactivate")
    @click.argument("username")
    def deactivate_cmd(username):
        """Stop an account from signing in and end its sessions."""
        try:
            with write_transaction():
                service.deactivate(_get(username))
        except PortalError as exc:
            _fail(exc)
        click.echo(f"Deactivated {username}.")

    @users.command("reactivate")
    @click.argument("username")
    def reactivate_cmd(username):
        """Let a deactivated account sign in again."""
        try:
            with write_transaction():
                service.reactivate(_get(username))
        except PortalError as exc:
            _fail(exc)
        click.echo(f"Reactivated {username}.")

    @users.command("set-password")
    @click.argument("username")
    def set_password_cmd(username):
        """Set an account's password (prompt, or stdin when piped) and end its sessions."""
        _get(username)  # fail before asking for a password
        password = _read_password()
        try:
            with write_transaction():
                service.set_password(_get(username), password)
        except PortalError as exc:
            _fail(exc)
        click.echo(f"Password set for {service.normalize_username(username)}.")
