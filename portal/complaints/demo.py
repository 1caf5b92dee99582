"""Demo complaints C1–C8 (DOMAIN.md section 8), mapped to the portal's statuses, and C9 (a lead with C2)."""
import json
import re
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import select

from portal.accounts.models import User
from portal.complaints import handling, notify, routing, tracking, workflow
from portal.complaints.events import add_event
from portal.complaints.models import Complaint, ComplaintEvent
from portal.complaints.numbering import new_reference, next_case_number
from portal.complaints.receipts import hash_receipt, new_receipt
from portal.core.crypto import encrypt_text
from portal.core.roles import Status
from portal.core.timezone import local_today as today
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem

CST = timezone(timedelta(hours=8))

# One case per dict; contact None means anonymous.
# ``steps``: (day, kind, actor, to_status or None, body); status transitions in order.
CASES = [
    {"key": "C8", "filed": "2024-09-12", "channel": "letter", "contact": None, "village": "339901201203",
         "about": "书记 谢国强",
         "category": "integrity", "description": "反映村党组织书记谢国强在村集体山塘发包过程中收受承包人礼金。",
         "steps": [("2024-09-18", "status", "handler_dongshan", Status.ACCEPTED, None),
                ("2024-09-20", "status", "handler_dongshan", Status.IN_PROGRESS, None),
                ("2024-11-08", "status", "handler_dongshan", Status.CONCLUDED,
                 "经核查，反映谢国强收受礼金问题不属实。")],
         "finding": "untrue", "disposal_mode": "close", "archived": "2024-11-30",
         "clarification": "经核查，反映谢国强收受礼金问题不属实，已在村民代表会议上予以澄清正名。"},
    {"key": "C6", "filed": "2024-10-08", "channel": "portal", "contact": {"name": "罗某某", "phone": "13900000006"},
         "village": "339901102203", "about": "书记 高志远", "category": "mass_discipline",
         "description": "低保评定优亲厚友，书记高志远的亲属不符合条件却享受低保。",
         "steps": [("2024-10-12", "status", "handler_liutang", Status.ACCEPTED, None),
                ("2024-10-15", "status", "handler_liutang", Status.IN_PROGRESS, None),
                ("2025-01-03", "status", "handler_liutang", Status.CONCLUDED,
                 "经核查，反映问题部分属实：1户低保对象不符合条件，已取消并追回资金；其余2户符合条件。"),
                ("2025-01-06", "rating", None, None, "dissatisfied"),
                ("2025-01-10", "status", None, Status.UNDER_REVIEW,
                 "还有1户亲属隐瞒了家庭收入，我补充了新的证据材料，请县纪委复查。")],
         "finding": "partly_true", "disposal_mode": "preliminary_check"},
    {"key": "C5", "filed": "2024-11-05", "channel": "letter", "contact": {"name": "许某某", "phone": "0000-1230555"},
         "village": "339901102201", "about": "村委会", "category": "disclosure_failure",
         "description": "柳塘村2024年7月至9月的财务收支一直没有在公开栏公布。",
         "steps": [("2024-11-08", "status", "handler_liutang", Status.ACCEPTED, None),
                ("2024-11-11", "status", "handler_liutang", Status.IN_PROGRESS, None),
                ("2024-12-20", "status", "handler_liutang", Status.CONCLUDED,
                 "经核实，反映属实。已责令柳塘村补公开2024年7—9月财务收支，并对相关人员批评教育。"),
                ("2024-12-23", "rating", None, None, "satisfied")],
         "finding": "true", "disposal_mode": "close"},
    {"key": "C7", "filed": "2024-12-01", "channel": "county", "contact": {"name": "蔡某某", "phone": "13900000007"},
         "village": "339901201202", "about": "书记 潘德福", "category": "collective_assets",
         "description": "茶园村集体林地低价发包给书记潘德福的亲戚，租金未入账。",
         "steps": [("2024-12-01", "status", "county_handler", Status.ACCEPTED, None),
                ("2024-12-01", "assignment", "county_handler", None, "交办东山乡纪委，2025年1月30日前办结并报告结果。"),
                ("2024-12-05", "status", "handler_dongshan", Status.IN_PROGRESS, None),
                ("2025-02-05", "note", "county_handler", None,
                 "督办：已超过办结期限，请于2025年2月15日前报告办理情况。")],
         "disposal_mode": "preliminary_check"},
    {"key": "C4", "filed": "2025-01-15", "channel": "phone", "contact": {"name": "刘某某", "phone": "13900000004"},
         "village": "339901102201", "about": "邻居宅基地边界", "category": "grievance",
         "description": "邻居建房占了我家宅基地的边界，村里调解不成。",
         "steps": [("2025-01-20", "status", "handler_liutang", Status.DECLINED,
                 "宅基地边界纠纷属于邻里纠纷，不属于纪检监察机关受理范围。请向柳塘镇人民调解委员会或镇人民政府申请调解。")]},
    {"key": "C2", "filed": "2025-02-10", "channel": "visit", "contact": {"name": "何某某", "phone": "13900000002"},
         "sms": True,  # chose a text message when the case has news
         "village": "339901101203", "about": "村主任 郑海", "category": "subsidy_fraud",
         "description": "村主任郑海的亲属没有种地，却领取了耕地地力保护补贴。",
         "steps": [("2025-02-14", "status", "handler_baishi", Status.ACCEPTED, None),
                ("2025-02-17", "status", "handler_baishi", Status.IN_PROGRESS, None),
                ("2025-02-20", "question", "handler_baishi", None, "请问您是否有补贴发放名单的照片或其他材料？"),
                ("2025-02-21", "answer", None, None, "有，我在村公示栏拍了照片，明天到镇纪委送材料。")],
         "disposal_mode": "preliminary_check"},
    {"key": "C3", "filed": "2025-02-20", "channel": "portal", "contact": {"name": "方某某", "phone": "13900000003"},
         "village": "339901101201", "about": "镇纪委书记 赵敏", "category": "retaliation", "concerns": True,
         "description": "我向镇纪委反映问题后，被威胁取消低保，怀疑是镇纪委书记赵敏泄露了我的信息。",
         "steps": [("2025-02-24", "status", "county_handler", Status.ACCEPTED, None)]},
    # Same village and same person as C2 within 90 days: the handler sees the two as one lead (线索).
    {"key": "C9", "filed": "2025-03-10", "channel": "portal", "contact": None, "village": "339901101203",
         "about": "村主任郑海", "category": "subsidy_fraud",
         "description": "溪口村耕地地力保护补贴名单上有村主任郑海家里早已不种地的亲戚，补贴打到了他们的一卡通。",
         "steps": []},
    {"key": "C1", "filed": "2025-03-02", "channel": "portal", "contact": None, "village": "339901101202",
         "about": "村委会",
         "category": "project_tender", "description": "村道工程拆成3段分别发包，每段都在招标限额以下，规避公开招标。",
         "power_item": "QX-B-01", "step": 2, "steps": []},
]


