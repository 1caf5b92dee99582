"""群众最不满意的10件事: proposals, moderation, ballot-code voting, the top ten and their remedies (DOMAIN.md §7)."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from portal.ballots.codes import BallotRefused, code_hash, issue_codes, normalise_code
from portal.core.db import utcnow
from portal.core.errors import PortalError
from portal.core.masking import mask_text
from portal.core.text import refuse_hidden, refuse_too_long
from portal.extensions import db
from portal.places.models import Township
from portal.polls.models import TOP_N, VOTES_PER_BALLOT, GrievancePoll, PollBallot, PollOption, PollVote, RemedyProgress

MAX_WINDOW_DAYS = 60
MAX_BALLOTS = 2000
PHASES = ("upcoming", "proposals", "screening", "voting", "counting", "published")


def phase(poll: GrievancePoll, today: date) -> str:
    """Where a poll stands on a (local) day."""
    if poll.results_published_at is not None:
        return "published"
    if today < poll.proposals_from:
        return "upcoming"
    if today <= poll.proposals_until:
        return "proposals"
    if today < poll.voting_from:
        return "screening"
    if today <= poll.voting_until:
        return "voting"
    return "counting"


def polls_of(township: Township) -> list[GrievancePoll]:
    """A township's polls, newest year first."""
    return list(db.session.scalars(select(GrievancePoll).where(GrievancePoll.township_id == township.id)
                                   .order_by(GrievancePoll.year.desc())))


def create(user, township: Township, *, year: int, title: str, proposals_from: date, proposals_until: date,
           voting_from: date, voting_until: date) -> GrievancePoll:
    """Open a township's yearly poll (call inside a write transaction)."""
    if not proposals_from <= proposals_until < voting_from <= voting_until:
        raise PortalError(_l("The proposal window must end before the voting window starts, each in order."),
                          field="voting_from")
    if (proposals_until - proposals_from).days >= MAX_WINDOW_DAYS or \
            (voting_until - voting_from).days >= MAX_WINDOW_DAYS:
        raise PortalError(_l("Each window may last at most 60 days."), field="voting_until")
    refuse_hidden("title", title)
    refuse_too_long("title", title.strip(), 255)
    exists = db.session.scalar(select(GrievancePoll.id).where(GrievancePoll.township_id == township.id,
                                                              GrievancePoll.year == year))
    if exists is not None:
        raise PortalError(_l("This township already has a poll for that year."), field="year")
    poll = GrievancePoll(township_id=township.id, township=township, year=year, title=title.strip(),
                         proposals_from=proposals_from, proposals_until=proposals_until, voting_from=voting_from,
                         voting_until=voting_until, created_by_id=user.id)
    db.session.add(poll)
    return poll


def propose(poll: GrievancePoll, title: str, detail: str | None, today: date) -> PollOption:
    """Record a resident's proposal, to be moderated by the handler (call inside a write transaction)."""
    if phase(poll, today) != "proposals":
        raise PortalError(_l("Proposals are not being collected now."), field="title")
    refuse_hidden("title", title)
    refuse_hidden("detail", detail)
    refuse_too_long("title", title.strip(), 255)
    refuse_too_long("detail", (detail or "").strip(), 2000)
    # Residents type phone and ID numbers into proposals; the public lists show the text, so mask them here.
    option = PollOption(poll_id=poll.id, title=mask_text(title.strip()),
                        detail=mask_text((detail or "").strip()) or None)
    db.session.add(option)
    return option


def options(poll: GrievancePoll, *statuses: str) -> list[PollOption]:
    """A poll's options with the given statuses (all when none given), oldest first."""
    stmt = select(PollOption).where(PollOption.poll_id == poll.id).order_by(PollOption.id)
    if statuses:
        stmt = stmt.where(PollOption.status.in_(statuses))
    return list(db.session.scalars(stmt))


def moderate(poll: GrievancePoll, option: PollOption, action: str, today: date, *, title: str | None = None,
             into_id: int | None = None, note: str | None = None) -> None:
    """Accept (optionally rewording), merge into an accepted option, or reject a proposal."""
    if phase(poll, today) not in ("upcoming", "proposals", "screening"):
        raise PortalError(_l("The ballot is fixed once voting starts."), field="action")
    if option.poll_id != poll.id or option.status == "merged":
        raise PortalError(_l("This proposal cannot be changed any more."), field="action")
    refuse_hidden("title", title)
    refuse_hidden("note", note)
    refuse_too_long("title", (title or "").strip(), 255)
    refuse_too_long("note", (note or "").strip(), 500)
    now = utcnow()
    if action == "accept":
        option.status = "accepted"
        if title and title.strip():
            option.title = mask_text(title.strip())
    elif action == "reject":
        if not (note or "").strip():
            raise PortalError(_l("Say why the proposal is not taken up."), field="note")
        option.status = "rejected"
    elif action == "merge":
        target = db.session.get(PollOption, into_id) if into_id else None
        if target is None or target.poll_id != poll.id or target.status != "accepted" or target.id == option.id:
            raise PortalError(_l("Choose an accepted proposal to merge into."), field="into")
        option.status = "merged"
        option.merged_into_id = target.id
        target.supporters = (target.supporters or 1) + (option.supporters or 1)
    else:
        raise PortalError(_l("Choose what to do with the proposal."), field="action")
    option.moderation_note = mask_text((note or "").strip()) or None
    option.moderated_at = now


