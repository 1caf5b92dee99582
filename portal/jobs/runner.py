"""Background jobs: overdue escalation, the mail and text-message outboxes, closing due evaluation rounds,
expired visit holds, the village pages' kept facts after midnight.

One runner, started by a systemd unit or a sidecar container on any number of hosts:
``flask --app portal jobs run`` loops (every 30 s by default); ``jobs run-once`` does one
pass (a timer, a manual run). Running two at once is safe: escalation and round closing
each take an exclusive lock for their pass (a PostgreSQL advisory transaction lock, which
a second runner does not wait for but skips; on SQLite the ``BEGIN IMMEDIATE`` write lock
queues the second runner, which then finds nothing left to do), and mail is claimed row by
row (``portal.mail``), so each case is escalated once and each message sent once.
"""
import hashlib
import logging
import signal
import time
from dataclasses import dataclass, field

import click
from flask import Flask, current_app
from sqlalchemy import select, text

from portal.complaints import holds
from portal.complaints.overdue import OverdueResult, escalate_overdue
from portal.core import sms as sms_outbox
from portal.core.db import utcnow, write_transaction
from portal.core.mail import DeliveryResult, deliver_pending
from portal.duty import evaluation_service
from portal.duty.models import EvaluationRound
from portal.extensions import db
from portal.oversight import page_facts

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 30
DEFAULT_ESCALATE_EVERY = 300


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"portal-job:{name}".encode()).digest()[:8], "big", signed=True)


def exclusive(name: str) -> bool:
    """Take the job's lock for the current write transaction; False when another runner holds it."""
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: the transaction already holds the database's write lock
    return bool(db.session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _lock_key(name)})
                .scalar())


@dataclass
class JobSummary:
    escalation: OverdueResult | None = None
    rounds_closed: int | None = None
    holds_swept: int = 0
    facts_refreshed: int = 0
    mail: DeliveryResult = field(default_factory=DeliveryResult)
    sms: sms_outbox.SmsResult = field(default_factory=sms_outbox.SmsResult)
    busy: list[str] = field(default_factory=list)  # jobs another runner was doing at that moment
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        parts = []
        if self.escalation is not None:
            e = self.escalation
            parts.append(f"escalated {e.escalated} overdue township cases, flagged {e.flagged} overdue "
                         f"county cases, queued {e.mails} e-mails")
        if self.rounds_closed is not None:
            parts.append(f"closed {self.rounds_closed} evaluation rounds")
        if self.holds_swept:
            parts.append(f"swept {self.holds_swept} expired visit holds")
        if self.facts_refreshed:
            parts.append(f"refreshed the page facts of {self.facts_refreshed} villages")
        m = self.mail
        parts.append(f"mail: {m.sent} sent, {m.retried} to retry, {m.dead} given up (dead)")
        t = self.sms
        if t.sent or t.retried or t.dead:
            parts.append(f"sms: {t.sent} sent, {t.retried} to retry, {t.dead} given up (dead)")
        if self.busy:
            parts.append("skipped (another runner has them): " + ", ".join(self.busy))
        if self.failed:
            parts.append("FAILED: " + ", ".join(self.failed))
        return "; ".join(parts) + "."


def escalate() -> OverdueResult | None:
    """Escalate overdue cases once; None when another runner is doing it right now."""
    with write_transaction():
        if not exclusive("escalate"):
            return None
        return escalate_overdue()


def close_rounds() -> int | None:
    """Close every evaluation round past its closing time and publish its results."""
    now = utcnow()
    # A cheap read first: most passes find nothing and need no write lock.
    if db.session.scalar(select(EvaluationRound.id).where(EvaluationRound.closed_at.is_(None),
                                                          EvaluationRound.closes_at <= now).limit(1)) is None:
        db.session.rollback()
        return 0
    with write_transaction():
        if not exclusive("close-rounds"):
            return None
        rounds = evaluation_service.due_rounds(now)
        for rnd in rounds:
            evaluation_service.close_round(rnd, now)
    return len(rounds)


