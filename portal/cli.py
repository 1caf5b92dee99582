"""Command-line entry points (`flask --app portal …`), thin wrappers over services."""
import sys

import click
from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach the portal's commands."""

    @app.cli.command("seed-demo")
    @click.option("--reset", is_flag=True, help="Delete all existing data first.")
    @click.option("--if-empty", is_flag=True, help="Do nothing (successfully) when data exists.")
    def seed_demo_cmd(reset: bool, if_empty: bool):
        """Load the demo county 青溪县."""
        from portal.demo.seed import AlreadySeeded, seed_demo

        try:
            counts = seed_demo(reset=reset)
        except AlreadySeeded as exc:
            if if_empty:
                click.echo("Database already holds data; demo not loaded.")
                return
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Loaded demo county: {counts['villages']} villages, {counts['power_items']} power items, "
                   f"{counts['accounts']} staff accounts.")

    @app.cli.command("verify")
    def verify_cmd():
        """Check every village's chain of published revisions."""
        from portal.records.chain import verify_all

        checked, broken = verify_all()
        if broken:
            click.echo(f"BROKEN: {broken}", err=True)
            sys.exit(1)
        click.echo(f"OK: {checked} published revisions verified.")

    from importlib import import_module

    # Capabilities add their own command groups here (users, backup, escalate-overdue …).
    for module_name in _COMMAND_MODULES:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if not module_name.startswith(str(exc.name)):
                raise
            continue
        module.register(app)


_COMMAND_MODULES = (
    "portal.accounts.cli",
    "portal.complaints.cli",
    "portal.backup",
)
