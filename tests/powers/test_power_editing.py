"""Cadres keep their village's power list: adopt, edit, reorder, retire, add; each change is public and audited."""
from demo_ids import VILLAGE
from sqlalchemy import func, select

from portal.core.audit import AuditEntry
from portal.extensions import db
from portal.powers import editing as power_list
from portal.powers.models import PowerItem

STEPS = ("村委会 | 拟定方案 | 5日 | 方案\n"
         "村监委 | 逐笔审核签章! | 3日 | 审核意见\n"
         "!村民代表会议 | 表决 | 7日 | 决议")
RISKS = "2 | high | 虚列开支 | 村监委逐笔审核\n0 | 低 | 公开不及时 | 次月20日前公开"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _items(village) -> list[PowerItem]:
    db.session.expire_all()
    return power_list.current_items(village)


def _audited(action: str, item_id) -> bool:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_id == str(item_id))) > 0


def _etag(client) -> str:
    return client.get(f"/villages/{VILLAGE}").headers["ETag"]


def _form(item: PowerItem, **changes) -> dict:
    data = {"title": item.title, "category": item.category, "responsible_body": item.responsible_body,
            "responsible_person": item.responsible_person, "responsible_phone": item.responsible_phone,
            "supervisor": item.supervisor, "hotline": item.hotline, "total_time_limit": item.total_time_limit or "",
            "legal_basis": "\n".join(item.legal_basis), "steps": power_list.format_steps(item.steps),
            "risks": power_list.format_risks(item.risks), "note": item.note or "", "reason": "按县里新要求修订"}
    return {k: v or "" for k, v in {**data, **changes}.items()}


def test_step_lines_round_trip_and_mark_risk_points():
    steps = power_list.parse_steps(STEPS)
    assert [s["is_risk_point"] for s in steps] == [False, True, True]
    assert steps[1] == {"seq": 2, "actor_role": "村监委", "action": "逐笔审核签章", "time_limit": "3日",
                        "output_doc": "审核意见", "is_risk_point": True}
    assert power_list.parse_steps(power_list.format_steps(steps)) == steps
    risks = power_list.parse_risks(RISKS, len(steps))
    assert risks == [{"step_seq": 2, "level": "high", "risk": "虚列开支", "control": "村监委逐笔审核"},
                     {"step_seq": 0, "level": "low", "risk": "公开不及时", "control": "次月20日前公开"}]


def test_edit_item_publishes_steps_and_risks(ctx, client, forms, cadre, village):
    item = _items(village)[0]
    etag = _etag(client)
    response = forms.post(f"/publish/powers/{item.id}/edit",
                          _form(item, title="村级重大事项决策（修订）", responsible_person="王小明",
                                responsible_phone="0000-1234567", steps=STEPS, risks=RISKS))
    assert response.status_code == 302
    page = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))
    assert "村级重大事项决策（修订）" in page and "王小明" in page and "逐笔审核签章" in page
    assert 'class="risk"' in page and "虚列开支" in page
    assert _etag(client) != etag
    assert _audited("power_edit", item.id)


def test_bad_step_lines_are_explained_beside_the_field_and_nothing_changes(ctx, client, forms, cadre, village):
    item = _items(village)[0]
    title, steps = item.title, list(item.steps)
    response = forms.post(f"/publish/powers/{item.id}/edit",
                          _form(item, title="不会保存", steps="村委会 | 拟定方案\n只有一个部分\na|b|c|d|e"))
    assert response.status_code == 400 and "error-summary" in _text(response)
    assert "Lines 2, 3 need at least" in _text(response)
    assert "不会保存" in _text(response)  # what was typed stays in the form
    db.session.expire_all()
    assert db.session.get(PowerItem, item.id).title == title and db.session.get(PowerItem, item.id).steps == steps


def test_risk_on_a_missing_step_is_refused(ctx, client, forms, cadre, village):
    item = _items(village)[0]
    response = forms.post(f"/publish/powers/{item.id}/edit",
                          _form(item, steps="村委会 | 拟定方案", risks="5 | high | x | y"))
    assert "with a step that exists" in _text(response)
    assert not _audited("power_edit", item.id)