# The stories above were written as of this day (a Monday). Seeding moves every date by whole
# weeks so that it lies as far behind today as it lay behind the anchor: the demo always shows
# fresh cases, cases on time and one that is late, never cases hundreds of days overdue.
ANCHOR = date(2025, 3, 17)
_offset: ContextVar[timedelta] = ContextVar("demo_offset", default=timedelta(0))
# 2025年1月30日 | 2024年7月至9月, 2024年7—9月 | 2025年1月 (one pass, so nothing moves twice)
_DATES = re.compile(r"(\d{4})年(\d{1,2})(?:月(\d{1,2})日|(月?[至—-])(\d{1,2})月|月)")


def offset_for(today_: date) -> timedelta:
    """Whole weeks from the anchor to today (weekdays, and so working days, stay as written)."""
    return timedelta(days=max((today_ - ANCHOR).days, 0) // 7 * 7)


def _months(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def shift_text(text: str | None) -> str | None:
    """Move the dates written in a story's text by the same offset as its timestamps."""
    offset = _offset.get()
    if not text or not offset:
        return text
    by = round(offset.days / 30.4375)

    def move(m):
        year, month = int(m[1]), int(m[2])
        if m[3]:
            moved = date(year, month, int(m[3])) + offset
            return f"{moved.year}年{moved.month}月{moved.day}日"
        y, a = _months(year, month, by)
        if m[4]:
            return f"{y}年{a}{m[4]}{_months(year, int(m[5]), by)[1]}月"
        return f"{y}年{a}月"

    return _DATES.sub(move, text)


def _at(day: str, hour: int = 9) -> datetime:
    moved = datetime.fromisoformat(day) + _offset.get()
    return moved.replace(hour=hour, tzinfo=CST).astimezone(UTC)


TIMESTAMPS = ("accepted_at", "replied_at", "concluded_at", "review_requested_at", "escalated_at", "rated_at")


def _create(spec: dict, villages: dict, users: dict) -> Complaint:
    village = villages[spec["village"]]
    filed = _at(spec["filed"])
    item = None
    if spec.get("power_item"):
        item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id,
                                                         PowerItem.code == spec["power_item"]))
    contact = spec["contact"]
    concerns = spec.get("concerns", False)
    # Routed as intake routes: a case the county received itself starts there, its assignment step moves it down.
    level, reason = routing.route(village.township_id, spec["category"], concerns, channel=spec["channel"])
    complaint = Complaint(
        case_number=next_case_number(village.township.county.code, filed.astimezone(CST).year),
        public_reference=new_reference(filed.astimezone(CST).year),
        # A fresh random receipt, hashed and forgotten: demo receipts are never shown anywhere.
        receipt_hash=hash_receipt(new_receipt()), village_id=village.id, township_id=village.township_id,
        handling_level=level, escalation_reason=reason,
        escalated_at=filed + timedelta(days=1) if reason else None,
        category=spec["category"], about=spec["about"], description=shift_text(spec["description"]),
        concerns_township_officials=concerns, anonymous=contact is None, sms_opt_in=bool(spec.get("sms")),
        contact_encrypted=encrypt_text(json.dumps(contact, ensure_ascii=False)) if contact else None,
        channel=spec["channel"], status=Status.RECEIVED, received_at=filed,
        power_item_id=item.id if item else None, power_step_seq=spec.get("step") if item else None,
    )
    db.session.add(complaint)
    add_event(complaint, "status", None, to_status=Status.RECEIVED).at = filed
    db.session.flush()
    dated = []
    for day, kind, username, to_status, body in spec["steps"]:
        dated.append(_replay(complaint, _at(day, 10), kind, users.get(username), to_status, shift_text(body), spec))
    # Dates are set afterwards: the rules (e.g. the 30-day review window) judge the replay as happening now.
    for at, event, changed in dated:
        event.at = at
        for name in changed:
            setattr(complaint, name, at)
    if spec.get("archived"):
        complaint.archived_at = _at(spec["archived"])
    return complaint


