"""Demo disclosures and duty reports (DOMAIN.md section 8), fictional."""
from datetime import date

FINANCE_COLUMNS = ["序号", "日期", "凭证号", "摘要", "收入", "支出", "经手人", "审核"]

DISCLOSURES = [
    {   # D1
        "village": "339901101202", "domain": "finance", "kind": "table", "topic": "finance_monthly",
        "title": "上塘村2025年1月财务收支明细", "period_label": "2025年1月",
        "period": (date(2025, 1, 1), date(2025, 1, 31)),
        "columns": FINANCE_COLUMNS,
        "rows": [
            ["1", "2025-01-05", "记-001", "土地租金", "48000.00", "", "周晓燕", "李德明"],
            ["2", "2025-01-12", "记-002", "县级以奖代补", "30000.00", "", "周晓燕", "李德明"],
            ["3", "2025-01-15", "记-003", "村道养护", "", "6800.00", "周晓燕", "李德明"],
            ["4", "2025-01-20", "记-004", "保洁员工资", "", "4500.00", "周晓燕", "李德明"],
            ["5", "2025-01-22", "记-005", "办公用品", "", "680.00", "周晓燕", "李德明"],
            ["6", "2025-01-25", "记-006", "电费", "", "1235.60", "周晓燕", "李德明"],
            ["7", "2025-01-28", "记-007", "代表误工补贴", "", "3500.00", "周晓燕", "李德明"],
        ],
        "notes": "期初余额 312,450.20 元；本期收入 78,000.00 元；本期支出 16,715.60 元；期末余额 373,734.60 元。"
                 "公示期 2025年2月15日至3月15日。监督电话：村监委 李德明。",
    },
    {   # D2
        "village": "339901101202", "domain": "village", "kind": "decision", "topic": "decision",
        "title": "关于村道硬化工程的决议及实施结果", "period_label": "2025年3月",
        "period": (date(2025, 3, 1), date(2025, 3, 31)),
        "decision": {
            "matter": "村道硬化工程（长1.2公里），预算19万元，按规定进镇公共资源交易平台招标",
            "dual_role": True,
            "steps": [
                {"step": "proposal", "date": "2025-02-10", "note": "党员群众建议12条汇总形成方案"},
                {"step": "committees", "date": "2025-02-12", "expected": 7, "present": 7, "for": 7, "against": 0, "abstain": 0},
                {"step": "party_meeting", "date": "2025-02-18", "notice_date": "2025-02-14", "expected": 28, "present": 24, "for": 22, "against": 1, "abstain": 1},
                {"step": "representatives", "date": "2025-02-25", "expected": 35, "present": 31, "for": 28, "against": 2, "abstain": 1, "note": "白石镇联村干部孙浩列席签字"},
                {"step": "resolution_disclosure", "date": "2025-02-26", "posted_from": "2025-02-26", "posted_until": "2025-03-07"},
                {"step": "result_disclosure", "date": "2025-06-20", "note": "中标价 186,000 元，验收合格"},
            ],
        },
    },
    {   # D3
        "village": "339901101203", "domain": "finance", "kind": "table", "topic": "subsidy",
        "title": "溪口村2025年耕地地力保护补贴发放名单", "period_label": "2025年",
        "period": (date(2025, 1, 1), date(2025, 12, 31)),
        "columns": ["序号", "补贴项目", "村民小组", "户主", "身份证号", "计补面积", "标准", "发放金额", "卡号", "代发银行", "发放日期"],
        "rows": [
            ["1", "耕地地力保护补贴", "三组", "郑大山", "339901196805121234", "5.2亩", "108.5元/亩", "564.20", "6222021234566789", "青溪农商行", "2025-06-10"],
            ["2", "耕地地力保护补贴", "三组", "何秀兰", "33990119720303452X", "3.8亩", "108.5元/亩", "412.30", "6222021234561122", "青溪农商行", "2025-06-10"],
            ["3", "耕地地力保护补贴", "四组", "吴长根", "339901195511209876", "6.0亩", "108.5元/亩", "651.00", "6222021234563344", "青溪农商行", "2025-06-10"],
            ["4", "耕地地力保护补贴", "四组", "郑小平", "339901198009091357", "2.4亩", "108.5元/亩", "260.40", "6222021234565566", "青溪农商行", "2025-06-10"],
        ],
        "notes": "身份证号、卡号已按规定脱敏。对名单有异议的，请在公示期内向村监委或镇纪委反映。",
    },
    {   # D4
        "village": "339901102201", "domain": "village", "kind": "table", "topic": "assistance",
        "title": "柳塘村2025年第一季度低保对象名单", "period_label": "2025年第一季度",
        "period": (date(2025, 1, 1), date(2025, 3, 31)),
        "columns": ["序号", "户主姓名", "家庭人口", "月保障金"],
        "rows": [["1", "许某某", "2", "1280.00"], ["2", "蒋某某", "1", "760.00"], ["3", "刘某某", "3", "1650.00"]],
        "notes": "按规定仅公开户主姓名、家庭人口和保障金额。",
    },
    {   # D5
        "village": "339901102202", "domain": "party", "kind": "text", "topic": "party_affairs",
        "title": "新桥村党支部2024年第四季度党务公开", "period_label": "2024年第四季度",
        "period": (date(2024, 10, 1), date(2024, 12, 31)),
        "markdown": "## 发展党员\n\n发展对象公示 1 人（沈某某），公示期 7 天，未收到异议。\n\n"
                    "## 党费收缴\n\n本季度收缴党费 **3,420.00 元**，已全额上缴镇党委。\n\n"
                    "## 组织生活\n\n开展主题党日活动 3 次：\n\n1. 10月：学习村级小微权力清单\n2. 11月：走访困难党员群众\n3. 12月：年度述责述廉准备会",
    },
    {   # D6
        "village": "339901201201", "domain": "village", "kind": "text", "topic": "assets",
        "title": "东山村集体山塘租赁招租结果公告", "period_label": "2025年4月",
        "period": (date(2025, 4, 1), date(2025, 4, 30)),
        "markdown": "经村民代表会议决定，村集体山塘（约 12 亩）在镇产权交易平台公开招租，结果如下：\n\n"
                    "| 项目 | 内容 |\n|---|---|\n| 底价 | 12,000 元/年 |\n| 成交价 | 15,600 元/年 |\n| 租赁期限 | 5 年 |\n| 竞价人数 | 3 人 |\n\n"
                    "公示期 5 日。对结果有异议的，请向村监委或东山乡纪委反映。",
    },
]

