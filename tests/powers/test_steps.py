"""One step format for county templates and village items: the same limit, the same risk marks."""
import pytest
from sqlalchemy import select

from portal.core.db import write_transaction
from portal.core.errors import PortalError
from portal.extensions import db
from portal.powers import editing, templates
from portal.powers.models import PowerItem
from portal.powers.steps import MAX_STEPS, parse_steps

LONG = "\n".join(f"村委会 | 第{n}步{'!' if n % 5 == 0 else ''} | 1日 | 记录" for n in range(1, 36))


def test_templates_and_village_items_read_steps_with_one_parser():
    assert templates.parse_steps is parse_steps and editing.parse_steps is parse_steps


def test_a_risk_point_may_be_marked_at_either_end_of_the_action_or_the_line():
    steps = parse_steps("!村委会 | 拟定方案\n村监委 | !审核\n村民代表会议 | 表决!\n村委会 | 公开")
    assert [s["is_risk_point"] for s in steps] == [True, True, True, False]
    assert [s["action"] for s in steps] == ["拟定方案", "审核", "表决", "公开"]


def test_more_steps_than_the_limit_are_refused():
    with pytest.raises(PortalError) as refused:
        parse_steps("\n".join(f"村委会 | 第{n}步" for n in range(MAX_STEPS + 1)))
    assert refused.value.field == "steps"


def test_a_35_step_county_template_is_adopted_and_saved_again_by_the_cadre(ctx, app, client, forms, cadre, village):
    with write_transaction():
        template = templates.create_template({
            "code": "QX-Z-35", "title": "村级工程项目全过程管理", "category": "project", "top_class": "collective",
            "responsible_body": "村委会", "total_time_limit": "180日", "legal_basis": "县文件", "steps": LONG})
    assert len(template.steps) == 35 and template.steps[4]["is_risk_point"]
    assert forms.post(f"/publish/powers/adopt/{template.id}", {"responsible_person": "王小明"}).status_code == 302
    item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id,
                                                     PowerItem.template_id == template.id))
    data = {"title": item.title, "category": item.category, "responsible_body": item.responsible_body or "",
            "responsible_person": "王小明", "legal_basis": "县文件", "steps": editing.format_steps(item.steps),
            "risks": "5 | 高 | 围标串标 | 公开招标", "reason": "按县里模板修订"}
    response = forms.post(f"/publish/powers/{item.id}/edit", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(PowerItem, item.id)
    assert len(saved.steps) == 35 and saved.risks[0]["step_seq"] == 5