def test_move_buttons_reorder_the_public_list(ctx, client, forms, cadre, village):
    first, second = _items(village)[:2]
    forms.post(f"/publish/powers/{first.id}/move", {"direction": "down"}, form_url="/publish/powers")
    order = [i.id for i in _items(village)]
    assert order[:2] == [second.id, first.id]
    forms.post(f"/publish/powers/{first.id}/move", {"direction": "up"}, form_url="/publish/powers")
    assert [i.id for i in _items(village)][:2] == [first.id, second.id]
    assert _audited("power_move", first.id)


def test_retire_hides_the_item_and_its_template_can_be_adopted_again(ctx, client, forms, cadre, village):
    item = _items(village)[0]
    assert client.get(f"/villages/{VILLAGE}/powers/{item.id}").status_code == 200
    forms.post(f"/publish/powers/{item.id}/retire", {"reason": "本村不再办理此事项"},
               form_url=f"/publish/powers/{item.id}/retire")
    assert client.get(f"/villages/{VILLAGE}/powers/{item.id}").status_code == 200  # kept, marked retired
    assert f"/powers/{item.id}\"" not in _text(client.get(f"/villages/{VILLAGE}"))
    assert _audited("power_retire", item.id)
    listing = _text(client.get("/publish/powers"))
    assert f"/publish/powers/adopt/{item.template_id}" in listing
    response = forms.post(f"/publish/powers/adopt/{item.template_id}",
                          {"responsible_person": "赵六", "responsible_phone": "0000-7654321",
                           "supervisor": "村监委 李德明", "hotline": "12388"})
    assert response.status_code == 302
    adopted = next(i for i in _items(village) if i.template_id == item.template_id)
    assert adopted.id != item.id and adopted.responsible_person == "赵六" and adopted.steps == item.steps
    assert client.get(f"/villages/{VILLAGE}/powers/{adopted.id}").status_code == 200
    assert _audited("power_adopt", adopted.id)


def test_adopt_all_brings_back_every_missing_county_item(ctx, client, forms, cadre, village):
    retired = _items(village)[:3]
    for item in retired:
        forms.post(f"/publish/powers/{item.id}/retire", {"reason": "合并事项"},
                   form_url=f"/publish/powers/{item.id}/retire")
    count = len(_items(village))
    page = _text(client.get("/publish/powers/adopt-all"))
    assert all(item.title in page for item in retired)
    forms.post("/publish/powers/adopt-all", {"responsible_person": "陈建国", "responsible_phone": "",
                                             "supervisor": "村监委", "hotline": "12388"})
    items = _items(village)
    assert len(items) == count + 3
    assert {i.template_id for i in retired} <= {i.template_id for i in items}
    assert "Every county item is already on your list." in _text(client.get("/publish/powers"))


def test_add_an_item_of_the_village_own(ctx, client, forms, cadre, village):
    response = forms.post("/publish/powers/new", {
        "code": "", "title": "村集体鱼塘承包", "category": "assets", "responsible_body": "村委会",
        "responsible_person": "陈建国", "responsible_phone": "", "supervisor": "村监委", "hotline": "12388",
        "total_time_limit": "30日", "legal_basis": "村规民约", "steps": STEPS, "risks": RISKS, "note": "",
        "reason": "村民代表会议决定新增"})
    assert response.status_code == 302
    item = next(i for i in _items(village) if i.title == "村集体鱼塘承包")
    assert item.template_id is None and item.code == "V-01"
    assert item.sort_order == max(i.sort_order for i in _items(village))
    assert "村集体鱼塘承包" in _text(client.get(f"/villages/{VILLAGE}/powers"))
    assert _audited("power_add", item.id)


def test_the_suggested_hotline_is_the_villages_hotlines_beyond_the_village(ctx, village):
    township, county = village.township, village.township.county
    village.supervision_phone, township.hotline, county.hotline = "0000-5550001", "0000-5550002", "0000-5550003"
    assert power_list.default_contacts(village)["hotline"] == "0000-5550002；0000-5550003；12388"
    township.hotline, county.hotline = None, "0000-5550001"  # the village's own number is not a hotline above it
    assert power_list.default_contacts(village)["hotline"] == "12388"