def run_once(*, escalation: bool = True) -> JobSummary:
    """One pass of every job; a job that fails is logged and reported, the others still run."""
    summary = JobSummary()
    steps = [("close-rounds", close_rounds), ("sweep-holds", holds.sweep), ("page-facts", page_facts.refresh)]
    if escalation:
        steps.insert(0, ("escalate", escalate))
    for name, step in steps:
        try:
            outcome = step()
        except Exception:
            db.session.rollback()
            log.exception("job %s failed", name)
            summary.failed.append(name)
            continue
        if outcome is None:
            summary.busy.append(name)
        elif name == "escalate":
            summary.escalation = outcome
        elif name == "sweep-holds":
            summary.holds_swept = outcome
        elif name == "page-facts":
            summary.facts_refreshed = outcome
        else:
            summary.rounds_closed = outcome
    try:
        summary.mail = deliver_pending()
    except Exception:
        db.session.rollback()
        log.exception("job mail failed")
        summary.failed.append("mail")
    try:
        summary.sms = sms_outbox.deliver_pending()  # rows claimed one by one, like mail: safe with two runners
    except Exception:
        db.session.rollback()
        log.exception("job sms failed")
        summary.failed.append("sms")
    db.session.rollback()  # end the last read; the connection goes back to the pool
    return summary


def run_forever(interval: float, escalate_every: float, stop=lambda: False, echo=click.echo) -> None:
    """Run passes until stopped: mail and rounds every ``interval``, escalation every ``escalate_every``."""
    last_escalation = None
    while not stop():
        started = time.monotonic()
        due = last_escalation is None or started - last_escalation >= escalate_every
        summary = run_once(escalation=due)
        db.session.remove()
        if due and "escalate" not in summary.failed:
            last_escalation = started
        m, e = summary.mail, summary.escalation
        t = summary.sms
        if summary.failed or m.sent or m.retried or m.dead or t.sent or t.retried or t.dead or (
                summary.rounds_closed) or (
                e and (e.escalated or e.flagged)):
            echo(summary.line())
        log.info("jobs pass: %s", summary.line())
        while not stop() and time.monotonic() - started < interval:
            time.sleep(min(0.5, interval))


def register(app: Flask) -> None:
    """Attach `jobs run`, `jobs run-once` and the older `escalate-overdue`."""

    @app.cli.group("jobs")
    def jobs_group():
        """Background jobs: escalation of overdue cases, e-mail, closing evaluation rounds."""

    @jobs_group.command("run-once")
    def run_once_cmd():
        """One pass of every job; prints what it did (sent / retried / dead)."""
        summary = run_once()
        click.echo(summary.line())
        if summary.failed:
            raise SystemExit(1)

    @jobs_group.command("run")
    @click.option("--interval", type=float, default=DEFAULT_INTERVAL, show_default=True,
                  help="Seconds between passes (mail and evaluation rounds).")
    @click.option("--escalate-every", type=float, default=DEFAULT_ESCALATE_EVERY, show_default=True,
                  help="Seconds between overdue sweeps.")
    def run_cmd(interval: float, escalate_every: float):
        """Run the jobs until stopped (SIGTERM or Ctrl-C finish the current pass first)."""
        stopping = []

        def _stop(_signum, _frame):
            stopping.append(True)

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        server = current_app.config.get("MAIL_SERVER")
        click.echo(f"Jobs running every {interval:g} s (overdue sweep every {escalate_every:g} s); "
                   f"database {db.engine.url.get_backend_name()}, mail {'via ' + server if server else 'to the log'}.")
        run_forever(interval, escalate_every, stop=lambda: bool(stopping))
        click.echo("Jobs stopped.")

    @app.cli.command("escalate-overdue")
    def escalate_overdue_cmd():
        """One pass of the jobs (kept for existing timers): same as `jobs run-once`."""
        summary = run_once()
        click.echo(summary.line())
        if summary.failed:
            raise SystemExit(1)
