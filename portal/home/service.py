"""Read model of the public village page, composed from several capabilities in a bounded number of queries.

The page is often rendered cold (a village nobody asked for since it last changed), so it reads plain
rows through statements built once, never ORM objects, and builds its links once per page.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select

from portal.core.urls import place_url
from portal.disclosures.models import Disclosure
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.oversight import page_facts
from portal.oversight.models import VillagePageFacts
from portal.oversight.present import missing_lines
from portal.places.models import Cadre, Village
from portal.places.service import SUMMARY_WIDTH, VillageRef, summary_row, summary_statement, village_ref
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
    figures: tuple = ()  # its 期初 / 收入 / 支出 / 期末


_STATEMENTS: dict | None = None


def _statements() -> dict:
    """The page's statements, built once: constructing a statement costs more than running it."""
    global _STATEMENTS
    if _STATEMENTS is None:
        vid = bindparam("village_id")
        d, r, c = Disclosure.__table__.c, DutyReport.__table__.c, Cadre.__table__.c
        facts = VillagePageFacts.__table__
        _STATEMENTS = {
            # The village and its kept facts (oversight.page_facts) in one round trip.
            "village": summary_statement().outerjoin(facts, facts.c.village_id == Village.__table__.c.id)
            .add_columns(*page_facts.stored_columns()),
            "cadres": select(c.role, c.dual_role, c.name).where(c.village_id == vid).order_by(c.sort_order, c.id),
            "disclosures": select(d.id, d.title, d.domain, d.period_label, d.last_published_at, d.revision_count,
                                  d.breach_count)
            .where(d.village_id == vid, d.status == "published")
            .order_by(d.last_published_at.desc(), d.id.desc()).limit(LATEST_DISCLOSURES),
            "reports": select(r.id, r.title, r.cadre_name, r.period)
            .where(r.village_id == vid, r.status == "published")
            .order_by(r.period.desc(), r.id).limit(10),
        }
    return _STATEMENTS


def _link_prefix(endpoint: str, code: str, **values) -> str:
    """The URL of endpoint for id 0, without the 0: the row's id is appended."""
    return place_url(endpoint, code, **values).removesuffix("0")


def village_for_page(code: str) -> tuple[VillageRef, tuple]:
    """The village (or 404) and the facts kept for its page (stored values, perhaps none or outdated)."""
    row = summary_row(code, _statements()["village"])
    return village_ref(row), tuple(row[SUMMARY_WIDTH:])


def village_page(village: VillageRef, today: date, stored: tuple = ()) -> VillagePage:
    """Gather what the village page shows: four queries when the kept facts are current, seven otherwise."""
    facts = page_facts.kept(stored, village.content_version, today) if stored else None
    if facts is None:
        facts = page_facts.compute(village.id, today)
    statements, conn, params = _statements(), db.session.connection(), {"village_id": village.id}
    cadres = conn.execute(statements["cadres"], params).all()
    disclosures = conn.execute(statements["disclosures"], params).all()
    reports = conn.execute(statements["reports"], params).all()
    by_domain = [(domain, [d for d in disclosures if d.domain == domain][:PER_DOMAIN]) for domain in DOMAINS]
    return VillagePage(
        village, disclosures, reports, facts.power_count, cadres,
        missing=missing_lines(village, facts.missing), late_count=facts.late_count,
        disclosure_url=_link_prefix("disclosures.disclosure_show", village.code, disclosure_id=0),
        report_url=_link_prefix("duty.report_show", village.code, report_id=0),
        disclosures_by_domain=by_domain, statement=facts.statement, figures=facts.figures,
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