# A plain monthly finance notice for every other village, so each village page has content.
def monthly_notice(village_code: str, village_name: str, bookkeeper: str, chair: str) -> dict:
    """A short finance disclosure for villages without a listed demo disclosure."""
    return {
        "village": village_code, "domain": "finance", "kind": "table", "topic": "finance_monthly",
        "title": f"{village_name}2025年2月财务收支明细", "period_label": "2025年2月",
        "period": (date(2025, 2, 1), date(2025, 2, 28)),
        "columns": FINANCE_COLUMNS,
        "rows": [
            ["1", "2025-02-06", "记-011", "集体厂房租金", "26000.00", "", bookkeeper, chair],
            ["2", "2025-02-14", "记-012", "路灯维修", "", "2360.00", bookkeeper, chair],
            ["3", "2025-02-26", "记-013", "保洁员工资", "", "4500.00", bookkeeper, chair],
        ],
        "notes": f"监督电话：村监委 {chair}。",
    }


def _sections(**kw) -> dict:
    return {"sections": kw}


DUTY_REPORTS = [
    {"village": "339901101202", "cadre_name": "陈建国", "cadre_role": "party_secretary", "period": "2024",
     "title": "陈建国2024年度述责述廉报告",
     "content": _sections(
         duties="作为村党组织书记、村委会主任（一肩挑），全面负责村两委工作，完成村道硬化、垃圾分类等年度目标。",
         powers_used="办理小微权力清单事项 **27 件**，其中“四议两公开”决策 4 次，全部按程序公开。",
         funds="经手集体资金 86.4 万元，均经村监委审核、镇代理中心记账。",
         integrity="严格遵守中央八项规定精神；近亲属未承接村级工程，未享受低保等救助。",
         complaints="全年收到群众反映 3 件，均已办结并反馈。",
         shortcomings="部分公开内容更新不够及时。",
         plans="2025年推进村级财务每月公开，完成村道二期工程。",
         pledge="本人承诺依法用权、廉洁履职，接受全体村民监督。"),
     "ratings": {"satisfied": 41, "basically_satisfied": 14, "dissatisfied": 3}},
    {"village": "339901101202", "cadre_name": "李德明", "cadre_role": "supervision_chair", "period": "2024",
     "title": "李德明2024年度村务监督工作报告",
     "content": _sections(
         duties="负责村务监督委员会工作，监督村务、财务公开和重大事项决策。",
         powers_used="列席两委会 11 次，全程监督“四议两公开”4 次。",
         funds="审核凭证 312 张，退回不合规票据 6 张。",
         integrity="未发现本人及近亲属违规受益情况。",
         shortcomings="对工程项目现场监督次数偏少。",
         plans="2025年每季度开展一次财务专项检查。"),
     "ratings": {"satisfied": 45, "basically_satisfied": 11, "dissatisfied": 2}},
    {"village": "339901101203", "cadre_name": "吴志强", "cadre_role": "party_secretary", "period": "2024",
     "title": "吴志强2024年度述责述廉报告",
     "content": _sections(
         duties="负责村党组织全面工作。",
         powers_used="办理清单事项 19 件。",
         complaints="群众反映补贴发放问题 2 件，正在整改。",
         shortcomings="补贴核实把关不严，群众有意见。",
         plans="整改清单公开，逐户复核补贴面积。"),
     "ratings": {"satisfied": 20, "basically_satisfied": 18, "dissatisfied": 15}},
]
