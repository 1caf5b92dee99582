"""Command-line entry points (`flask --app portal …`), thin wrappers over services."""
import sys
from pathlib import Path

import click
from flask import Flask

from portal.core.backup import backup_to, restore_from
from portal.records.integrity import verify_all


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
    @click.option("--checkpoint", "checkpoint_file", type=click.File("r", encoding="utf-8"),
                  help="Also check the database against a signed checkpoint saved earlier.")
    def verify_cmd(checkpoint_file):
        """Check every village's chain, what the public pages show against it, and optionally a checkpoint."""
        from portal.records.integrity import verify_every_village

        checked, problems = verify_every_village()
        for problem in problems:
            click.echo(f"BROKEN: {problem}", err=True)
        if checkpoint_file is not None:
            from portal.records import checkpoints

            try:
                body, public = checkpoints.read_file(checkpoint_file.read())
            except checkpoints.CheckpointError as exc:
                click.echo(f"BROKEN: checkpoint file: {exc}", err=True)
                sys.exit(1)
            own = checkpoints.own_public_key()
            if own is not None and own != public:
                click.echo(f"BROKEN: the checkpoint was signed by key {public}, not by this portal's key {own}",
                           err=True)
                sys.exit(1)
            late = checkpoints.check_against(body)
            for problem in late:
                click.echo(f"BROKEN: {problem}", err=True)
            problems += late
            if not late:
                click.echo(f"OK: every village still holds the chain heads signed on {body.get('created_at')}.")
        if problems:
            villages = sorted({p.village_code for p in problems})
            click.echo(f"BROKEN: {len(problems)} problems in {len(villages)} villages: {', '.join(villages)}",
                       err=True)
            sys.exit(1)
        click.echo(f"OK: {checked} published revisions verified.")

    @app.cli.command("checkpoint")
    def checkpoint_cmd():
        """Sign the chain heads of every village (run daily from the scheduler) and publish the checkpoint."""
        from portal.core.db import write_transaction
        from portal.records import checkpoints

        with write_transaction():
            made = checkpoints.create()
            number, created, summary = made.id, made.created_at, checkpoints.summary(made)
        click.echo(f"Checkpoint {number} signed at {created:%Y-%m-%d %H:%M} UTC: {summary['villages']} villages, "
                   f"{summary['revisions']} revisions.")

    from portal.accounts import cli as accounts_cli
    from portal.admin import import_cli
    from portal.jobs import runner as jobs

    # Each capability adds its own command groups (users); the job runner its `jobs` group.
    for module in (accounts_cli, jobs, import_cli):
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
