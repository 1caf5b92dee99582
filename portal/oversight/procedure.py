"""Breaches of the decision procedure (四议两公开) in published decision records, per township and village."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from portal.core.timezone import local_midnight_utc
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.oversight.stats import Counters
from portal.places.models import Township, Village
from portal.records.models import PublishedRevision

# Breach codes grouped as the county reads them: who was there, how they voted, how long it was posted.
GROUPS = {
    "quorum": ("quorum", "present_exceeds_expected"),
    "majority": ("majority", "vote_exceeds_present"),
    "posting": ("posting_days", "posting_start", "late_disclosure", "notice_days"),
}
COLUMNS = ("decisions", "with_breaches", "quorum", "majority", "posting", "other")


@dataclass
class BreachTally(Counters):
    decisions: int = 0
    with_breaches: int = 0
    quorum: int = 0
    majority: int = 0
    posting: int = 0
    other: int = 0


@dataclass
class Place:
    code: str
    name: str
    township: str
    tally: BreachTally = field(default_factory=BreachTally)


def suppress_small(places: list[Place], threshold: int) -> list[Place]:
    """Replace every count below the threshold (zero included) by Below, in place; return the places."""
    if threshold > 0:
        from portal.oversight.stats import Below

        for place in places:
            for name in COLUMNS:
                if getattr(place.tally, name) < threshold:
                    setattr(place.tally, name, Below(threshold))
    return places


def _group(code: str) -> str:
    return next((name for name, codes in GROUPS.items() if code in codes), "other")


def breaches(start: date, end: date, township_id: int | None = None) -> tuple[list[Place], list[Place]]:
    """Count the decision records first published in the period and their breaches; return (townships, villages).

    Villages are listed only when they published a decision with a breach, most breaches first.
    """
    stmt = (select(Village.id, Village.code, Village.name, Township.id, Township.code, Township.name,
                   PublishedRevision.content)
            .select_from(Disclosure)
            .join(Village, Village.id == Disclosure.village_id).join(Township, Township.id == Village.township_id)
            .join(PublishedRevision, PublishedRevision.id == Disclosure.current_revision_id)
            .where(Disclosure.kind == "decision", Disclosure.status == "published",
                   Disclosure.first_published_at >= local_midnight_utc(start),
                   Disclosure.first_published_at < local_midnight_utc(end + timedelta(days=1))))
    if township_id is not None:
        stmt = stmt.where(Village.township_id == township_id)
    villages: dict[int, Place] = {}
    townships: dict[int, Place] = {}
    for vid, vcode, vname, tid, tcode, tname, content in db.session.execute(stmt):
        tally = BreachTally(decisions=1)
        codes = [b.get("code") for b in (content or {}).get("breaches") or [] if isinstance(b, dict)]
        tally.with_breaches = 1 if codes else 0
        for code in codes:
            group = _group(code)
            setattr(tally, group, getattr(tally, group) + 1)
        villages.setdefault(vid, Place(vcode, vname, tname)).tally.add(tally)
        townships.setdefault(tid, Place(tcode, tname, tname)).tally.add(tally)
    flagged = sorted((p for p in villages.values() if p.tally.with_breaches),
                     key=lambda p: (-p.tally.with_breaches, -(p.tally.quorum + p.tally.majority + p.tally.posting
                                                              + p.tally.other), p.code))
    return sorted(townships.values(), key=lambda p: p.code), flagged
