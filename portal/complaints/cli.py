"""`flask --app portal escalate-overdue`: the daily deadline sweep, then mail delivery."""
import click
from flask import Flask

from portal.complaints.overdue import escalate_overdue
from portal.core.db import write_transaction
from portal.core.mail import deliver_pending


def register(app: Flask) -> None:
    """Attach the complaint commands."""

    @app.cli.command("escalate-overdue")
    def escalate_overdue_cmd():
        """Send overdue township cases to the county, tell the county handlers, deliver queued e-mail."""
        with write_transaction():
            result = escalate_overdue()
        sent, failed = deliver_pending()
        click.echo(f"Escalated {result.escalated} overdue township cases; flagged {result.flagged} overdue county "
                   f"cases; queued {result.mails} e-mails; delivered {sent}, {failed} still queued.")
