"""Each evaluation round's result as its own entry in the village's chain.

A round's result is published once, when it closes, and never changed: a
later round adds its own entry, so the public sees every round's figures.
The report row keeps the latest figures only as a convenience, checked by
`verify` against the chain.
"""
from sqlalchemy import select

from portal.duty.models import DutyReport, EvaluationRound
from portal.duty.shapes import EvaluationContent
from portal.extensions import db
from portal.records import chain
from portal.records.models import PublishedRevision

SUBJECT = "evaluation"


def _moment(value) -> str | None:
    return chain._utc_text(value) if value else None


def result_content(rnd: EvaluationRound, results: dict[int, dict]) -> dict:
    """What the chain records of a closed round: when it ran, how many could vote, each report's figures."""
    reports = {r.id: r for r in db.session.scalars(select(DutyReport).where(DutyReport.id.in_(list(results))))}
    return {
        "kind": "evaluation", "opened_at": _moment(rnd.opened_at), "closed_at": _moment(rnd.closed_at),
        "voter_count": rnd.voter_count,
        "results": [{"report_id": rid, "title": reports[rid].title, "cadre_name": reports[rid].cadre_name,
                     "period": reports[rid].period, **{k: results[rid].get(k) for k in sorted(results[rid])}}
                    for rid in sorted(results) if rid in reports],
    }


def publish_result(rnd: EvaluationRound, results: dict[int, dict], user_id: int | None = None) -> PublishedRevision:
    """Append the round's result to the village's chain (call inside a write transaction)."""
    revision = chain.append(rnd.village, subject_type=SUBJECT, subject_id=rnd.id, number=1, title=rnd.title,
                            content=result_content(rnd, results), shape=EvaluationContent, reason=None,
                            user_id=user_id)
    for report in db.session.scalars(select(DutyReport).where(DutyReport.id.in_(list(results)))):
        report.rating_counts = results[report.id]
    return revision


def results_of_report(report: DutyReport) -> list[tuple[PublishedRevision, dict]]:
    """Every published round result for a report, newest first, read from the chain."""
    found = []
    for revision in db.session.scalars(
            select(PublishedRevision).where(PublishedRevision.village_id == report.village_id,
                                            PublishedRevision.subject_type == SUBJECT)
            .order_by(PublishedRevision.chain_seq.desc())):
        for entry in (revision.content or {}).get("results") or []:
            if entry.get("report_id") == report.id:
                found.append((revision, entry))
    return found


def latest_counts(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k not in ("report_id", "title", "cadre_name", "period")}
