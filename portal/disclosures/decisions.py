"""Check 四议两公开 decision records against the procedure rules (DOMAIN.md §3)."""
import datetime
from dataclasses import dataclass
from fractions import Fraction

from flask_babel import lazy_gettext as _l

STEPS = ("proposal", "committees", "party_meeting", "representatives",
         "resolution_disclosure", "result_disclosure")
COUNT_FIELDS = ("expected", "present", "for", "against", "abstain")


@dataclass(frozen=True)
class DecisionRules:
    """Thresholds a county may configure; ratios are exact fractions, never floats."""

    committees_majority: Fraction = Fraction(1, 2)  # votes for > this share of those present
    party_quorum: Fraction = Fraction(2, 3)  # present ≥ this share of members due to attend
    party_majority: Fraction = Fraction(1, 2)  # votes for > this share of members due to attend
    party_notice_days: int = 3  # plan reaches members at least this many days before
    representatives_quorum: Fraction = Fraction(2, 3)  # present ≥ this share of representatives
    representatives_majority: Fraction = Fraction(1, 2)  # votes for > this share of those present
    posting_days: int = 7  # resolution stays posted at least this many days, both ends counted
    posting_start_days: int = 2  # posting starts within this many days of the vote
    required_steps: tuple[str, ...] = STEPS


DEFAULT_RULES = DecisionRules()


@dataclass
class Breach:
    step: str
    code: str
    message: object  # lazy translatable string


def check_decision(record: dict, config: DecisionRules = DEFAULT_RULES) -> list[Breach]:
    """Return every breach of the procedure found in a decision record.

    `record["implemented"] = False` waives the result disclosure until the work is done.
    """
    breaches, steps = [], {}
    for entry in record.get("steps") or []:
        name = entry.get("step")
        if name not in STEPS:
            breaches.append(Breach(str(name), "unknown_step", _l("Unknown step %(step)s.", step=str(name))))
        elif name in steps:
            breaches.append(Breach(name, "duplicate_step", _l("The step is recorded more than once.")))
        else:
            steps[name] = entry
    breaches += _missing_steps(steps, record, config)
    dates = {}
    for name in (n for n in STEPS if n in steps):
        entry = steps[name]
        day = _date(entry.get("date")) or _date(entry.get("posted_from"))
        if day is None:
            breaches.append(Breach(name, "invalid_date", _l("The date is missing or not a valid date.")))
        else:
            dates[name] = day
        counts, count_breaches = _counts(name, entry)
        breaches += count_breaches
        if name in _STEP_CHECKS:
            breaches += _STEP_CHECKS[name](name, entry, counts, dates, config)
    return breaches + _order(dates)


def _missing_steps(steps: dict, record: dict, config: DecisionRules) -> list[Breach]:
    """Report required steps that are absent; 一肩挑 villages may merge proposal and committees."""
    required = [n for n in config.required_steps if n in STEPS]
    if record.get("implemented") is False:
        required = [n for n in required if n != "result_disclosure"]
    merged = ("proposal", "committees")
    found = []
    for name in required:
        if name in steps or (record.get("dual_role") and name in merged and any(m in steps for m in merged)):
            continue
        found.append(Breach(name, "missing_step", _l("The required step %(step)s is missing.", step=name)))
    return found