def _replay(c: Complaint, at: datetime, kind: str, actor, to_status, body, spec: dict):
    """Replay one historical step through the real services; return what to date, and when."""
    before = {name: getattr(c, name) for name in TIMESTAMPS}
    if kind == "status" and actor is None:
        event = tracking.request_review(c, body)
    elif kind == "status":
        details = {"reply": body, "finding": spec.get("finding"), "disposal_mode": spec.get("disposal_mode"),
                   "clarification": spec.get("clarification")}
        event = workflow.transition(c, to_status, actor, **details)
    elif kind == "rating":
        event = tracking.rate(c, body)
    elif kind == "answer":
        event = tracking.answer(c, body)
    elif kind == "assignment":
        routing.assign_to_township(c, actor, body)
        event = db.session.scalars(select(ComplaintEvent).where(ComplaintEvent.complaint_id == c.id)
                                   .order_by(ComplaintEvent.id.desc()).limit(1)).first()
    elif kind == "note":
        event = handling.add_note(c, actor, body)
    else:
        event = handling.send_message(c, actor, body, question=kind == "question")
    db.session.flush()
    return at, event, [name for name in TIMESTAMPS if getattr(c, name) != before[name]]


def seed_complaints(today_: date | None = None) -> int:
    """Load the demo complaints through the workflow, without e-mail (the caller commits).

    Their dates move with today (``offset_for``); pass ``today_=ANCHOR`` for the stories as written.
    """
    villages = {v.code: v for v in db.session.scalars(select(Village))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    token = _offset.set(offset_for(today_ or today()))
    try:
        with notify.muted():
            for spec in sorted(CASES, key=lambda s: s["filed"]):
                _create(spec, villages, users)
    finally:
        _offset.reset(token)
    db.session.flush()
    return len(CASES)
