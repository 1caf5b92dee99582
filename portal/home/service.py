"""Read model of the public village page, composed from several capabilities in a bounded number of queries.

The page is often rendered cold (a village nobody asked for since it last changed): it reads its
village and the facts kept for it (oversight.page_facts) in one query, computes the facts only when
the kept ones are not current, and builds its links once per page.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from portal.core.urls import place_url
from portal.extensions import db
from portal.oversight import page_facts
from portal.oversight.models import VillagePageFacts
from portal.oversight.present import missing_lines
from portal.places.models import Village
from portal.places.service import SUMMARY_WIDTH, VillageRef, summary_row, summary_statement, village_ref
from portal.records.links import revision_path
from portal.records.models import PublishedRevision


@dataclass
class VillagePage:
    """What the village page shows, as plain rows."""

    village: Village | VillageRef
    duty_reports: tuple
    power_count: int = 0  # the list itself is on its own page (powers.list_show)
    cadres: tuple = ()
    # "What is missing" ready to print: (text, complaint link) of each missing obligation, newest first.
    missing: list[tuple[str, str]] = field(default_factory=list)
    late_count: int = 0
    # Links are the same for every row but the id: built once, not once per row.
    disclosure_url: str = ""
    report_url: str = ""
    disclosures_by_domain: tuple = ()  # (domain, its latest few)
    statement: object = None  # the latest finance statement with income and expense
    figures: tuple = ()  # its 期初 / 收入 / 支出 / 期末


_WITH_FACTS = None


def _with_facts():
    """The village and its kept facts in one round trip (built once: building costs more than running)."""
    global _WITH_FACTS
    if _WITH_FACTS is None:
        facts = VillagePageFacts.__table__
        _WITH_FACTS = (summary_statement().outerjoin(facts, facts.c.village_id == Village.__table__.c.id)
                       .add_columns(*page_facts.stored_columns()))
    return _WITH_FACTS


def _link_prefix(endpoint: str, code: str, **values) -> str:
    """The URL of endpoint for id 0, without the 0: the row's id is appended."""
    return place_url(endpoint, code, **values).removesuffix("0")


def village_for_page(code: str) -> tuple[VillageRef, tuple]:
    """The village (or 404) and the facts kept for its page (stored values, perhaps none or outdated)."""
    row = summary_row(code, _with_facts())
    return village_ref(row), tuple(row[SUMMARY_WIDTH:])


def village_page(village: VillageRef, today: date, stored: tuple = ()) -> VillagePage:
    """Gather what the village page shows: nothing more to read when the kept facts are current."""
    facts = page_facts.kept(stored, village.content_version, today) if stored else None
    if facts is None:
        facts = page_facts.compute(village.id, today)
    return VillagePage(
        village, facts.reports, facts.power_count, facts.cadres,
        missing=missing_lines(village, facts.missing), late_count=facts.late_count,
        disclosure_url=_link_prefix("disclosures.disclosure_show", village.code, disclosure_id=0),
        report_url=_link_prefix("duty.report_show", village.code, report_id=0),
        disclosures_by_domain=facts.latest, statement=facts.statement, figures=facts.figures,
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
