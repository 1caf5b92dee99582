"""Payment lines: recorded when a payment list is published, found again by the resident's self-check.

Nothing here logs or audits a lookup: who looked for whom is nobody's business.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from portal.core.errors import PortalError
from portal.core.forms import line_ends
from portal.core.text import HIDDEN_MESSAGE, has_hidden
from portal.extensions import db
from portal.subsidies.keys import NAME_MAX, id_hash, id_problem, name_key, name_matches, valid_id
from portal.subsidies.models import PaymentAnomaly, PaymentLine, PaymentReview
from portal.subsidies.rules import Anomaly, PaymentList, explanation_problems, item_key


class Unexplained(PortalError):
    """Publication refused: some warnings have no explanation. ``problems`` maps anomaly keys to messages."""

    def __init__(self, problems: dict):
        super().__init__(_l("Explain every warning on the payment list before publishing."))
        self.problems = problems


def require_explained(anomalies: list[Anomaly], explanations: dict | None) -> None:
    """Raise Unexplained unless every anomaly has an explanation of the right length."""
    problems = explanation_problems(anomalies, explanations or {})
    if problems:
        raise Unexplained(problems)


def record_publication(plist: PaymentList, disclosure_id: int, revision, anomalies: list[Anomaly],
                       explanations: dict | None, user_id: int | None) -> PaymentReview | None:
    """Store the published revision's lines (older revisions' lines stop counting); queue a flagged list.

    Call inside the publishing transaction, after the revision exists.
    """
    db.session.execute(update(PaymentLine).where(PaymentLine.disclosure_id == disclosure_id,
                                                 PaymentLine.current.is_(True)).values(current=False))
    db.session.add_all(PaymentLine(
        village_id=plist.village.id, disclosure_id=disclosure_id, revision_id=revision.id, row_number=row.number,
        item=row.item[:120], item_key=item_key(row.item), name=(row.name or None) and row.name[:64],
        masked_id=row.masked_id, id_hash=row.id_hash, card_hash=row.card_hash, amount=row.amount,
        period_label=plist.period_label, period_start=plist.period_start, period_end=plist.period_end,
        paid_on=row.paid_on, current=True) for row in plist.rows)
    if not anomalies:
        return None
    review = PaymentReview(village_id=plist.village.id, township_id=plist.village.township_id,
                           disclosure_id=disclosure_id, revision_id=revision.id, published_by_id=user_id)
    review.anomalies = [PaymentAnomaly(rule=a.rule, rows=list(a.rows), detail=dict(a.detail),
                                       explanation=line_ends((explanations or {}).get(a.key, "")).strip())
                        for a in anomalies]
    db.session.add(review)
    db.session.flush()
    return review


def current_keys(disclosure_id: int) -> dict[int, PaymentLine]:
    """The published lines of a list by row number (a correction without a new file keeps their hashes)."""
    return {line.row_number: line for line in db.session.scalars(
        select(PaymentLine).where(PaymentLine.disclosure_id == disclosure_id, PaymentLine.current.is_(True)))}


def check_lookup(id_text, name_text) -> tuple[str | None, dict]:
    """Validate the self-check form; return the ID's keyed hash and the typed name's key, or messages per field."""
    errors = {}
    id_text = id_text if isinstance(id_text, str) else ""
    name_text = name_text if isinstance(name_text, str) else ""
    problem = HIDDEN_MESSAGE if has_hidden(id_text) else id_problem(id_text[:64])
    if problem:
        errors["id_number"] = [problem]
    key = name_key(name_text)
    if has_hidden(name_text):
        errors["name"] = [HIDDEN_MESSAGE]
    elif not key:
        errors["name"] = [_l("Enter your name as it is on your ID card.")]
    elif len(key) > NAME_MAX:
        errors["name"] = [_l("Write at most %(max)d characters.", max=NAME_MAX)]
    if errors:
        return None, errors
    return id_hash(valid_id(id_text)), {"name": key}


def lookup(id_text, name_text) -> tuple[list[PaymentLine], dict]:
    """Every current payment line to this ID number and name, newest period first; or messages per field.

    One answer whether the person is unknown or simply unpaid: an empty list.
    """
    hashed, found = check_lookup(id_text, name_text)
    if hashed is None:
        return [], found
    lines = db.session.scalars(select(PaymentLine).where(PaymentLine.id_hash == hashed, PaymentLine.current.is_(True))
                               .order_by(PaymentLine.period_start.desc(), PaymentLine.paid_on.desc(),
                                         PaymentLine.id)).all()
    return [line for line in lines if name_matches(line.name, found["name"])], {}


def get_line(payment_id, current_only: bool = True) -> PaymentLine | None:
    """A payment line by id (the "这笔不对" button), or None; a complaint may name one a correction replaced."""
    try:
        number = int(str(payment_id))
    except (TypeError, ValueError):
        return None
    line = db.session.get(PaymentLine, number) if 0 < number < 2**31 else None
    return line if line is not None and (line.current or not current_only) else None


def describe_about(line: PaymentLine) -> str:
    """Whom and what a complaint about a payment line concerns."""
    return str(_l("Payment of %(item)s to %(name)s (%(village)s)", item=line.item, name=line.name or "—",
                  village=line.village.name))[:200]


def describe(line: PaymentLine) -> str:
    """One line of text naming a payment, for a complaint about it."""
    return str(_l("Row %(row)d of “%(title)s”: %(item)s, %(period)s, %(amount)s yuan.", row=line.row_number,
                  title=line.revision.title, item=line.item, period=line.period_label or "—",
                  amount=f"{line.amount:.2f}" if line.amount is not None else "—"))
