"""Read model of the public village page, composed from several capabilities in a bounded number of queries.

The page is often rendered cold (a village nobody asked for since it last changed), so it reads plain
rows through statements built once, never ORM objects, and builds its links once per page.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import bindparam, func, select

from portal.core.timezone import local_today
from portal.disclosures.models import Disclosure
from portal.disclosures.table_view import build as build_table_view
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.oversight import obligations
from portal.oversight.present import missing_lines
from portal.places.models import Cadre, Village
from portal.places.service import VillageRef
from portal.powers.models import PowerItem
from portal.records.links import revision_path
from portal.records.models import PublishedRevision

LATEST_DISCLOSURES = 30  # enough for the latest few of each kind; the archive holds the rest
PER_DOMAIN = 3
DOMAINS = ("finance", "village", "party")


@dataclass
class VillagePage:
    """What the village page shows, as plain rows."""

    village: Village | VillageRef
    disclosures: list
    duty_reports: list
    power_count: int = 0  # the list itself is on its own page (powers.list_show)
    cadres: list = field(default_factory=list)
    # "What is missing" ready to print: (text, complaint link) of each missing obligation, newest first.
    missing: list[tuple[str, str]] = field(default_factory=list)
    late_count: int = 0
    # Links are the same for every row but the id: built once, not once per row.
    disclosure_url: str = ""
    report_url: str = ""
    disclosures_by_domain: list = field(default_factory=list)  # (domain, its latest few)
    statement: object = None  # the latest finance statement with income and expense
    figures: list = field(default_factory=list)  # its 期初 / 收入 / 支出 / 期末


_STATEMENTS: dict | None = None


def _statements() -> dict:
    """The page's statements, built once: constructing a statement costs more than running it."""
    global _STATEMENTS
    if _STATEMENTS is None:
        vid = bindparam("village_id")
        p, d, r, c = PowerItem.__table__.c, Disclosure.__table__.c, DutyReport.__table__.c, Cadre.__table__.c
        _STATEMENTS = {
            "cadres": select(c.role, c.dual_role, c.name).where(c.village_id == vid).order_by(c.sort_order, c.id),
            "powers": select(func.count(p.id)).where(p.village_id == vid, p.retired_at.is_(None)),
            "disclosures": select(d.id, d.title, d.domain, d.period_label, d.last_published_at, d.revision_count,
                                  d.breach_count)
            .where(d.village_id == vid, d.status == "published")
            .order_by(d.last_published_at.desc(), d.id.desc()).limit(LATEST_DISCLOSURES),
            "reports": select(r.id, r.title, r.cadre_name, r.period)
            .where(r.village_id == vid, r.status == "published")
            .order_by(r.period.desc(), r.id).limit(10),
        }
    return _STATEMENTS


def _link_prefix(endpoint: str, **values) -> str:
    """The URL of endpoint for id 0, without the 0: the row's id is appended."""
    return url_for(endpoint, **values).removesuffix("0")


_LATEST_TABLES = None


def _latest_statement(village_id: int) -> tuple[object | None, list]:
    """The newest finance table that reads as a statement of income and expense, with its key figures."""
    global _LATEST_TABLES
    if _LATEST_TABLES is None:
        d, r = Disclosure.__table__.c, PublishedRevision.__table__.c
        _LATEST_TABLES = (select(d.id, d.title, r.content)
                          .join_from(Disclosure.__table__, PublishedRevision.__table__, d.current_revision_id == r.id)
                          .where(d.village_id == bindparam("village_id"), d.status == "published",
                                 d.domain == "finance", d.kind == "table")
                          .order_by(d.last_published_at.desc(), d.id.desc()).limit(3))
    for row in db.session.connection().execute(_LATEST_TABLES, {"village_id": village_id}):
        figures = build_table_view(row.content or {}).figures
        if figures:
            return row, figures
    return None, []


def village_page(village: Village | VillageRef) -> VillagePage:
    """Gather what the village page shows: five queries whatever the village's size."""
    statements, conn, params = _statements(), db.session.connection(), {"village_id": village.id}
    cadres = conn.execute(statements["cadres"], params).all()
    power_count = conn.execute(statements["powers"], params).scalar_one()
    disclosures = conn.execute(statements["disclosures"], params).all()
    reports = conn.execute(statements["reports"], params).all()
    owed = obligations.for_village(village.id, local_today())  # one bounded query
    statement, figures = _latest_statement(village.id)
    by_domain = [(domain, [d for d in disclosures if d.domain == domain][:PER_DOMAIN]) for domain in DOMAINS]
    return VillagePage(
        village, disclosures, reports, power_count, cadres,
        missing=missing_lines(village, owed), late_count=sum(o.state == "late" for o in owed),
        disclosure_url=_link_prefix("disclosures.disclosure_show", code=village.code, disclosure_id=0),
        report_url=_link_prefix("duty.report_show", code=village.code, report_id=0),
        disclosures_by_domain=by_domain, statement=statement, figures=figures,
    )


@dataclass(frozen=True)
class RecentChange:
    title: str
    subject_type: str
    corrected: bool
    village_name: str
    published_at: datetime
    url: str


def recent_changes(limit: int = 6) -> list[RecentChange]:
    """What the county's villages published or corrected most recently: disclosures, power-list
    items, duty reports and evaluation results alike (one query on the record's publication index)."""
    r = PublishedRevision
    rows = db.session.scalars(
        select(r).where(r.subject_type != "redaction").order_by(r.published_at.desc(), r.id.desc()).limit(limit)
        .options(db.joinedload(r.village), db.load_only(r.id, r.village_id, r.subject_type, r.subject_id, r.number,
                                                       r.title, r.published_at, r.chain_seq))
    )
    return [RecentChange(row.title, row.subject_type, row.number > 1, row.village.name, row.published_at,
                         revision_path(row.village.code, row)) for row in rows]
