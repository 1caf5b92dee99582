"""Command-line entry points (`flask --app portal …`), thin wrappers over services."""
import sys
from pathlib import Path

import click
from flask import Flask

from portal.core.backup import backup_to, restore_from
from portal.records.chain import verify_all


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
        checked, broken = verify_all()
        if broken:
            click.echo(f"BROKEN: {broken}", err=True)
            sys.exit(1)
        click.echo(f"OK: {checked} published revisions verified.")

    from portal import jobs
    from portal.accounts import cli as accounts_cli

    # Each capability adds its own command groups (users); the job runner its `jobs` group.
    for module in (accounts_cli, jobs):
        module.register(app)
    _register_backup(app)


def _register_backup(app: Flask) -> None:
    """Attach `backup` and `restore` to the flask command."""

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_cmd(path: str):
        """Write a consistent backup of the database to PATH (owner-readable only)."""
        kind = backup_to(path)
        size = Path(path).stat().st_size
        click.echo(f"Backup written: {path} ({kind}, {size} bytes).")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True))
    @click.option("--force", is_flag=True, help="Replace a database that already holds data.")
    def restore_cmd(path: str, force: bool):
        """Replace the database with the backup at PATH, then verify the published chains."""
        moved = restore_from(path, force=force)
        checked, broken = verify_all()
        if broken:
            raise click.ClickException(f"restored, but the chain is BROKEN: {broken}")
        click.echo(f"Restored {path}; {checked} published revisions verified; case numbers continue after the "
                   f"last one issued ({moved} counters kept ahead of the backup).")
