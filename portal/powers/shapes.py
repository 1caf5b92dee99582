"""The declared shape of a power item's revision content (a full copy of the item), checked when written."""
from typing import Literal, NotRequired, TypedDict


class Step(TypedDict):
    seq: int
    actor_role: str
    action: str
    time_limit: NotRequired[str | None]
    output_doc: NotRequired[str | None]
    is_risk_point: NotRequired[bool]


class Risk(TypedDict):
    step_seq: int | None  # None: a risk of the whole item
    level: NotRequired[str | None]
    risk: str
    control: str


class DisclosureRule(TypedDict, total=False):
    what: str
    when: str | None
    where: str | None
    min_days_posted: int | None


class PowerItemContent(TypedDict):
    kind: Literal["power_item"]
    code: str
    title: str
    category: str
    top_class: str
    legal_basis: list[str]
    responsible_body: str
    eligibility: str | None
    materials: list[str]
    steps: list[Step]
    total_time_limit: str | None
    disclosure_rules: list[DisclosureRule]
    risks: list[Risk]
    accountability: str | None
    note: str | None
    responsible_person: str | None
    responsible_phone: str | None
    supervisor: str | None
    hotline: str | None
    retired: bool
