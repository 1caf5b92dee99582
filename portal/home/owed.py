"""What the village still owes the public, each with a link that starts it with the form filled in."""
from dataclasses import dataclass

from flask import url_for

from portal.core.labels import label
from portal.core.timezone import local_today
from portal.disclosures.periods import derive_label
from portal.oversight import obligations

# obligation kind → (disclosure kind, domain, topic)
STARTS = {
    "finance_monthly": ("table", "finance", "finance_monthly"),
    "village_affairs": ("text", "village", "village_affairs"),
    "party_affairs": ("text", "party", "party_affairs"),
}
# A fresh village owes a year of everything: the first screen shows this many, the rest fold away.
SHOWN = 5


@dataclass(frozen=True)
class Owed:
    obligation: obligations.Obligation
    period_label: str
    start_url: str


def owed(village) -> list[Owed]:
    """The village's missing disclosures and duty reports, the most recent first."""
    missing = [o for o in obligations.for_village(village.id, local_today()) if o.state == "missing"]
    return [Owed(o, derive_label(o.start, o.end), _start_url(village, o)) for o in reversed(missing)]


def _start_url(village, ob) -> str:
    period = derive_label(ob.start, ob.end)
    if ob.kind == "duty_report":
        return url_for("duty_manage.report_new", period=str(ob.start.year))
    kind, domain, topic = STARTS[ob.kind]
    return url_for("disclosures_manage.disclosure_new", kind=kind, domain=domain, topic=topic,
                   period_start=ob.start.isoformat(), period_end=ob.end.isoformat(),
                   title=f"{village.name}{period}{label('topic', topic)}")
