"""`flask --app portal import-places FILE [--dry-run]`: load townships, villages, cadres, hotlines and accounts."""
from pathlib import Path

import click
from flask import Flask

from portal.admin.places_import import import_places


def register(app: Flask) -> None:
    """Attach the `import-places` command."""

    @app.cli.command("import-places")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check every row and show what would change; change nothing.")
    def import_places_command(path: Path, dry_run: bool):
        """Import a county's places and staff from a CSV or XLSX table (all rows or none)."""
        report = import_places(path.read_bytes(), path.name, apply=not dry_run)
        if report.file_error:
            raise click.ClickException(report.file_error)
        for r in report.rows:
            line = f"row {r.row}: {r.kind} {r.action} {r.what}"
            click.echo(line + (" — " + "; ".join(r.errors) if r.errors else ""), err=bool(r.errors))
        summary = (f"{report.count('create')} to create, {report.count('update')} to update, "
                   f"{report.count('unchanged')} unchanged, {len(report.errors)} wrong")
        if report.errors:
            raise click.ClickException(f"{summary}. Nothing was changed: correct the rows above and run again.")
        if dry_run:
            click.echo(f"Dry run: {summary}. Nothing was changed.")
            return
        click.echo(f"Imported: {summary}.")
        for username, password in report.passwords:
            click.echo(f"new account {username}: temporary password {password} (must be changed at first sign-in)")
