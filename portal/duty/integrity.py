"""Check published duty reports and evaluation results against the village's chain (called by `verify`)."""
from sqlalchemy import func, select

from portal.duty.evaluation_service import tally
from portal.duty.models import BallotCode, DutyReport, EvaluationRound
from portal.duty.results import SUBJECT, latest_counts, results_of_report
from portal.extensions import db
from portal.places.models import Village
from portal.records.chain import BrokenLink
from portal.records.integrity import check_subjects, compare_fields, revisions_by_subject


def check_published(village: Village) -> list[BrokenLink]:
    problems = check_subjects(village, "duty_report", DutyReport, "duty report")
    for subject_id, revisions in revisions_by_subject(village, "duty_report").items():
        report, last = db.session.get(DutyReport, subject_id), revisions[-1]
        recorded = (last.content or {}).get("meta")
        if report is not None and recorded is not None:
            shown = {"cadre_name": report.cadre_name, "cadre_role": report.cadre_role, "period": report.period}
            problems += compare_fields(village, last, f"duty report {subject_id}", shown, recorded)
    return problems + _check_rounds(village)


def _check_rounds(village: Village) -> list[BrokenLink]:
    problems: list[BrokenLink] = []
    chained = revisions_by_subject(village, SUBJECT)
    rounds = {r.id: r for r in db.session.scalars(select(EvaluationRound).where(
        (EvaluationRound.village_id == village.id) | EvaluationRound.id.in_(list(chained))))}
    for round_id, revisions in chained.items():
        first = revisions[0]
        if len(revisions) > 1:
            problems.append(BrokenLink(village.code, revisions[-1].chain_seq, revisions[-1].id,
                                       f"evaluation round {round_id} has {len(revisions)} published results"))
        rnd = rounds.get(round_id)
        if rnd is None or rnd.village_id != village.id or rnd.closed_at is None:
            problems.append(BrokenLink(village.code, first.chain_seq, first.id,
                                       f"evaluation round {round_id} is published but its round is gone, "
                                       "moved or reopened"))
            continue
        has_codes = db.session.scalar(select(func.count()).select_from(BallotCode)
                                      .where(BallotCode.round_id == rnd.id))
        if has_codes:
            counted = tally(rnd)
            for entry in (first.content or {}).get("results") or []:
                recount = counted.get(entry.get("report_id"))
                if recount is None or any(recount.get(k) != entry.get(k) for k in recount):
                    problems.append(BrokenLink(village.code, first.chain_seq, first.id,
                                               f"evaluation round {round_id}: the votes in the database no longer "
                                               f"add up to the published result of report {entry.get('report_id')}"))
    for rnd in rounds.values():
        if rnd.village_id == village.id and rnd.closed_at is not None and rnd.id not in chained:
            problems.append(BrokenLink(village.code, None, None,
                                       f"evaluation round {rnd.id} is closed but its result is not in the chain"))
    for report in db.session.scalars(select(DutyReport).where(DutyReport.village_id == village.id,
                                                              DutyReport.rating_counts.is_not(None))):
        results = results_of_report(report)
        newest = latest_counts(results[0][1]) if results else None
        if newest != report.rating_counts:
            revision = results[0][0] if results else None
            problems.append(BrokenLink(village.code, revision.chain_seq if revision else None,
                                       revision.id if revision else None,
                                       f"duty report {report.id} shows evaluation figures {report.rating_counts} "
                                       f"that differ from the published result {newest}"))
    return problems
