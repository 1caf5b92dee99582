"""民主测评: evaluation rounds, one-time ballot codes, votes and the published results.

A ballot code is 12 random digits (about 40 bits); it is printed once and
stored only as an HMAC-SHA256 keyed with the deployment's RECEIPT_PEPPER, so
the database alone cannot tell which code is which. Guessing is slowed by a
rate limit on failed attempts.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal.ballots.codes import BallotRefused, code_hash, issue_codes, normalise_code
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.text import refuse_hidden, refuse_too_long
from portal.duty.models import RATINGS, BallotCode, DutyReport, EvaluationRound, EvaluationVote
from portal.extensions import db
from portal.places.models import Village
from portal.places.service import touch_village

MAX_VOTERS = 2000
MAX_OPEN_DAYS = 90
MIN_OPEN_MINUTES = 10


# ---- rounds --------------------------------------------------------------------------

def is_open(rnd: EvaluationRound, now: datetime) -> bool:
    return rnd.closed_at is None and rnd.closes_at > now


def published_reports(village: Village) -> list[DutyReport]:
    """The village's published duty reports, newest period first."""
    return list(db.session.scalars(
        select(DutyReport).where(DutyReport.village_id == village.id, DutyReport.status == "published")
        .order_by(DutyReport.period.desc(), DutyReport.id)))


def open_round(user, village: Village, *, title: str, report_ids: list[int], closes_at: datetime,
               voter_count: int) -> tuple[EvaluationRound, list[str]]:
    """Open a round and issue its codes (call inside a write transaction); the codes are never stored."""
    now = utcnow()
    refuse_hidden("title", title)
    refuse_too_long("title", title.strip(), 255)
    available = {r.id for r in published_reports(village)}
    chosen = sorted({int(i) for i in report_ids})
    if not chosen or not set(chosen) <= available:
        raise PortalError(_l("Choose at least one published duty report of this village."), field="reports")
    if closes_at < now + timedelta(minutes=MIN_OPEN_MINUTES) or closes_at > now + timedelta(days=MAX_OPEN_DAYS):
        raise PortalError(_l("The closing time must be between 10 minutes and 90 days from now."), field="closes_at")
    if not 1 <= voter_count <= MAX_VOTERS:
        raise PortalError(_l("The number of voters must be between 1 and 2000."), field="voter_count")
    for other in db.session.scalars(select(EvaluationRound).where(
            EvaluationRound.village_id == village.id, EvaluationRound.closed_at.is_(None),
            EvaluationRound.closes_at > now)):
        if set(other.report_ids or []) & set(chosen):
            raise PortalError(_l("One of these reports is already being evaluated in an open round."),
                              field="reports")
    rnd = EvaluationRound(village_id=village.id, village=village, title=title.strip(), opened_by_id=user.id,
                          opened_at=now, closes_at=closes_at, voter_count=voter_count, report_ids=chosen)
    db.session.add(rnd)
    db.session.flush()
    codes = issue_codes(voter_count, "evaluation", lambda digest: BallotCode(round_id=rnd.id, code_hash=digest))
    return rnd, codes


def tally(rnd: EvaluationRound) -> dict[int, dict]:
    """Count the votes of a round per report: satisfied, basically_satisfied, dissatisfied, valid, rate."""
    counts = {rid: dict.fromkeys(RATINGS, 0) for rid in rnd.report_ids or []}
    rows = db.session.execute(
        select(EvaluationVote.report_id, EvaluationVote.rating, func.count())
        .where(EvaluationVote.round_id == rnd.id).group_by(EvaluationVote.report_id, EvaluationVote.rating))
    for report_id, rating, n in rows:
        if report_id in counts and rating in RATINGS:
            counts[report_id][rating] = int(n)
    for c in counts.values():
        valid = sum(c[r] for r in RATINGS)
        c["valid"] = valid
        c["rate"] = round(100 * (c["satisfied"] + c["basically_satisfied"]) / valid, 1) if valid else None
    return counts


def close_round(rnd: EvaluationRound, now: datetime) -> None:
    """Close a round and publish its results on each report (call inside a write transaction)."""
    if rnd.closed_at is not None:
        return
    rnd.closed_at = min(now, rnd.closes_at).replace(microsecond=0)
    from portal.duty.results import publish_result

    publish_result(rnd, tally(rnd))  # its own chain entry: a later round never overwrites this one
    touch_village(rnd.village)


def due_rounds(now: datetime) -> list[EvaluationRound]:
    """Rounds whose closing time has passed but whose results are not yet published."""
    return list(db.session.scalars(select(EvaluationRound).where(
        EvaluationRound.closed_at.is_(None), EvaluationRound.closes_at <= now)))


# ---- ballots -------------------------------------------------------------------------

@dataclass
class Ballot:
    code: str  # the 12 digits, only ever carried in the POST body
    row: BallotCode
    round: EvaluationRound
    reports: list[DutyReport]


def find_ballot(text: str | None) -> Ballot:
    """Look a typed code up; raise BallotRefused when it cannot vote."""
    digits = normalise_code(text)
    row = db.session.scalar(select(BallotCode).where(BallotCode.code_hash == code_hash(digits, "evaluation"))) \
        if digits else None
    if row is None:
        raise BallotRefused("wrong")
    rnd = db.session.get(EvaluationRound, row.round_id)
    if not is_open(rnd, utcnow()):
        raise BallotRefused("closed")
    if row.used_at is not None:
        raise BallotRefused("used")
    reports = list(db.session.scalars(select(DutyReport).where(DutyReport.id.in_(rnd.report_ids or []))
                                      .order_by(DutyReport.id)))
    return Ballot(digits, row, rnd, reports)


def cast(text: str | None, ratings: dict[int, str]) -> EvaluationRound:
    """Record one rating per report for a code and spend it (call inside a write transaction)."""
    ballot = find_ballot(text)
    wanted = [r.id for r in ballot.reports]
    if any(ratings.get(rid) not in RATINGS for rid in wanted):
        raise PortalError(_l("Rate every report: satisfied, basically satisfied or dissatisfied."), field="ratings")
    # Spend the code with a conditional update so two simultaneous submissions cannot both count.
    spent = db.session.execute(update(BallotCode).where(BallotCode.id == ballot.row.id, BallotCode.used_at.is_(None))
                               .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise BallotRefused("used")
    db.session.add_all(EvaluationVote(round_id=ballot.round.id, ballot_id=ballot.row.id, report_id=rid,
                                      rating=ratings[rid]) for rid in wanted)
    return ballot.round


def used_count(rnd: EvaluationRound) -> int:
    """How many codes of a round have voted."""
    return db.session.scalar(select(func.count()).select_from(BallotCode)
                             .where(BallotCode.round_id == rnd.id, BallotCode.used_at.is_not(None))) or 0
