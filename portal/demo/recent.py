"""The demo county's recent months, seeded relative to today.

The fixed demo stories (content_data, complaints/demo) are set in early 2025; on their own,
a demo opened later shows every village a year behind. This module adds what a working
county has by today: twelve months of finance statements and four quarters of village and
party affairs for every village (mostly on time, one late, a few recent gaps), last year's
duty reports, one evaluation round running now and one "ten problems" poll taking proposals.
"""
from datetime import UTC, date, datetime, time, timedelta

from portal.core.sanitize import render_markdown
from portal.core.timezone import local_zone, month_end, months_back
from portal.demo import content_data
from portal.disclosures.models import Disclosure
from portal.duty import evaluation_service
from portal.duty.models import DutyReport
from portal.extensions import db
from portal.polls import service as polls_service
from portal.records import service as records

MONTHS = 13
# Villages that have not published their newest due finance statement(s): 1 = the newest due one.
GAPS = {"339901101202": {1}, "339901201203": {1, 2}}
# (village, months back) published after the 20th of the next month: late.
LATE = {("339901102202", 4), ("339901201202", 7)}
# Last year's duty report not yet published (due by the end of March). 上塘村's reports are the
# fixed demo stories the evaluation examples use.
NO_DUTY_REPORT = {"339901201203", "339901101202"}
ROUND_VILLAGE = "339901102201"  # 柳塘村: an evaluation round open now
POLL_TOWNSHIP = "339901201"  # 东山乡: a "ten problems" poll taking proposals now


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=local_zone()).astimezone(UTC)


def _publish(subject, content: dict, title: str, user, on: date) -> None:
    records.publish(subject, subject_type="disclosure" if isinstance(subject, Disclosure) else "duty_report",
                    content=content, title=title, reason=None, user_id=user.id if user else None)
    # The chain's record of when it was published is the truth (verify checks it): no backdating.
    del on
    db.session.flush()


def _statement(village, bookkeeper: str, chair: str, start: date) -> dict:
    label = f"{start.year}年{start.month}月"
    day = lambda d: start.replace(day=d).isoformat()  # noqa: E731
    rent = 26000 + (start.month * 1370) % 9000
    return {
        "village": village.code, "domain": "finance", "kind": "table", "topic": "finance_monthly",
        "title": f"{village.name}{label}财务收支明细", "period_label": label, "period": (start, month_end(start)),
        "columns": content_data.FINANCE_COLUMNS,
        "rows": [
            ["1", day(6), f"记-{start.month:02d}1", "集体资产租金", f"{rent}.00", "", bookkeeper, chair],
            ["2", day(14), f"记-{start.month:02d}2", "村道养护", "", f"{1800 + start.month * 110}.00", bookkeeper,
             chair],
            ["3", day(26), f"记-{start.month:02d}3", "保洁员工资", "", "4500.00", bookkeeper, chair],
        ],
        "notes": f"监督电话：村监委 {chair}。",
    }


def _text(village, domain: str, topic: str, title: str, start: date, end: date, body: str) -> tuple:
    disclosure = Disclosure(village=village, domain=domain, kind="text", topic=topic, title=title,
                            period_label=title[len(village.name):], period_start=start, period_end=end)
    return disclosure, {"kind": "text", "markdown": body, "html": render_markdown(body)}


