"""The declared shape of a disclosure revision's content, one per kind, checked when it is published."""
from typing import Any, Literal, NotRequired, TypedDict


class RecordedMeta(TypedDict):
    """The category, topic and period a revision is shown under."""

    domain: str | None
    topic: str | None
    period_label: str | None
    period_start: str | None  # ISO date
    period_end: str | None


class TextContent(TypedDict):
    kind: Literal["text"]
    markdown: str
    html: str
    format: NotRequired[Literal["plain", "markdown"]]
    meta: NotRequired[RecordedMeta]


class TableCheck(TypedDict, total=False):
    code: str
    column: str
    stated: str
    computed: str
    opening: str
    income: str
    expense: str
    closing: str


class TableContent(TypedDict):
    kind: Literal["table"]
    columns: list[str]
    rows: list[list[str | int | float | None]]
    totals: dict[str, Any]
    masked: dict[str, int]
    dropped_columns: list[str]
    checks: NotRequired[list[TableCheck]]
    notes: NotRequired[str]
    notes_html: NotRequired[str]
    meta: NotRequired[RecordedMeta]


# One 四议两公开 step as the record keeps it ("for" is a Python keyword, hence this form).
DecisionStep = TypedDict("DecisionStep", {
    "step": str, "date": NotRequired[str], "notice_date": NotRequired[str], "posted_from": NotRequired[str],
    "posted_until": NotRequired[str], "expected": NotRequired[int], "present": NotRequired[int],
    "for": NotRequired[int], "against": NotRequired[int], "abstain": NotRequired[int], "note": NotRequired[str],
})


class Breach(TypedDict):
    step: str | None
    code: str


class DecisionContent(TypedDict):
    kind: Literal["decision"]
    matter: str
    dual_role: bool
    steps: list[DecisionStep]
    implemented: NotRequired[bool]
    breaches: list[Breach]
    meta: NotRequired[RecordedMeta]


class FileEntry(TypedDict):
    id: int
    name: str
    mime: str
    size: int
    sha256: str


class AttachmentContent(TypedDict):
    kind: Literal["attachment"]
    description: str
    description_html: str
    files: list[FileEntry]
    meta: NotRequired[RecordedMeta]


DisclosureContent = TextContent | TableContent | DecisionContent | AttachmentContent
