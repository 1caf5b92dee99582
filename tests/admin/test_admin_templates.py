"""The county's standard power list, edited in the plain-text step format."""
import pytest

from admin.conftest import audit_actions, field_error, text
from portal.core.errors import PortalError
from portal.extensions import db
from portal.powers.models import PowerItem, PowerTemplate
from portal.powers.steps import format_steps, parse_steps

STEPS = "村委会 | 拟定方案 | 5日 | 方案\n村民代表会议 | 表决! | 7日 | 决议\n村委会 | 公开结果"


def _template(code: str) -> PowerTemplate | None:
    db.session.expire_all()
    return db.session.query(PowerTemplate).filter_by(code=code).one_or_none()


def _payload(**overrides):
    return {"title": "村级公益事业建设", "category": "project", "top_class": "collective",
            "responsible_body": "村委会", "total_time_limit": "30日", "legal_basis": "《村民委员会组织法》\n县文件",
            "steps": STEPS, **overrides}


def test_steps_text_round_trips():
    steps = parse_steps(STEPS)
    assert [s["seq"] for s in steps] == [1, 2, 3]
    assert steps[1]["is_risk_point"] and steps[1]["action"] == "表决"
    assert steps[2]["time_limit"] == "" and steps[2]["output_doc"] == ""
    assert parse_steps(format_steps(steps)) == steps


@pytest.mark.parametrize("bad", ["", "只有一段", "a | b | c | d | e", " | 没有人"])
def test_malformed_steps_are_refused(bad):
    with pytest.raises(PortalError):
        parse_steps(bad)


def test_list_shows_the_demo_templates(admin, client):
    html = text(client.get("/admin/templates"))
    assert "QX-A-01" in html and "村级重大事项决策" in html


def test_add_a_template_item(ctx, admin, forms):
    response = forms.post("/admin/templates/new", {"code": "QX-C-09", **_payload()})
    assert response.status_code == 302
    template = _template("QX-C-09")
    assert template.title == "村级公益事业建设" and template.legal_basis == ["《村民委员会组织法》", "县文件"]
    assert len(template.steps) == 3 and template.steps[1]["is_risk_point"]
    assert "template_create" in audit_actions()


def test_edit_shows_steps_as_text_and_saves_a_new_version(ctx, admin, client, forms):
    template = _template("QX-A-01")
    page = text(client.get(f"/admin/templates/{template.id}"))
    assert "村党组织书记 | 汇总党员群众建议，形成初步方案 | 5日 | 提议记录" in page
    items_before = [i.steps for i in db.session.query(PowerItem).filter_by(template_id=template.id)]
    response = forms.post(f"/admin/templates/{template.id}", _payload(title="村级重大事项决策（修订）",
                                                                      category="decision"))
    assert response.status_code == 302
    changed = _template("QX-A-01")
    assert changed.title == "村级重大事项决策（修订）" and changed.version == 2 and len(changed.steps) == 3
    assert all(r["step_seq"] <= 3 for r in changed.risks)
    # Villages' adopted items are their own published content: untouched.
    assert [i.steps for i in db.session.query(PowerItem).filter_by(template_id=template.id)] == items_before
    assert "template_update" in audit_actions()


@pytest.mark.parametrize("overrides,field", [
    ({"title": ""}, "title"),
    ({"category": "bribery"}, "category"),
    ({"top_class": "other"}, "top_class"),
    ({"steps": ""}, "steps"),
    ({"steps": "村委会 | 拟定方案\n坏的一行"}, "steps"),
    ({"legal_basis": "法" * 300}, "legal_basis"),
])
def test_bad_template_edit_changes_nothing(ctx, admin, forms, overrides, field):
    template = _template("QX-A-01")
    before = (template.title, template.category, list(template.steps), template.version)
    html = text(forms.post(f"/admin/templates/{template.id}", _payload(**overrides)))
    assert field_error(html, field)
    after = _template("QX-A-01")
    assert (after.title, after.category, list(after.steps), after.version) == before


@pytest.mark.parametrize("code", ["", "QX A 01", "QX-A-01"])
def test_bad_new_template_code_adds_nothing(ctx, admin, forms, code):
    before = db.session.query(PowerTemplate).count()
    html = text(forms.post("/admin/templates/new", {"code": code, **_payload()}))
    assert field_error(html, "code")
    assert db.session.query(PowerTemplate).count() == before


def test_bad_steps_message_names_the_line(ctx, admin, forms):
    template = _template("QX-A-01")
    html = text(forms.post(f"/admin/templates/{template.id}", _payload(steps="村委会 | 拟定方案\n坏的一行")))
    assert "2" in html.split('id="steps-error"')[1][:80]
    assert "坏的一行" in html  # what was typed stays in the box
