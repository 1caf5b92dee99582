"""The power-item step editor: rows with add, remove and reorder by plain form posts, and a preview first."""
import re
from html import unescape

from demo_ids import VILLAGE

from portal.extensions import db
from portal.powers import editing as power_list
from portal.powers import step_rows
from portal.powers.models import PowerItem


def _text(response) -> str:
    return response.get_data(as_text=True)


def _fields(page: str) -> dict:
    """The named inputs of the editor form as a browser would submit them (ticked boxes only)."""
    form = page.split('<form method="post" novalidate', 1)[1].split("</form>", 1)[0]
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        if 'type="checkbox"' in tag and " checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[name] = unescape(body).lstrip("\n")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body) or re.search(r'value="([^"]*)"', body)
        data[name] = unescape(chosen.group(1))
    data.pop("csrf_token", None)
    return data


def _item(village) -> PowerItem:
    db.session.expire_all()
    return power_list.current_items(village)[0]


def _rows(data: dict) -> list[tuple[str, str]]:
    n = 0
    out = []
    while f"step-{n}-actor" in data:
        out.append((data[f"step-{n}-actor"], data[f"step-{n}-action"]))
        n += 1
    return out


def test_row_actions_add_move_and_remove_without_javascript(ctx, client, forms, cadre, village):
    item = _item(village)
    url = f"/publish/powers/{item.id}/edit"
    data = _fields(_text(client.get(url)))
    before = _rows(data)
    assert len(before) == len(item.steps) >= 2
    page = forms.post(url, {**data, "row_action": "add"})
    assert page.status_code == 200
    data = _fields(_text(page))
    assert _rows(data)[-1] == ("", "") and len(_rows(data)) == len(before) + 1
    data.update({f"step-{len(before)}-actor": "村监委", f"step-{len(before)}-action": "公开结果"})
    data = _fields(_text(forms.post(url, {**data, "row_action": f"up-{len(before)}"})))
    assert _rows(data)[len(before) - 1] == ("村监委", "公开结果")
    data = _fields(_text(forms.post(url, {**data, "row_action": "remove-0"})))
    assert _rows(data)[0] == before[1]
    db.session.expire_all()
    assert db.session.get(PowerItem, item.id).steps == item.steps  # nothing is saved by row actions


def test_preview_shows_the_change_and_publishes_only_on_confirmation(ctx, client, forms, cadre, village):
    item = _item(village)
    url = f"/publish/powers/{item.id}/edit"
    data = _fields(_text(client.get(url)))
    data.update({"reason": "按县里新要求修订", "step-0-action": "拟定方案并征求意见", "step-0-risk": "1", "step-0-control": "村监委全程监督",
                 "step-0-level": "high"})
    etag = client.get(f"/villages/{VILLAGE}").headers["ETag"]
    preview = forms.post(url, {**data, "action": "preview"})
    text = _text(preview)
    assert preview.status_code == 200 and "Check before publishing" in text
    assert "拟定方案并征求意见" in text and "村监委全程监督" in text and "<del>" in text
    db.session.expire_all()
    assert db.session.get(PowerItem, item.id).steps == item.steps  # the preview changes nothing
    assert client.get(f"/villages/{VILLAGE}").headers["ETag"] == etag
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', text))
    carried = {k: unescape(v) for k, v in carried.items()}
    back = forms.post(url, {**carried, "action": "edit"}, form_url=url)
    assert 'value="拟定方案并征求意见"' in _text(back)
    response = forms.post(url, {**carried, "action": "publish"}, form_url=url)
    assert response.status_code == 302
    saved = _item(village)
    assert saved.steps[0]["action"] == "拟定方案并征求意见" and saved.steps[0]["is_risk_point"] is True
    assert {"step_seq": 1, "level": "high", "risk": "拟定方案并征求意见", "control": "村监委全程监督"} in saved.risks
    public = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))
    assert "村监委全程监督" in public


def test_a_risk_point_without_its_control_is_refused_at_the_top_and_beside_the_steps(ctx, client, forms, cadre, village):
    item = _item(village)
    url = f"/publish/powers/{item.id}/edit"
    data = _fields(_text(client.get(url)))
    data.update({"reason": "补充风险点", "step-1-risk": "1", "step-1-control": ""})
    response = forms.post(url, {**data, "action": "preview"})
    text = _text(response)
    assert response.status_code == 400 and "error-summary" in text and 'href="#steps"' in text
    assert "Step 2 is marked as an integrity risk point" in text


def test_enter_in_a_text_box_previews_rather_than_pressing_a_row_button(ctx, client, cadre, village):
    page = _text(client.get(f"/publish/powers/{_item(village).id}/edit"))
    form = page.split('<form method="post" novalidate', 1)[1]
    first_submit = re.search(r'<button type="submit"[^>]*>', form).group(0)
    assert 'name="action" value="preview"' in first_submit


def test_new_item_from_rows(ctx, client, forms, cadre, village):
    data = _fields(_text(client.get("/publish/powers/new")))
    data.update({"reason": "村民代表会议决定新增", "title": "村集体鱼塘承包", "category": "assets", "step-0-actor": "村委会", "step-0-action": "拟定方案",
                 "step-0-limit": "5日", "step-0-record": "方案"})
    assert "Check before publishing" in _text(forms.post("/publish/powers/new", {**data, "action": "preview"}))
    response = forms.post("/publish/powers/new", {**data, "action": "publish"})
    assert response.status_code == 302
    item = next(i for i in power_list.current_items(village) if i.title == "村集体鱼塘承包")
    assert item.steps == [{"seq": 1, "actor_role": "村委会", "action": "拟定方案", "time_limit": "5日",
                           "output_doc": "方案", "is_risk_point": False}]


def test_rows_round_trip_through_stored_steps():
    rows = [step_rows.blank() | {"actor": "村委会", "action": "拟定方案", "limit": "5日", "record": "方案"},
            step_rows.blank(),
            step_rows.blank() | {"actor": "村监委", "action": "审核", "risk": "1", "control": "逐笔签章", "level": "high"}]
    steps, risks = step_rows.to_steps(rows)
    assert [s["seq"] for s in steps] == [1, 2] and risks[0]["step_seq"] == 2
    again, rest = step_rows.from_item(steps, risks + [{"step_seq": 0, "level": "low", "risk": "x", "control": "y"}])
    assert step_rows.to_steps(again) == (steps, risks) and rest == [{"step_seq": 0, "level": "low", "risk": "x",
                                                                     "control": "y"}]
    assert step_rows.apply_action(again, "down-0")[0][0]["actor"] == "村监委"
    assert step_rows.apply_action(again, "down-1")[0] == again  # the last row cannot go lower
    assert step_rows.apply_action(again, "remove-99")[0] == again
    assert len(step_rows.apply_action([step_rows.blank()] * step_rows.MAX_ROWS, "add")[0]) == step_rows.MAX_ROWS


def test_unknown_buttons_are_refused_with_a_message(ctx, client, forms, cadre, village):
    item = _item(village)
    url = f"/publish/powers/{item.id}/edit"
    data = _fields(_text(client.get(url)))
    for extra in ({"action": "explode"}, {"row_action": "explode-1"}):
        response = forms.post(url, {**data, **extra})
        assert response.status_code == 400 and "error-summary" in _text(response)
    db.session.expire_all()
    assert db.session.get(PowerItem, item.id).steps == item.steps