def issue_ballots(poll: GrievancePoll, count: int, today: date) -> list[str]:
    """Create one-time ballot codes for the vote (shown once, stored as keyed hashes)."""
    if phase(poll, today) in ("counting", "published"):
        raise PortalError(_l("Voting is over; no more codes can be issued."), field="count")
    if not 1 <= count <= MAX_BALLOTS:
        raise PortalError(_l("Issue between 1 and 2000 codes at a time."), field="count")
    return issue_codes(count, "poll", lambda digest: PollBallot(poll_id=poll.id, code_hash=digest))


def find_ballot(poll: GrievancePoll, text: str | None, today: date) -> PollBallot:
    """Look up a code of this poll that may still vote; raise BallotRefused otherwise."""
    digits = normalise_code(text)
    row = db.session.scalar(select(PollBallot).where(PollBallot.code_hash == code_hash(digits, "poll"),
                                                     PollBallot.poll_id == poll.id)) if digits else None
    if row is None:
        raise BallotRefused("wrong")
    if phase(poll, today) != "voting":
        raise BallotRefused("closed")
    if row.used_at is not None:
        raise BallotRefused("used")
    return row


def vote(poll: GrievancePoll, text: str | None, option_ids: list[int], today: date) -> None:
    """Cast up to three votes with one code and spend it (call inside a write transaction)."""
    ballot = find_ballot(poll, text, today)
    chosen = sorted(set(option_ids))
    allowed = {o.id for o in options(poll, "accepted")}
    if not 1 <= len(chosen) <= VOTES_PER_BALLOT or not set(chosen) <= allowed:
        raise PortalError(_l("Choose one, two or three problems."), field="options")
    spent = db.session.execute(update(PollBallot).where(PollBallot.id == ballot.id, PollBallot.used_at.is_(None))
                               .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if spent.rowcount != 1:
        raise BallotRefused("used")
    db.session.add_all(PollVote(poll_id=poll.id, ballot_id=ballot.id, option_id=oid) for oid in chosen)


def publish_results(poll: GrievancePoll, today: date) -> list[PollOption]:
    """Count the votes and publish the top ten once voting has closed (call inside a write transaction)."""
    if phase(poll, today) != "counting":
        raise PortalError(_l("Results can be published only after voting has closed."), field=None)
    counts = dict(db.session.execute(select(PollVote.option_id, func.count()).where(PollVote.poll_id == poll.id)
                                     .group_by(PollVote.option_id)).all())
    accepted = options(poll, "accepted")
    for option in accepted:
        option.vote_count = int(counts.get(option.id, 0))
    ranked = sorted(accepted, key=lambda o: (-o.vote_count, -(o.supporters or 1), o.id))
    for position, option in enumerate(ranked, start=1):
        option.rank = position if position <= TOP_N else None
    poll.results_published_at = utcnow()
    return ranked[:TOP_N]


def top_ten(poll: GrievancePoll) -> list[PollOption]:
    """The published top ten with their progress notes."""
    return list(db.session.scalars(select(PollOption).where(PollOption.poll_id == poll.id,
                                                            PollOption.rank.is_not(None))
                                   .order_by(PollOption.rank).options(selectinload(PollOption.progress))))


def post_progress(poll: GrievancePoll, option: PollOption, user, *, posted_on: date, note: str,
                  solved: bool, lead_unit: str | None, today: date) -> RemedyProgress:
    """Add a dated public progress note to one of the top ten; solved closes it."""
    if poll.results_published_at is None or option.poll_id != poll.id or option.rank is None:
        raise PortalError(_l("Progress is posted only on the published top ten."), field="note")
    if option.solved_at is not None:
        raise PortalError(_l("This problem is already marked solved."), field="note")
    if posted_on > today or posted_on < today - timedelta(days=366):
        raise PortalError(_l("Give a date within the last year, not in the future."), field="posted_on")
    refuse_hidden("note", note)
    refuse_hidden("lead_unit", lead_unit)
    refuse_too_long("note", note.strip(), 4000)
    refuse_too_long("lead_unit", (lead_unit or "").strip(), 255)
    if lead_unit and lead_unit.strip():
        option.lead_unit = lead_unit.strip()
    entry = RemedyProgress(option=option, posted_on=posted_on, note=mask_text(note.strip()), solved=solved,
                           posted_by_id=user.id)
    db.session.add(entry)
    if solved:
        option.solved_at = utcnow()
    return entry
