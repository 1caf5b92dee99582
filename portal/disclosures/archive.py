"""Every published disclosure of a village, by domain and year, a page at a time (last year's statements too)."""
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.places.models import Village

DOMAINS = ("finance", "village", "party")


@dataclass
class ArchivePage:
    disclosures: list[Disclosure]
    page: int
    pages: int
    total: int
    years: list[int]


def _published(village: Village):
    return (Disclosure.village_id == village.id, Disclosure.status == "published")


def archive(village: Village, domain: str | None, year: int | None, page: int, size: int) -> ArchivePage | None:
    """One page of the archive; None when the page does not exist."""
    where = list(_published(village))
    if domain:
        where.append(Disclosure.domain == domain)
    first, last = db.session.execute(select(func.min(Disclosure.first_published_at),
                                            func.max(Disclosure.first_published_at)).where(*where)).one()
    years = list(range(last.year, first.year - 1, -1)) if first and last else []
    if year:
        where += [Disclosure.first_published_at >= datetime(year, 1, 1, tzinfo=UTC),
                  Disclosure.first_published_at < datetime(year + 1, 1, 1, tzinfo=UTC)]
    total = db.session.scalar(select(func.count(Disclosure.id)).where(*where)) or 0
    pages = max(1, math.ceil(total / size))
    if not 1 <= page <= pages:
        return None
    rows = db.session.scalars(
        select(Disclosure).where(*where)
        .order_by(Disclosure.last_published_at.desc(), Disclosure.id.desc())
        .offset((page - 1) * size).limit(size)
        .options(db.load_only(Disclosure.id, Disclosure.title, Disclosure.domain, Disclosure.kind,
                              Disclosure.period_label, Disclosure.first_published_at,
                              Disclosure.last_published_at, Disclosure.revision_count, Disclosure.breach_count))
    ).all()
    return ArchivePage(list(rows), page, pages, total, years)
