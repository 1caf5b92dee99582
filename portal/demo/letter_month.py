"""A month worth a household letter: 东山村's last month has a decision, a subsidy payment list and a
correction of its finance statement, besides the statement itself (see /villages/<code>/letter)."""
from datetime import date

from sqlalchemy import select

from portal.core.timezone import add_months, month_end
from portal.disclosures.models import Disclosure
from portal.extensions import db
from portal.records import service as records

LETTER_VILLAGE = "339901201201"  # 东山村 (东山乡, whose "ten problems" poll takes proposals now)
SUBSIDY_COLUMNS = ["序号", "补贴项目", "村民小组", "姓名", "身份证号", "发放标准", "发放金额", "银行账号", "发放日期"]
ELDERS = [
    ("一组", "彭老根", "339901193805120017"), ("一组", "董桂英", "339901194011030026"),
    ("二组", "袁福生", "339901193609150031"), ("二组", "彭阿娥", "339901193912240048"),
    ("三组", "董水生", "339901194102050059"), ("三组", "袁银花", "339901193707170062"),
]


def _decision(month: date) -> dict:
    day = lambda d: month.replace(day=d).isoformat()  # noqa: E731
    return {"kind": "decision", "domain": "village", "topic": "decision",
            "decision": {
                "matter": "村集体山塘清淤及护坡工程，预算8.6万元，由村民代表监督施工",
                "dual_role": True,
                "steps": [
                    {"step": "proposal", "date": day(2), "note": "村民小组长提出，两委汇总形成方案"},
                    {"step": "committees", "date": day(3), "expected": 5, "present": 5, "for": 5, "against": 0,
                     "abstain": 0},
                    {"step": "party_meeting", "date": day(8), "notice_date": day(5), "expected": 22, "present": 19,
                     "for": 18, "against": 0, "abstain": 1},
                    {"step": "representatives", "date": day(12), "expected": 30, "present": 26, "for": 24,
                     "against": 1, "abstain": 1},
                    {"step": "resolution_disclosure", "date": day(13), "posted_from": day(13),
                     "posted_until": day(22)},
                    {"step": "result_disclosure", "date": day(26), "note": "比选确定施工单位，合同价 83,500 元"},
                ],
            }}


def _subsidy(month: date) -> dict:
    paid_on = month.replace(day=15).isoformat()
    rows = [[str(n), "高龄老人补贴", group, name, id_number, "200元/月", "200.00", f"62220212345{n:05d}", paid_on]
            for n, (group, name, id_number) in enumerate(ELDERS, start=1)]
    return {"kind": "table", "domain": "finance", "topic": "subsidy", "columns": SUBSIDY_COLUMNS, "rows": rows,
            "notes": "补贴资金由县财政通过一卡通直接发放到本人账户。监督电话：村监委 董玉珍。"}


def seed_letter_month(villages: dict, cadre_of: dict, today: date, *, disclosure_content) -> None:
    """Publish last month's decision and subsidy list in 东山村 and correct its statement (inside the seeding
    transaction)."""
    village = villages.get(LETTER_VILLAGE)
    if village is None:
        return
    user = cadre_of.get(village.id)
    month = add_months(today.replace(day=1), -1)
    label = f"{month.year}年{month.month}月"
    for spec, title in ((_decision(month), f"关于{village.name}山塘清淤工程的决议"),
                        (_subsidy(month), f"{village.name}{label}高龄老人补贴发放名单")):
        disclosure = Disclosure(village=village, domain=spec["domain"], kind=spec["kind"], topic=spec["topic"],
                                title=title, period_label=label, period_start=month, period_end=month_end(month),
                                created_by_id=user.id if user else None)
        db.session.add(disclosure)
        db.session.flush()
        content = disclosure_content(spec)
        disclosure.breach_count = len(content.get("breaches", []))
        records.publish(disclosure, subject_type="disclosure", content=content, title=title, reason=None,
                        user_id=user.id if user else None)
        db.session.flush()
    statement = db.session.scalar(select(Disclosure).where(
        Disclosure.village_id == village.id, Disclosure.topic == "finance_monthly", Disclosure.period_start == month))
    if statement is None:
        return
    content = statement.current_revision.content
    rows = [list(r) for r in content["rows"]]
    expense = content["columns"].index("支出")
    fixed = next(r for r in rows if r[expense])
    fixed[expense] = f"{float(fixed[expense].replace(',', '')) + 120:.2f}"
    corrected = disclosure_content({"kind": "table", "columns": content["columns"], "rows": rows,
                                    "notes": "更正：村道养护支出漏记材料费 120 元。"})
    if content.get("meta"):
        corrected["meta"] = content["meta"]
    records.publish(statement, subject_type="disclosure", content=corrected, title=statement.title,
                    reason="村道养护支出漏记材料费 120 元，按原始凭证更正", user_id=user.id if user else None)
    db.session.flush()
