"""Check what the public pages show against the hashed chain, village by village.

The chain proves that revisions were not changed; these checks prove that the
rows the pages are drawn from (a disclosure's status, village, title, period,
dates and current revision, a duty report's cadre and period, a power item's
fields, an evaluation round's result) say what the chain says. Each
capability that publishes through the chain provides a ``check_published``
function; they are listed here by module name so the record does not depend
on their code.
"""
from datetime import UTC
from importlib import import_module

from sqlalchemy import select

from portal.extensions import db
from portal.places.models import Village
from portal.records.chain import BrokenLink, verify_chain
from portal.records.models import PublishedRevision

CHECKERS = ("portal.disclosures.integrity", "portal.duty.integrity", "portal.powers.record")


def same_moment(a, b) -> bool:
    """Compare two stored times to the second, whatever time zone the database handed back."""
    if a is None or b is None:
        return a is None and b is None

    def norm(moment):
        moment = moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)
        return moment.replace(microsecond=0)

    return norm(a) == norm(b)


def revisions_by_subject(village: Village, subject_type: str) -> dict[int, list[PublishedRevision]]:
    """The village's revisions of one subject type, grouped by subject, oldest first."""
    grouped: dict[int, list[PublishedRevision]] = {}
    for revision in db.session.scalars(
            select(PublishedRevision).where(PublishedRevision.village_id == village.id,
                                            PublishedRevision.subject_type == subject_type)
            .order_by(PublishedRevision.subject_id, PublishedRevision.number)):
        grouped.setdefault(revision.subject_id, []).append(revision)
    return grouped


def check_subjects(village: Village, subject_type: str, model, label: str) -> list[BrokenLink]:
    """Check every published subject of a type (disclosure, duty report) against its revisions.

    Returns the problems; each names the subject and the revision the public
    should be reading.
    """
    problems: list[BrokenLink] = []
    chained = revisions_by_subject(village, subject_type)

    def problem(revision, text):
        problems.append(BrokenLink(village.code, revision.chain_seq if revision else None,
                                   revision.id if revision else None, f"{label} {text}"))

    subjects = {s.id: s for s in db.session.scalars(select(model).where(
        (model.village_id == village.id) | model.id.in_(list(chained))))}
    for subject_id, revisions in chained.items():
        subject = subjects.get(subject_id)
        first, last = revisions[0], revisions[-1]
        if subject is None:
            problem(last, f"{subject_id} is published in the chain but its row is gone")
            continue
        numbers = [r.number for r in revisions]
        if numbers != list(range(1, len(revisions) + 1)):
            problem(last, f"{subject_id} has revisions numbered {numbers}, not 1 to {len(revisions)}")
        if subject.village_id != village.id:
            problem(last, f"{subject_id} is shown under another village than the one that published it")
        if subject.status != "published":
            problem(last, f"{subject_id} is hidden (status “{subject.status}”) although it was published")
        if subject.current_revision_id != last.id:
            problem(last, f"{subject_id} shows revision id {subject.current_revision_id} instead of its latest, "
                          f"revision {last.number}")
        if subject.revision_count != last.number:
            problem(last, f"{subject_id} claims {subject.revision_count} revisions; the chain holds {last.number}")
        if not same_moment(subject.first_published_at, first.published_at):
            problem(first, f"{subject_id} shows {subject.first_published_at} as its first publication; "
                           f"the chain says {first.published_at}")
        if not same_moment(subject.last_published_at, last.published_at):
            problem(last, f"{subject_id} shows {subject.last_published_at} as its last publication; "
                          f"the chain says {last.published_at}")
        if subject.title != last.title:
            problem(last, f"{subject_id} shows the title “{subject.title}”; the chain says “{last.title}”")
    for subject in subjects.values():
        if subject.id in chained or subject.village_id != village.id:
            continue
        if subject.status == "published" or subject.current_revision_id is not None or subject.revision_count:
            problem(None, f"{subject.id} is shown as published but has no revision in this village's chain")
    return problems


def compare_fields(village: Village, revision: PublishedRevision, label: str, shown: dict,
                   recorded: dict) -> list[BrokenLink]:
    """Report each field the page shows that differs from the revision's record of it."""
    return [BrokenLink(village.code, revision.chain_seq, revision.id,
                       f"{label}: “{name}” shows {shown.get(name)!r}; the chain says {recorded.get(name)!r}")
            for name in recorded if (shown.get(name) or None) != (recorded.get(name) or None)]


def check_village(village: Village) -> list[BrokenLink]:
    """Every published record of the village checked against its chain."""
    problems: list[BrokenLink] = []
    for name in CHECKERS:
        problems += import_module(name).check_published(village)
    return problems


def verify_village(village: Village) -> BrokenLink | None:
    """Walk one village's chain and what its pages show; return the first problem, or None."""
    problems = verify_village_all(village)
    return problems[0] if problems else None


def verify_village_all(village: Village) -> list[BrokenLink]:
    """Every problem of one village: its chain, and the published records checked against it."""
    return verify_chain(village) + check_village(village)


def verify_all() -> tuple[int, BrokenLink | None]:
    """Verify every village; return (revisions checked, the first problem or None)."""
    checked, problems = verify_every_village()
    return checked, (problems[0] if problems else None)


def verify_every_village() -> tuple[int, list[BrokenLink]]:
    """Verify every village; return (revisions checked, every problem found in every village)."""
    checked, problems = 0, []
    for village in db.session.scalars(select(Village).order_by(Village.code)):
        problems += verify_village_all(village)
        checked += village.chain_length or 0
    return checked, problems
