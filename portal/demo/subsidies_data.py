"""Demo 一卡通 data: a payment list of 溪口村 with planted anomalies, the county's standard, a relative, a death.

ID numbers are made up (region 339901 does not exist) but carry valid check digits, so the self-check finds them.
"""

VILLAGE = "339901101203"  # 溪口村
ITEM = "耕地地力保护补贴"
STANDARD = {"item_text": ITEM, "amount_text": "868.00", "note_text": "108.5元/亩，每户最多按8亩计"}
COLUMNS = ["序号", "补贴项目", "村民小组", "户主", "身份证号", "计补面积", "标准", "发放金额", "卡号", "代发银行", "发放日期"]


def rows(paid_on: str) -> list[list[str]]:
    """The list's rows; row 5 repeats row 3's ID with another card (duplicate), row 4 is above the standard."""
    return [
        ["1", ITEM, "一组", "郑春生", "339901196203150015", "4.6亩", "108.5元/亩", "499.10", "6222021234560015", "青溪农商行", paid_on],
        ["2", ITEM, "一组", "何秀兰", "339901197508220023", "3.8亩", "108.5元/亩", "412.30", "6222021234560023", "青溪农商行", paid_on],
        ["3", ITEM, "二组", "吴长根", "339901195511200032", "6.0亩", "108.5元/亩", "651.00", "6222021234560032", "青溪农商行", paid_on],
        ["4", ITEM, "二组", "郑小平", "339901198009090046", "12.0亩", "108.5元/亩", "1302.00", "6222021234560046", "青溪农商行", paid_on],
        ["5", ITEM, "二组", "吴长根", "339901195511200032", "6.0亩", "108.5元/亩", "651.00", "6222021234569999", "青溪农商行", paid_on],
        ["6", ITEM, "三组", "吴国华", "339901198804120056", "5.0亩", "108.5元/亩", "542.50", "6222021234560056", "青溪农商行", paid_on],
        ["7", ITEM, "三组", "陈桂英", "339901193801050061", "2.2亩", "108.5元/亩", "238.70", "6222021234560061", "青溪农商行", paid_on],
    ]


# 吴志强 (溪口村 party secretary, account cadre_xikou) declared his son.
RELATIVE = {"name_text": "吴国华", "relation": "child", "id_text": "339901198804120056"}
# 白石镇's civil-affairs list of deaths: 陈桂英 died before the payment.
DECEASED = {"name": "陈桂英", "id_number": "339901193801050061"}

EXPLANATIONS = {
    "duplicate": "吴长根名下误开两张一卡通，第5行为重复录入，已通知镇农办停发并追回。",
    "over_standard": "郑小平承包面积12亩经镇农办复核属实，超标准部分已报县农业农村局审批。",
    "cadre_relative": "吴国华系本人之子，承包面积经村监委逐户核实，本人已回避审核。",
    "deceased": "陈桂英今年去世，其承包地补贴应由继承人申领，已报镇里核实后更正。",
    "other_village": "已与邻村核对。",
}
