"""What a village's public page derives from its published records, kept once per village (issue 16).

The page shows what is missing (twelve months of obligations checked in Python), how many were
published late, the latest finance statement's figures, the number of power items, the latest
disclosures of each kind, the duty reports and the cadres. All of it changes only when the village's
content version is raised (the shared page cache rests on the same promise) or, for what is missing,
at midnight. So it is computed then and kept in one row per village (`village_page_facts`): by the
publishing transaction itself just before it commits, and by the jobs runner for every village whose
row is from an earlier day, an older content version or other rules (`refresh`). A cold page then
reads its village and this row in one query.

A row is used only while it matches the village's content version, the county's date and the rules
in force (`kept`); otherwise the page computes the facts itself (`compute`), so a missing or outdated
row costs time, never correctness. Runners on two nodes may refresh the same villages at once: a
write never replaces a row made from a newer content version or on a later day (`store`).
"""
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from flask import has_app_context
from sqlalchemy import and_, bindparam, event, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, object_session

from portal.core.db import write_transaction
from portal.core.timezone import local_today
from portal.disclosures.models import Disclosure
from portal.disclosures.table_view import build as build_table_view
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.oversight import obligations
from portal.oversight.models import VillagePageFacts
from portal.places.models import Cadre, Village
from portal.powers.models import PowerItem
from portal.records.models import PublishedRevision

log = logging.getLogger(__name__)
# Raise it when what a row holds or how it is computed changes: rows of the old kind are then recomputed.
FORMAT = 1
BATCH = 200  # villages per write transaction of the runner: the SQLite write lock is held briefly
_PENDING = "page_facts_villages"
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
_VALUES = ("content_version", "computed_on", "basis", "missing", "late_count", "power_count", "statement_id",
           "statement_title", "figures", "cadres", "disclosures", "reports")
LATEST_DISCLOSURES = 30  # the latest few of each kind are taken from these; the archive holds the rest
PER_DOMAIN = 3
DOMAINS = ("finance", "village", "party")


@dataclass(frozen=True, slots=True)
class Owing:
    """A missing obligation (oversight.present words it)."""

    kind: str
    start: date
    end: date
    due: date


@dataclass(frozen=True, slots=True)
class Statement:
    id: int
    title: str


class CadreLine(NamedTuple):
    role: str
    dual_role: bool
    name: str


class DisclosureLine(NamedTuple):
    id: int
    title: str
    domain: str
    period_label: str | None
    last_published_at: datetime | None
    revision_count: int
    breach_count: int


class ReportLine(NamedTuple):
    id: int
    title: str
    cadre_name: str
    period: str


@dataclass(frozen=True, slots=True)
class PageFacts:
    missing: tuple[Owing, ...]  # newest first
    late_count: int
    power_count: int
    statement: Statement | None  # the newest finance table that reads as a statement of income and expense
    figures: tuple[tuple[str, str], ...]  # its 期初 / 收入 / 支出 / 期末
    cadres: tuple[CadreLine, ...]
    latest: tuple[tuple[str, tuple[DisclosureLine, ...]], ...]  # (domain, its latest few) for each of DOMAINS
    reports: tuple[ReportLine, ...]


def basis(cadence: obligations.Cadence | None = None) -> str:
    """Name the rules the facts are computed by: this module's format and the county's cadence."""
    c = cadence or obligations.Cadence.current()
    return f"{FORMAT}:{c.finance_due_day}:{c.quarterly_grace_days}:{c.duty_report_due_month}:{c.window_months}"


def stored_columns() -> list:
    """The row's columns a page's query adds (outer-joined on the village), in the order `kept` reads them."""
    table = VillagePageFacts.__table__
    return [table.c[name] for name in _VALUES]


def kept(values, content_version: int, today: date) -> PageFacts | None:
    """The stored facts (values of `stored_columns`) when they hold for this content version, day and rules."""
    version, on, rules, missing, late_count, power_count, statement_id, title, figures, cadres, latest, reports = values
    if version != content_version or on != today or rules != basis():
        return None
    lines = [DisclosureLine(d[0], d[1], d[2], d[3], datetime.fromisoformat(d[4]) if d[4] else None, d[5], d[6])
             for d in latest]
    return PageFacts(
        tuple(Owing(kind, date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(due))
              for kind, start, end, due in missing),
        late_count, power_count, Statement(statement_id, title) if statement_id is not None else None,
        tuple((kind, amount) for kind, amount in figures), tuple(CadreLine(*c) for c in cadres),
        tuple((domain, tuple(d for d in lines if d.domain == domain)) for domain in DOMAINS),
        tuple(ReportLine(*r) for r in reports))


_STATEMENTS: dict | None = None


def _statements() -> dict:
    """The statements `compute` runs, built once: constructing a statement costs more than running it."""
    global _STATEMENTS
    if _STATEMENTS is None:
        vid = bindparam("village_id")
        p, d, r = PowerItem.__table__.c, Disclosure.__table__.c, PublishedRevision.__table__.c
        c, dr = Cadre.__table__.c, DutyReport.__table__.c
        _STATEMENTS = {
            "cadres": select(c.role, c.dual_role, c.name).where(c.village_id == vid).order_by(c.sort_order, c.id),
            "disclosures": select(d.id, d.title, d.domain, d.period_label, d.last_published_at, d.revision_count,
                                  d.breach_count)
            .where(d.village_id == vid, d.status == "published")
            .order_by(d.last_published_at.desc(), d.id.desc()).limit(LATEST_DISCLOSURES),
            "reports": select(dr.id, dr.title, dr.cadre_name, dr.period)
            .where(dr.village_id == vid, dr.status == "published")
            .order_by(dr.period.desc(), dr.id).limit(10),
            "powers": select(func.count(p.id)).where(p.village_id == vid, p.retired_at.is_(None)),
            "tables": select(d.id, d.title, r.content)
            .join_from(Disclosure.__table__, PublishedRevision.__table__, d.current_revision_id == r.id)
            .where(d.village_id == vid, d.status == "published", d.domain == "finance", d.kind == "table")
            .order_by(d.last_published_at.desc(), d.id.desc()).limit(3),
        }
    return _STATEMENTS