def _date(value) -> datetime.date | None:
    """Return value as a date, accepting date objects and YYYY-MM-DD strings."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _counts(name: str, entry: dict) -> tuple[dict, list[Breach]]:
    """Read the attendance and vote counts of a step and check they are consistent."""
    counts, breaches = {"invalid": set()}, []
    for key in COUNT_FIELDS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            breaches.append(Breach(name, "invalid_count", _l("%(field)s is not a whole number.", field=key)))
            counts["invalid"].add(key)
            value = None
        counts[key] = value
    expected, present = counts["expected"], counts["present"]
    if expected is not None and present is not None and present > expected:
        breaches.append(Breach(name, "present_exceeds_expected", _l(
            "%(present)d attended but only %(expected)d were due.", present=present, expected=expected)))
    votes = sum(counts[k] or 0 for k in ("for", "against", "abstain"))
    if present is not None and votes > present:
        breaches.append(Breach(name, "vote_exceeds_present", _l(
            "%(votes)d votes were cast but only %(present)d attended.", votes=votes, present=present)))
    return counts, breaches


def _need(name: str, counts: dict, *keys: str) -> tuple[list[Breach], bool]:
    """Report counts a voting step must record, and tell whether the ratios can be checked."""
    # Zero members due makes every ratio meaningless, so it counts as not recorded.
    missing = [k for k in keys if counts[k] is None or (k == "expected" and counts[k] == 0)]
    breaches = [Breach(name, "missing_count", _l("%(field)s is not recorded.", field=k))
                for k in missing if k not in counts["invalid"]]  # invalid ones are reported already
    return breaches, not missing


def _quorum(name: str, counts: dict, ratio: Fraction) -> list[Breach]:
    """Check that attendance reaches the ratio of members due to attend."""
    if Fraction(counts["present"], counts["expected"]) >= ratio:
        return []
    return [Breach(name, "quorum", _l(
        "%(present)d of %(expected)d members attended; at least %(ratio)s must attend.",
        present=counts["present"], expected=counts["expected"], ratio=str(ratio)))]


def _majority(name: str, votes: int, base: int, ratio: Fraction) -> list[Breach]:
    """Check that votes for exceed the ratio of the base."""
    if base and Fraction(votes, base) > ratio:
        return []
    return [Breach(name, "majority", _l(
        "%(votes)d of %(base)d voted for; more than %(ratio)s is required.",
        votes=votes, base=base, ratio=str(ratio)))]


def _check_committees(name, entry, counts, dates, config) -> list[Breach]:
    """Both committees decide by a majority of those present."""
    breaches, usable = _need(name, counts, "present", "for")
    if usable:
        breaches += _majority(name, counts["for"], counts["present"], config.committees_majority)
    return breaches


def _check_party_meeting(name, entry, counts, dates, config) -> list[Breach]:
    """Party members: 2/3 attend, more than half of those due approve, plan sent 3 days ahead."""
    breaches, usable = _need(name, counts, "expected", "present", "for")
    if usable:
        breaches += _quorum(name, counts, config.party_quorum) + _majority(
            name, counts["for"], counts["expected"], config.party_majority)
    notice, meeting = _date(entry.get("notice_date")), dates.get(name)
    if notice is None:
        breaches.append(Breach(name, "notice_days", _l("The date the plan reached party members is not recorded.")))
    elif meeting and (meeting - notice).days < config.party_notice_days:
        breaches.append(Breach(name, "notice_days", _l(
            "The plan reached members %(days)d days before the meeting; at least %(limit)d are required.",
            days=(meeting - notice).days, limit=config.party_notice_days)))
    return breaches


def _check_representatives(name, entry, counts, dates, config) -> list[Breach]:
    """Representatives: 2/3 attend and more than half of those present approve (Art. 26)."""
    breaches, usable = _need(name, counts, "expected", "present", "for")
    if usable:
        breaches += _quorum(name, counts, config.representatives_quorum) + _majority(
            name, counts["for"], counts["present"], config.representatives_majority)
    return breaches


def _posting_period(name, entry, dates) -> tuple[datetime.date | None, datetime.date | None, list[Breach]]:
    """Return the posting window of a disclosure step, reporting a reversed one."""
    start = _date(entry.get("posted_from")) or dates.get(name)
    end = _date(entry.get("posted_until"))
    if start and end and end < start:
        return start, end, [Breach(name, "date_order", _l("The posting ends before it starts."))]
    return start, end, []


def _check_resolution(name, entry, counts, dates, config) -> list[Breach]:
    """The resolution is posted promptly after the vote and stays up long enough."""
    start, end, breaches = _posting_period(name, entry, dates)
    if breaches:
        return breaches
    if start is None or end is None:
        breaches.append(Breach(name, "posting_days", _l("The posting period is not recorded.")))
    elif (end - start).days + 1 < config.posting_days:
        breaches.append(Breach(name, "posting_days", _l(
            "The resolution was posted for %(days)d days; at least %(limit)d are required.",
            days=(end - start).days + 1, limit=config.posting_days)))
    vote = dates.get("representatives")
    if start and vote and (start - vote).days > config.posting_start_days:
        breaches.append(Breach(name, "posting_start", _l(
            "The resolution was posted %(days)d days after the vote; at most %(limit)d are allowed.",
            days=(start - vote).days, limit=config.posting_start_days)))
    return breaches


def _check_result(name, entry, counts, dates, config) -> list[Breach]:
    """The result disclosure needs a consistent posting window when one is given."""
    return _posting_period(name, entry, dates)[2]


_STEP_CHECKS = {
    "committees": _check_committees,
    "party_meeting": _check_party_meeting,
    "representatives": _check_representatives,
    "resolution_disclosure": _check_resolution,
    "result_disclosure": _check_result,
}


def _order(dates: dict) -> list[Breach]:
    """Report steps dated before a step that must come earlier."""
    breaches, latest = [], None
    for name in (n for n in STEPS if n in dates):
        if latest and dates[name] < dates[latest]:
            breaches.append(Breach(name, "order", _l(
                "The step is dated before %(earlier)s, which must come first.", earlier=latest)))
        if latest is None or dates[name] >= dates[latest]:
            latest = name
    return breaches
