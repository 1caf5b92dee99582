"""The anomaly rules on a payment list, run on the draft at import and again at publication.

1. duplicate: the same ID or card number in several rows of one list;
2. other_village: the same person paid for the same item in another village of the county in an overlapping period;
3. over_standard: an amount above the county's standard for the item;
4. cadre_relative: a beneficiary a cadre of the village declared as a close relative;
5. deceased: a beneficiary on the township's list of deceased persons (died before the payment).
"""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.text import HIDDEN_MESSAGE, has_hidden
from portal.extensions import db
from portal.places.models import Township, Village
from portal.subsidies.models import RULES, CadreRelative, DeceasedPerson, PaymentLine, SubsidyStandard

RULE_LABELS = {
    "duplicate": _l("Same ID or card number in several rows"),
    "other_village": _l("Also paid in another village"),
    "over_standard": _l("Above the county standard"),
    "cadre_relative": _l("Relative of a village cadre"),
    "deceased": _l("On the list of deceased persons"),
}
RELATION_LABELS = {
    "spouse": _l("spouse"), "parent": _l("parent"), "child": _l("child"), "sibling": _l("brother or sister"),
    "grandparent": _l("grandparent"), "grandchild": _l("grandchild"), "in_law": _l("in-law"),
    "other": _l("other close relative"),
}


def item_key(item: str) -> str:
    """A subsidy item's name as compared: half-width, without spaces or quotation marks."""
    return re.sub(r"[\s\"'“”‘’《》]", "", unicodedata.normalize("NFKC", str(item or "")))[:120]


@dataclass
class PaymentRow:
    number: int
    item: str
    name: str | None = None
    masked_id: str | None = None
    id_hash: str | None = None
    card_hash: str | None = None
    amount: Decimal | None = None
    paid_on: date | None = None


@dataclass
class PaymentList:
    village: Village
    title: str
    rows: list[PaymentRow]
    period_label: str | None = None
    period_start: date | None = None
    period_end: date | None = None