def compute(village_id: int, today: date, cadence: obligations.Cadence | None = None) -> PageFacts:
    """Compute one village's facts from its records: six bounded queries."""
    conn, params = db.session.connection(), {"village_id": village_id}
    statements = _statements()
    latest = [DisclosureLine(*row) for row in conn.execute(statements["disclosures"], params)]
    owed = obligations.for_village(village_id, today, cadence)
    statement, figures = None, ()
    for row in conn.execute(statements["tables"], params):
        found = build_table_view(row.content or {}).figures
        if found:
            statement, figures = Statement(row.id, row.title), tuple(found)
            break
    return PageFacts(
        tuple(Owing(o.kind, o.start, o.end, o.due) for o in reversed(owed) if o.state == "missing"),
        sum(o.state == "late" for o in owed), conn.execute(statements["powers"], params).scalar_one(),
        statement, figures, tuple(CadreLine(*row) for row in conn.execute(statements["cadres"], params)),
        tuple((domain, tuple(d for d in latest if d.domain == domain)[:PER_DOMAIN]) for domain in DOMAINS),
        tuple(ReportLine(*row) for row in conn.execute(statements["reports"], params)))


def store(session: Session, computed: dict[int, tuple[int, PageFacts]], today: date, rules: str) -> None:
    """Keep facts computed for {village id: (content version, facts)}; a row made from a newer content
    version or on a later day stays (two runners, or a runner racing a publish)."""
    if not computed:
        return
    rows = [{"village_id": vid, "content_version": version, "computed_on": today, "basis": rules,
             "missing": [[o.kind, o.start.isoformat(), o.end.isoformat(), o.due.isoformat()] for o in facts.missing],
             "late_count": facts.late_count, "power_count": facts.power_count,
             "statement_id": facts.statement.id if facts.statement else None,
             "statement_title": facts.statement.title if facts.statement else None,
             "figures": [list(f) for f in facts.figures],
             "cadres": [list(c) for c in facts.cadres],
             "disclosures": [[d.id, d.title, d.domain, d.period_label,
                              d.last_published_at.isoformat() if d.last_published_at else None,
                              d.revision_count, d.breach_count] for _domain, lines in facts.latest for d in lines],
             "reports": [list(r) for r in facts.reports]}
            for vid, (version, facts) in computed.items()]
    current = VillagePageFacts.__table__.c
    stmt = _INSERTS[session.get_bind().dialect.name](VillagePageFacts.__table__)
    stmt = stmt.on_conflict_do_update(
        index_elements=["village_id"], set_={name: stmt.excluded[name] for name in _VALUES},
        where=or_(stmt.excluded.content_version > current.content_version,
                  and_(stmt.excluded.content_version == current.content_version,
                       stmt.excluded.computed_on >= current.computed_on)))
    session.execute(stmt, rows)


def refresh(batch: int = BATCH, batches: int = 10) -> int:
    """Recompute the facts of villages without a current row (midnight, a publish whose own write
    failed, new rules, a new village), at most `batches` × `batch` per call; return how many.

    Each batch is read, then written in its own short write transaction.
    """
    done = 0
    f, v = VillagePageFacts.__table__.c, Village.__table__.c
    for _ in range(batches):
        today, cadence = local_today(), obligations.Cadence.current()
        rules = basis(cadence)
        stale = db.session.execute(
            select(v.id, v.content_version)
            .outerjoin(VillagePageFacts.__table__, f.village_id == v.id)
            # A row from a later day (another node's clock already past midnight) is left alone.
            .where(or_(f.village_id.is_(None), f.computed_on < today, f.basis != rules,
                       f.content_version != v.content_version))
            .order_by(v.id).limit(batch)).all()
        if not stale:
            break
        computed = {vid: (version, compute(vid, today, cadence)) for vid, version in stale}
        with write_transaction() as session:
            store(session, computed, today, rules)
        done += len(stale)
    db.session.rollback()  # end the last read
    return done


@event.listens_for(Village.content_version, "set")
def _village_changed(village: Village, _value, _old, _initiator) -> None:
    session = object_session(village)
    if session is not None and village.id is not None:
        session.info.setdefault(_PENDING, set()).add(village.id)


@event.listens_for(Session, "before_commit")
def _keep_before_commit(session: Session) -> None:
    """A transaction that raised villages' content versions (a publish, a correction) writes their facts
    too, so the next cold render of their pages finds them current."""
    ids = session.info.pop(_PENDING, None)
    # compute() reads through db.session: only that session's transaction sees its own changes.
    if not ids or not has_app_context() or not db.session.registry.has() or db.session() is not session:
        return
    try:
        with session.begin_nested():
            today, cadence = local_today(), obligations.Cadence.current()
            versions = session.execute(select(Village.id, Village.content_version).where(Village.id.in_(ids))).all()
            store(session, {vid: (version, compute(vid, today, cadence)) for vid, version in versions}, today,
                  basis(cadence))
    except SQLAlchemyError:
        # The publish itself must not fail for this: the page computes the facts, the runner keeps them later.
        log.exception("Could not keep the village page facts of villages %s", sorted(ids))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # a rolled-back change leaves nothing to keep
        session.info.pop(_PENDING, None)