def seed_recent(villages: dict, cadre_of: dict, people: dict, today: date, handlers: dict, *,
                disclosure_content, duty_content) -> None:
    """Add the recent months (call inside the seeding transaction), with the seeder's content builders."""

    this_month = today.replace(day=1)
    # Last month's statement is due on the 20th of this month; before that, the newest due is the one before.
    newest_due = 1 if today >= this_month.replace(day=20) else 2
    for code, village in villages.items():
        user = cadre_of.get(village.id)
        _secretary, chair, bookkeeper = people[code]
        for back in range(1, MONTHS + 1):
            start = months_back(this_month, back)
            due = (month_end(start) + timedelta(days=1)).replace(day=20)
            if back - newest_due + 1 in GAPS.get(code, ()):
                continue
            on = due + timedelta(days=9) if (code, back) in LATE else min(due - timedelta(days=8), today)
            spec = _statement(village, bookkeeper, chair, start)
            disclosure = Disclosure(village=village, domain="finance", kind="table", topic="finance_monthly",
                                    title=spec["title"], period_label=spec["period_label"], period_start=start,
                                    period_end=month_end(start), created_by_id=user.id if user else None)
            db.session.add(disclosure)
            db.session.flush()
            _publish(disclosure, disclosure_content(spec), spec["title"], user, on)
        for back in range(3, MONTHS + 1, 3):  # the last four finished quarters
            q_start = months_back(this_month, back)
            q_start = q_start.replace(month=(q_start.month - 1) // 3 * 3 + 1)
            q_end = month_end(q_start.replace(month=q_start.month + 2))
            on = min(q_end + timedelta(days=12), today)
            if on > today or q_end >= today:
                continue
            quarter = (q_start.month - 1) // 3 + 1
            for domain, topic, what, body in (
                    ("village", "village_affairs", "村务公开",
                     f"本季度召开村民代表会议 {quarter + 1} 次，议定事项均已按“四议两公开”程序公开。"),
                    ("party", "party_affairs", "党务公开",
                     f"本季度发展党员 {quarter % 2} 名，党费收缴 {1200 + quarter * 35} 元，主题党日 3 次。")):
                title = f"{village.name}{q_start.year}年第{quarter}季度{what}"
                disclosure, content = _text(village, domain, topic, title, q_start, q_end, body)
                disclosure.created_by_id = user.id if user else None
                db.session.add(disclosure)
                db.session.flush()
                _publish(disclosure, content, title, user, on)
        last_year = today.year - 1
        if code not in NO_DUTY_REPORT and date(today.year, 3, 31) <= today:
            secretary = _secretary
            report = DutyReport(village=village, cadre_name=secretary, cadre_role="party_secretary",
                                period=str(last_year), title=f"{secretary}{last_year}年度述责述廉报告",
                                created_by_id=user.id if user else None)
            db.session.add(report)
            db.session.flush()
            sections = {"duties": f"{last_year}年全面负责村两委工作，完成年度目标任务。",
                        "powers_used": "小微权力清单事项均按流程办理并公开。",
                        "integrity": "严格遵守廉洁自律各项规定，无违规收受礼金情况。",
                        "problems": "集体经济增收渠道仍然偏少。", "plans": "推进闲置资产盘活，按月公开财务。"}
            records.publish(report, subject_type="duty_report", content=duty_content(sections), title=report.title,
                            reason=None, user_id=user.id if user else None)
            db.session.flush()
    _running_round(villages[ROUND_VILLAGE], handlers.get(villages[ROUND_VILLAGE].township.code), today)
    _open_poll(villages, handlers.get(POLL_TOWNSHIP), today)


def _running_round(village, handler, today: date) -> None:
    reports = evaluation_service.published_reports(village)
    if handler is None or not reports:
        return
    closes = datetime.combine(today + timedelta(days=5), time(18), tzinfo=local_zone())
    evaluation_service.open_round(handler, village, title=f"{village.name}{today.year}年述责述廉民主测评",
                                  report_ids=[r.id for r in reports], closes_at=closes, voter_count=60)


def _open_poll(villages: dict, handler, today: date) -> None:
    if handler is None:
        return
    township = handler.township
    poll = polls_service.create(handler, township, year=today.year,
                                title=f"{township.name}{today.year}年群众最不满意的10件事",
                                proposals_from=today - timedelta(days=10), proposals_until=today + timedelta(days=20),
                                voting_from=today + timedelta(days=25), voting_until=today + timedelta(days=40))
    db.session.flush()
    for title in ("村道路灯坏了半年没人修", "垃圾清运不及时", "低保评定过程不公开"):
        polls_service.propose(poll, title, None, today)
