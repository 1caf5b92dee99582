"""Fixtures of the fuzz tests: an app without rate limits, a fingerprint of stored data, a tally of inputs."""
import fcntl
import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from conftest import WriteWatch

from portal.extensions import db

SUMMARY = Path(__file__).resolve().parents[2] / "test-artifacts" / "fuzz-summary.json"
# Written on purpose by refused requests too: the audit trail and the mail outbox.
# The audit log and outbox record every attempt; sign-in counters count every password attempt, by design.
# A resident's half-done complaint is kept (photos included) while a refused answer is corrected.
UNWATCHED_TABLES = {"audit_entry", "outbox_message", "sign_in_throttle", "visit_hold"}


@pytest.fixture
def app_config(app_config):
    """Rate limits off, so a 429 never hides how a hostile input is handled."""
    return {**app_config, "RATELIMIT_ENABLED": False}


class Tally:
    """Hostile inputs sent, per endpoint, and what came back."""

    def __init__(self):
        self.inputs = Counter()  # per endpoint, or endpoint[form] where one URL takes several forms
        self.statuses = Counter()

    def record(self, endpoint: str, status: int, form: str | None = None) -> None:
        self.inputs[endpoint + (f"[{form}]" if form else "")] += 1
        self.statuses[f"{status // 100}xx"] += 1

    def report(self) -> dict:
        endpoints = {name.split("[", 1)[0] for name in self.inputs}
        total = sum(self.inputs.values())
        return {"endpoints": len(endpoints), "forms": len(self.inputs), "hostile_inputs": total,
                "answers": dict(sorted(self.statuses.items())), "per_endpoint": dict(sorted(self.inputs.items())),
                "summary": f"fuzzed {len(endpoints)} endpoints ({len(self.inputs)} forms and bodies) "
                           f"with {total} hostile inputs"}

    def absorb(self, report: dict) -> None:
        self.inputs.update(report["per_endpoint"])
        self.statuses.update(report["answers"])


_TALLY = Tally()


@pytest.fixture(scope="session")
def tally():
    yield _TALLY
    if not _TALLY.inputs:
        return
    report = _save(_TALLY)
    print(f"\n{report['summary']} (answers: {report['answers']})")


def _save(tally: Tally) -> dict:
    """Write test-artifacts/fuzz-summary.json; under xdist, each worker adds its part to this run's total."""
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    run, worker = os.environ.get("PYTEST_XDIST_TESTRUNUID"), os.environ.get("PYTEST_XDIST_WORKER")
    if not (run and worker):
        SUMMARY.write_text(json.dumps(tally.report(), indent=2, ensure_ascii=False))
        return tally.report()
    with open(SUMMARY.with_name(".fuzz-summary.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in SUMMARY.parent.glob(".fuzz-summary-*.json"):  # parts of earlier runs
            if not stale.name.startswith(f".fuzz-summary-{run}-"):
                stale.unlink(missing_ok=True)
        SUMMARY.with_name(f".fuzz-summary-{run}-{worker}.json").write_text(json.dumps(tally.report()))
        total = Tally()
        for part in SUMMARY.parent.glob(f".fuzz-summary-{run}-*.json"):
            total.absorb(json.loads(part.read_text()))
        SUMMARY.write_text(json.dumps(total.report(), indent=2, ensure_ascii=False))
    return total.report()


def fingerprint(upload_dir: str) -> dict:
    """Count and hash every row of every table (but the audit log and outbox), and list the stored files.

    Read on a connection of its own, so only committed data counts, as
    another request would see it.
    """
    return {**_tables(), **_uploads(upload_dir)}


def _tables() -> dict:
    state = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            if table.name in UNWATCHED_TABLES:
                continue
            # Raw driver rows: no type conversion, so hashing the county's tables stays cheap.
            rows = conn.exec_driver_sql(f'SELECT * FROM "{table.name}"').fetchall()
            text = repr([tuple(row) for row in rows])
            state[table.name] = (len(rows), hashlib.sha256(text.encode()).hexdigest()[:16])
            if "\\x00" in text:  # PostgreSQL refuses NUL in text: stored here, it is a 500 there
                state.setdefault("<NUL stored in>", []).append(table.name)
    return state


def _uploads(upload_dir: str) -> dict:
    files = sorted(p.name for p in Path(upload_dir).rglob("*") if p.is_file()) if os.path.isdir(upload_dir) else []
    return {"<uploads>": (len(files), hashlib.sha256(repr(files).encode()).hexdigest()[:16])}


def changes(before: dict, after: dict) -> dict:
    """The tables whose rows (count, content) differ between two fingerprints."""
    return {name: (before.get(name), after.get(name)) for name in sorted(set(before) | set(after))
            if before.get(name) != after.get(name)}


@pytest.fixture
def snapshot(app):
    """Take a fingerprint of what is stored (see fingerprint).

    The tables are read again only when a statement that could write has run since the last
    reading (WriteWatch, tests/conftest.py): a refused request, the usual case, costs no reading.
    """
    kept = {}

    def _take() -> dict:
        if kept.get("writes") != WriteWatch.count:
            with app.app_context():
                kept["tables"] = _tables()
            kept["writes"] = WriteWatch.count
        return {**kept["tables"], **_uploads(app.config["UPLOAD_DIR"])}

    return _take
