"""Power items are published records: every change is a chained revision with a reason, history stays public,
and a complaint keeps the wording it questioned."""
import pytest
from demo_ids import VILLAGE
from disclosures.support import chain_length
from sqlalchemy import select

from portal.complaints.models import Complaint
from portal.extensions import db
from portal.powers import editing as power_list
from portal.powers.models import PowerItem
from portal.records.models import PublishedRevision
from powers.test_power_editing import _form, _items, _text

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

NEW_STEPS = ("村委会 | 拟定方案 | 5日 | 方案\n"
             "村书记 | 直接决定，无需表决 | 1日 | 无")


def _revisions(item_id: int) -> list[PublishedRevision]:
    db.session.expire_all()
    return list(db.session.scalars(select(PublishedRevision).where(
        PublishedRevision.subject_type == "power_item", PublishedRevision.subject_id == item_id)
        .order_by(PublishedRevision.number)))


def test_every_demo_item_is_already_a_chained_record(village):
    for item in _items(village):
        revisions = _revisions(item.id)
        assert revisions and item.current_revision_id == revisions[-1].id
        assert revisions[0].content["steps"] == item.steps and revisions[0].reason


def test_an_edit_without_a_reason_is_refused_and_changes_nothing(client, forms, cadre, village):
    item = _items(village)[0]
    before = chain_length()
    response = forms.post(f"/publish/powers/{item.id}/edit", _form(item, steps=NEW_STEPS, risks="", reason=""))
    assert response.status_code == 400 and "Say why you are making this change" in _text(response)
    db.session.expire_all()
    assert db.session.get(PowerItem, item.id).steps == item.steps and chain_length() == before


def test_an_edit_is_a_revision_whose_history_and_difference_are_public(client, forms, cadre, village):
    item = _items(village)[0]
    before, old_step = chain_length(), item.steps[1]["action"]
    response = forms.post(f"/publish/powers/{item.id}/edit", _form(item, steps=NEW_STEPS, risks="", reason="简化流程"))
    assert response.status_code == 302
    revisions = _revisions(item.id)
    assert chain_length() == before + 1 and len(revisions) == 2 and revisions[1].reason == "简化流程"
    page = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))
    assert "直接决定，无需表决" in page and "简化流程" in page and f"/powers/{item.id}/diff?from=1" in page
    old = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}?revision=1"))
    assert old_step in old and "直接决定" not in old and "older revision" in old
    diff = _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}/diff?from=1&to=2"))
    assert "<ins>" in diff and "直接决定" in diff and "简化流程" in diff
    record = _text(client.get(f"/villages/{VILLAGE}/record"))
    assert "简化流程" in record and f"/villages/{VILLAGE}/powers/{item.id}/diff?from=1&amp;to=2" in record


def test_retiring_needs_a_reason_and_keeps_the_page_with_its_history(client, forms, cadre, village):
    item = _items(village)[0]
    url = f"/publish/powers/{item.id}/retire"
    refused = forms.post(url, {"reason": " "}, form_url=url)
    assert refused.status_code == 400 and db.session.get(PowerItem, item.id).retired_at is None
    forms.post(url, {"reason": "事项并入村级重大事项决策"}, form_url=url)
    page = client.get(f"/villages/{VILLAGE}/powers/{item.id}")
    assert page.status_code == 200
    text = _text(page)
    assert "Retired" in text and "事项并入村级重大事项决策" in text and item.steps[0]["action"] in text
    assert "Report a problem with this item" not in text
    assert _revisions(item.id)[-1].content["retired"] is True
    client.set_cookie("lang", "zh_Hans_CN")
    assert "已废止" in _text(client.get(f"/villages/{VILLAGE}/powers/{item.id}"))


def test_a_complaint_pins_the_wording_and_the_handler_sees_it_changed(client, forms, auth, village):
    item = _items(village)[0]
    step = item.steps[1]
    response = client.post("/api/v1/complaints", json={
        "village": VILLAGE, "category": "mass_discipline", "about": "村委会",
        "description": "第二步没有按规定召开党员大会，直接决定了。", "power_item": item.id})
    assert response.status_code == 201, response.get_json()
    reference = response.get_json()["case_number"]  # for residents, the random public reference
    complaint = db.session.scalar(select(Complaint).where(Complaint.public_reference == reference))
    case_number = complaint.case_number  # staff work by the sequential number
    assert complaint.power_item_revision_id == item.current_revision_id

    auth.login("cadre_shangtang")  # the accused rewrites the step the complaint points at
    forms.post(f"/publish/powers/{item.id}/edit", _form(item, steps=NEW_STEPS, risks="", reason="按实际做法修订"))
    auth.logout()

    auth.login("handler_baishi")
    page = _text(client.get(f"/triage/{case_number}"))
    assert step["action"] in page  # the text as it read when the complaint was filed
    assert "直接决定，无需表决" not in page
    assert "按实际做法修订" in page and f"/powers/{item.id}/diff?from=1&amp;to=2" in page


def test_adopting_a_county_item_is_recorded_too(village, app):
    from portal.accounts.models import User

    cadre = db.session.scalar(select(User).where(User.username == "cadre_shangtang"))
    item = _items(village)[0]
    power_list.retire(item, cadre, "暂停")
    template = power_list.adoptable_templates(village)[0]
    adopted = power_list.adopt(village, cadre, [template], power_list.default_contacts(village))[0]
    db.session.commit()
    revisions = _revisions(adopted.id)
    assert len(revisions) == 1 and revisions[0].content["title"] == template.title and revisions[0].reason