@dataclass
class Anomaly:
    rule: str
    rows: list[int]
    detail: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Names the explanation field; stable while the draft does not change."""
        return f"{self.rule}-{'-'.join(str(r) for r in self.rows)}"

    @property
    def label(self):
        return RULE_LABELS[self.rule]

    @property
    def message(self):
        return anomaly_message(self.rule, self.rows, self.detail)


def anomaly_message(rule: str, rows: list, detail: dict):
    """The sentence the cadre and the township handler read for one anomaly."""
    d = {"row": ", ".join(str(r) for r in rows), "who": detail.get("who", ""), "item": detail.get("item", "")}
    if rule == "duplicate":
        what = _l("ID card number") if detail.get("field") == "id" else _l("card number")
        return _l("Rows %(row)s pay the same %(what)s (%(who)s).", what=what, **d)
    if rule == "other_village":
        return _l("Row %(row)s: %(who)s was also paid for %(item)s in %(village)s (%(title)s, %(period)s).",
                  village=detail.get("village", ""), title=detail.get("title", ""),
                  period=detail.get("period") or "—", **d)
    if rule == "over_standard":
        return _l("Row %(row)s: %(amount)s yuan for %(item)s to %(who)s is above the county standard of "
                  "%(standard)s yuan.", amount=detail.get("amount", ""), standard=detail.get("standard", ""), **d)
    if rule == "cadre_relative":
        return _l("Row %(row)s: %(who)s is the declared %(relation)s of cadre %(cadre)s.",
                  relation=RELATION_LABELS.get(detail.get("relation"), RELATION_LABELS["other"]),
                  cadre=detail.get("cadre", ""), **d)
    return _l("Row %(row)s: %(who)s is on the township's list of deceased persons (died %(died)s).",
              died=detail.get("died") or _l("date unknown"), **d)


def _who(row: PaymentRow) -> str:
    return " ".join(p for p in (row.name, row.masked_id) if p) or "—"


def _overlaps(plist: PaymentList, line: PaymentLine) -> bool:
    if plist.period_start and plist.period_end and line.period_start and line.period_end:
        return plist.period_start <= line.period_end and line.period_start <= plist.period_end
    return bool(plist.period_label) and plist.period_label == line.period_label


def _duplicates(plist: PaymentList) -> list[Anomaly]:
    found, seen_sets = [], set()
    for attr, field_name in (("id_hash", "id"), ("card_hash", "card")):
        groups: dict[str, list[PaymentRow]] = {}
        for row in plist.rows:
            if getattr(row, attr):
                groups.setdefault(getattr(row, attr), []).append(row)
        for rows in groups.values():
            numbers = tuple(r.number for r in rows)
            if len(rows) > 1 and numbers not in seen_sets:  # the same rows sharing ID and card: one warning
                seen_sets.add(numbers)
                found.append(Anomaly("duplicate", list(numbers), {"field": field_name,
                                                                  "who": "; ".join(_who(r) for r in rows)}))
    return found


def _other_villages(plist: PaymentList) -> list[Anomaly]:
    hashes = {r.id_hash for r in plist.rows if r.id_hash}
    if not hashes:
        return []
    lines = db.session.scalars(
        select(PaymentLine).join(Village, Village.id == PaymentLine.village_id).join(Township)
        .where(PaymentLine.id_hash.in_(hashes), PaymentLine.current.is_(True),
               PaymentLine.village_id != plist.village.id,
               Township.county_id == plist.village.township.county_id)
        .order_by(PaymentLine.id)).all()
    found = []
    for row in plist.rows:
        for line in lines:
            if line.id_hash == row.id_hash and line.item_key == item_key(row.item) and _overlaps(plist, line):
                found.append(Anomaly("other_village", [row.number], {
                    "who": _who(row), "item": row.item, "village": line.village.name, "title": line.revision.title,
                    "period": line.period_label or ""}))
                break
    return found


def _over_standard(plist: PaymentList) -> list[Anomaly]:
    keys = {item_key(r.item) for r in plist.rows if r.amount is not None}
    standards = {s.item_key: s for s in db.session.scalars(
        select(SubsidyStandard).where(SubsidyStandard.item_key.in_(keys)))} if keys else {}
    return [Anomaly("over_standard", [r.number], {"who": _who(r), "item": r.item, "amount": f"{r.amount:.2f}",
                                                  "standard": f"{standards[item_key(r.item)].max_amount:.2f}"})
            for r in plist.rows if r.amount is not None and item_key(r.item) in standards
            and r.amount > standards[item_key(r.item)].max_amount]


def _relatives(plist: PaymentList) -> list[Anomaly]:
    hashes = {r.id_hash for r in plist.rows if r.id_hash}
    declared = {}
    if hashes:
        for rel in db.session.scalars(select(CadreRelative).where(CadreRelative.village_id == plist.village.id,
                                                                  CadreRelative.id_hash.in_(hashes))):
            declared.setdefault(rel.id_hash, rel)
    return [Anomaly("cadre_relative", [r.number], {"who": _who(r), "relation": declared[r.id_hash].relation,
                                                   "cadre": declared[r.id_hash].cadre_name})
            for r in plist.rows if r.id_hash in declared]


def _deceased(plist: PaymentList) -> list[Anomaly]:
    hashes = {r.id_hash for r in plist.rows if r.id_hash}
    dead = {d.id_hash: d for d in db.session.scalars(select(DeceasedPerson).where(
        DeceasedPerson.township_id == plist.village.township_id, DeceasedPerson.id_hash.in_(hashes)))} if hashes else {}
    found = []
    for row in plist.rows:
        person = dead.get(row.id_hash) if row.id_hash else None
        if person is None:
            continue
        paid = row.paid_on or plist.period_end or plist.period_start
        if person.died_on is None or paid is None or person.died_on < paid:
            found.append(Anomaly("deceased", [row.number], {
                "who": _who(row), "died": person.died_on.isoformat() if person.died_on else ""}))
    return found


CHECKS = {"duplicate": _duplicates, "other_village": _other_villages, "over_standard": _over_standard,
          "cadre_relative": _relatives, "deceased": _deceased}
assert tuple(CHECKS) == RULES


def screen(plist: PaymentList) -> list[Anomaly]:
    """Run every rule on a payment list; return the anomalies in the order of the rules."""
    return [anomaly for rule in RULES for anomaly in CHECKS[rule](plist)]


EXPLANATION_MIN, EXPLANATION_MAX = 5, 1000


def explanation_problems(anomalies: list[Anomaly], explanations: dict) -> dict:
    """The message per anomaly key whose explanation is missing or too short/long."""
    problems = {}
    for a in anomalies:
        text = (explanations.get(a.key) or "").strip()
        if has_hidden(text):
            problems[a.key] = HIDDEN_MESSAGE
        elif len(text) < EXPLANATION_MIN:
            problems[a.key] = _l("Explain this warning in at least %(n)d characters before publishing.",
                                 n=EXPLANATION_MIN)
        elif len(text) > EXPLANATION_MAX:
            problems[a.key] = _l("Write at most %(max)d characters.", max=EXPLANATION_MAX)
    return problems
