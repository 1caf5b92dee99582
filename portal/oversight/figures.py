"""Public figures (/statistics): complaints and disclosures per township and village, last twelve months.

The complaint numbers come from the dashboard's own functions (stats.build and stats.suppress_small), over
the complaints the permission layer lets the public count, with the same small-count threshold the township
staff's dashboard uses. Disclosures on time come from the same obligation check as the dashboard's
freshness table.
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.complaints.models import Complaint
from portal.core.permissions import public_statistics_filter, public_statistics_min_count
from portal.extensions import db
from portal.oversight import obligations, stats
from portal.places.models import Township, Village


@dataclass
class Disclosed:
    """Disclosure obligations that fell due in the window, and how many were met by their due date."""

    due: int = 0
    on_time: int = 0
    late: int = 0

    def add(self, other: "Disclosed") -> None:
        self.due, self.on_time, self.late = self.due + other.due, self.on_time + other.on_time, self.late + other.late

    @property
    def missing(self) -> int:
        return self.due - self.on_time - self.late

    @property
    def published(self) -> int:
        return self.on_time + self.late

    @property
    def published_rate(self) -> float | None:
        return round(100 * self.published / self.due, 1) if self.due else None

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.due, 1) if self.due else None


@dataclass
class Row:
    code: str
    name: str
    township: str
    complaints: stats.Tally = field(default_factory=stats.Tally)
    disclosed: Disclosed = field(default_factory=Disclosed)


@dataclass
class Figures:
    start: date
    end: date
    threshold: int
    township: Township | None
    total: Row
    townships: list[Row]
    villages: list[Row]


def chosen_township(raw: str | None) -> tuple[Township | None, str | None]:
    """Read ?township=CODE: (township, None), (None, None) for the county, or (None, message)."""
    raw = (raw or "").strip()
    if not raw:
        return None, None
    township = None
    if raw.isascii() and raw.isdigit() and len(raw) == 9:
        township = db.session.scalar(select(Township).where(Township.code == raw))
    if township is None:
        return None, _("There is no such township. The figures below are for the whole county.")
    return township, None


def public_filters(today: date, township_id: int | None = None) -> stats.Filters:
    """The dashboard's filters for the last twelve months, narrowed to what the public may count."""
    start, end = stats.default_period(today)
    return stats.Filters(start, end, township_id, public_statistics_filter(Complaint))


def _disclosed(obligation_list) -> Disclosed:
    out = Disclosed(due=len(obligation_list))
    for ob in obligation_list:
        if ob.state == "ok":
            out.on_time += 1
        elif ob.state == "late":
            out.late += 1
    return out


def public_figures(today: date, township: Township | None = None) -> Figures:
    """Compute the public figures for the county, or for one township."""
    township_id = township.id if township is not None else None
    threshold = public_statistics_min_count()
    report = stats.suppress_small(stats.build(public_filters(today, township_id), today), threshold)
    village_stmt = (select(Village.id, Village.code, Village.name, Village.township_id, Township.name)
                    .join(Township, Township.id == Village.township_id).order_by(Village.code))
    if township_id is not None:
        village_stmt = village_stmt.where(Village.township_id == township_id)
    villages = db.session.execute(village_stmt).all()
    checked = obligations.for_villages([v.id for v in villages], today, township_id=township_id)
    complaints_by_code = {g.key: g.tally for g in report.villages}
    empty = stats.Tally(**{name: stats.shown(0, threshold) for name in stats.COLUMNS})  # a village without cases
    township_disclosed: dict[int, Disclosed] = {}
    total_disclosed = Disclosed()
    rows = []
    for vid, code, name, tid, township_name in villages:
        disclosed = _disclosed(checked.get(vid, []))
        township_disclosed.setdefault(tid, Disclosed()).add(disclosed)
        total_disclosed.add(disclosed)
        rows.append(Row(code, name, township_name, complaints_by_code.get(code, empty), disclosed))
    ids = {t.code: t.id for t in db.session.scalars(select(Township))}
    townships = [Row(g.key, g.name, g.name, g.tally, township_disclosed.get(ids.get(g.key), Disclosed()))
                 for g in report.townships]
    total = Row("", "", "", report.total, total_disclosed)
    return Figures(report.filters.start, report.filters.end, threshold, township, total, townships, rows)


CSV_HEADER = ("level", "code", "name", "township", "received", "accepted", "concluded", "on_time", "overdue",
              "rated", "satisfaction_rate", "disclosures_due", "disclosures_on_time", "disclosures_late",
              "disclosures_missing", "disclosures_on_time_rate")


def csv_rows(figures: Figures):
    """Rows of the CSV download: the county (or township) total, each township, each village."""
    def row(level: str, r: Row):
        t, d = r.complaints, r.disclosed
        return (level, r.code, r.name, r.township, str(t.received), str(t.accepted), str(t.concluded),
                str(t.on_time), str(t.overdue), str(t.rated), "" if t.satisfaction is None else t.satisfaction,
                d.due, d.on_time, d.late, d.missing, "" if d.rate is None else d.rate)

    yield row("township" if figures.township is not None else "county", figures.total)
    if figures.township is None:
        for r in figures.townships:
            yield row("township", r)
    for r in figures.villages:
        yield row("village", r)


def as_json(figures: Figures) -> dict:
    """The figures for the API: suppressed counts as null with "suppressed": true."""
    def counts(t: stats.Tally) -> dict:
        out = {}
        for name in ("received", "accepted", "concluded", "on_time", "overdue", "rated"):
            value = getattr(t, name)
            out[name] = None if isinstance(value, stats.Below) else int(value)
        out["satisfaction_rate"] = t.satisfaction
        return out

    def row(r: Row) -> dict:
        d = r.disclosed
        return {"code": r.code, "name": r.name, "complaints": counts(r.complaints),
                "disclosures": {"due": d.due, "on_time": d.on_time, "late": d.late, "missing": d.missing,
                                "on_time_rate": d.rate}}

    return {
        "period": {"start": figures.start.isoformat(), "end": figures.end.isoformat()},
        "township": figures.township.code if figures.township is not None else None,
        "min_count": figures.threshold,
        "total": row(figures.total) | {"code": None, "name": None},
        "townships": [row(r) for r in figures.townships],
        "villages": [row(r) | {"township": r.township} for r in figures.villages],
    }
