"""The declared shapes of what the record keeps of duty reports and evaluation results, checked when written."""
from typing import Literal, NotRequired, TypedDict


class ReportMeta(TypedDict):
    cadre_name: str | None
    cadre_role: str | None
    period: str | None


class DutyReportContent(TypedDict):
    kind: Literal["duty_report"]
    sections: dict[str, str]  # markdown per section (duties, power, integrity, problems, plans)
    sections_html: dict[str, str]
    meta: NotRequired[ReportMeta]


class ReportResult(TypedDict):
    report_id: int
    title: str
    cadre_name: str | None
    period: str | None
    satisfied: int
    basically_satisfied: int
    dissatisfied: int
    valid: int
    rate: float | None  # per cent satisfied or basically satisfied; None without a valid vote


class EvaluationContent(TypedDict):
    kind: Literal["evaluation"]
    opened_at: str | None
    closed_at: str | None
    voter_count: int
    results: list[ReportResult]
