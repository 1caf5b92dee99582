"""Related complaints shown as one lead (线索) on the case page and in the inbox, linked and unlinked by
handlers (audited), never showing a case outside the handler's scope."""
from datetime import timedelta

import pytest
from conftest import csrf_from
from sqlalchemy import select

from portal.complaints.events import add_event
from portal.complaints.models import Complaint, ComplaintLink
from portal.complaints.routing import move_to_county
from portal.core.audit import AuditEntry
from portal.extensions import db
from portal.places.models import Village
from portal.powers.models import PowerItem
from tests.complaints.conftest import backdate, user
from tests.demo_ids import FAR_VILLAGE, OTHER_VILLAGE, VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _page(client, complaint) -> str:
    response = client.get(f"/triage/{complaint.case_number}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _lead(page: str) -> str:
    return page.split('id="lead"', 1)[1].split("</section>", 1)[0]


def _act(client, complaint, data):
    page = client.get(f"/triage/{complaint.case_number}").get_data(as_text=True)
    return client.post(f"/triage/{complaint.case_number}/act", data={"csrf_token": csrf_from(page), **data})


def _demo(about: str) -> Complaint:
    return db.session.scalar(select(Complaint).where(Complaint.about == about))


def test_the_demo_county_shows_a_lead_of_two_complaints_about_the_same_person(client, login_as):
    first, second = _demo("村主任 郑海"), _demo("村主任郑海")
    login_as("handler_baishi")
    lead = _lead(_page(client, first))
    assert second.case_number in lead and "反映同一人" in lead and "相关 1 件" in lead
    assert first.case_number in _lead(_page(client, second))
    inbox = client.get("/triage/").get_data(as_text=True)
    row = inbox.split(f"<strong>{second.case_number}</strong>", 1)[1].split("</li>", 1)[0]
    assert "线索：相关 1 件" in row
    client.set_cookie("lang", "en")
    assert "same person named" in _lead(_page(client, first))


def test_cases_on_the_same_power_item_or_disclosure_group_within_90_days(client, login_as, file_case):
    village = db.session.scalar(select(Village).where(Village.code == VILLAGE))
    item = db.session.scalar(select(PowerItem).where(PowerItem.village_id == village.id).limit(1))
    a, _ = file_case(about="村会计", power_item=str(item.id))
    b, _ = file_case(about="村道工程承包人", power_item=str(item.id))
    old, _ = file_case(about="村文书", power_item=str(item.id))
    elsewhere, _ = file_case(village=OTHER_VILLAGE, about="村会计")  # same person, another village
    backdate(old, received_at=a.received_at - timedelta(days=100))
    login_as("handler_baishi")
    lead = _lead(_page(client, a))
    assert b.case_number in lead and "同一权力事项" in lead
    assert old.case_number not in lead and elsewhere.case_number not in lead


def test_a_lead_never_shows_a_case_outside_the_handlers_scope(client, login_as, as_user, file_case):
    mine, _ = file_case(about="村主任", description="村主任把低保名额给了亲戚，请核查。")
    sent_up, _ = file_case(about="村主任", description="村主任收受工程老板礼金，请县里查。")
    names_me, _ = file_case(about="村主任", description="村主任虚报误工补贴，村里人都知道。")
    move_to_county(sent_up, user("county_handler"), "manual", "涉及多个部门，请县纪委处理")
    add_event(names_me, "info", None, body="我已经跟赵敏说过这件事。")
    db.session.commit()
    login_as("handler_baishi")
    lead = _lead(_page(client, mine))
    assert sent_up.case_number not in lead, "escalated away: not the township's any more"
    assert names_me.case_number not in lead, "it names the handler: they see nothing of it"
    as_user("county_handler")
    county_lead = _lead(_page(client, sent_up))
    assert mine.case_number in county_lead and names_me.case_number in county_lead
    as_user("handler_dongshan")
    assert client.get(f"/triage/{mine.case_number}").status_code == 404


def test_handlers_link_and_unlink_cases_and_each_decision_is_audited(client, login_as, file_case):
    a, _ = file_case(about="村会计", description="村会计虚报误工补贴三千元，请核查。")
    b, _ = file_case(village=OTHER_VILLAGE, about="村文书", description="村文书私自使用村委会公章。")
    c, _ = file_case(about="村会计", description="村会计把集体资金借给亲戚。")
    login_as("handler_baishi")
    client.set_cookie("lang", "en")
    assert b.case_number not in _lead(_page(client, a)) and c.case_number in _lead(_page(client, a))
    response = _act(client, a, {"action": "link", "other": b.public_reference.lower()})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The two cases are now one lead." in page and b.case_number in _lead(page)
    assert "linked by a handler" in _lead(page) and a.case_number in _lead(_page(client, b))
    response = _act(client, a, {"action": "unlink", "other": str(c.id)})
    assert response.status_code == 303
    assert c.case_number not in _lead(_page(client, a)) and a.case_number not in _lead(_page(client, c))
    actions = {(e.action, e.object_id) for e in db.session.scalars(select(AuditEntry).where(
        AuditEntry.action.in_(("complaint_linked", "complaint_unlinked"))))}
    assert actions == {("complaint_linked", str(a.id)), ("complaint_linked", str(b.id)),
                       ("complaint_unlinked", str(a.id)), ("complaint_unlinked", str(c.id))}
    relinked = _act(client, a, {"action": "link", "other": c.case_number})
    assert relinked.status_code == 303 and c.case_number in _lead(_page(client, a))


def test_linking_a_case_outside_the_inbox_is_refused_beside_the_field(client, login_as, file_case):
    mine, _ = file_case()
    far, _ = file_case(village=FAR_VILLAGE)
    login_as("handler_baishi")
    client.set_cookie("lang", "en")
    for other in (far.case_number, "339901-2026-999999", "", "<script>", mine.case_number):
        response = _act(client, mine, {"action": "link", "other": other})
        assert response.status_code == 400, other
        text = response.get_data(as_text=True)
        assert 'id="field-link-other"' in text
        assert "No case with this number in your inbox." in text or "cannot be linked to itself" in text
    assert _act(client, mine, {"action": "unlink", "other": str(far.id)}).status_code == 400
    assert db.session.scalar(select(ComplaintLink.id)) is None


def test_cases_about_the_same_payment_line_group(client, login_as, file_case):
    from portal.subsidies.models import PaymentLine

    village = db.session.scalar(select(Village).where(Village.code == OTHER_VILLAGE))
    payment = db.session.scalar(select(PaymentLine).where(PaymentLine.village_id == village.id).limit(1))
    a, _ = file_case(village=OTHER_VILLAGE, about="补贴名单", category="subsidy_fraud")
    b, _ = file_case(village=OTHER_VILLAGE, about="一卡通发放", category="subsidy_fraud")
    for case in (a, b):
        case.subsidy_payment_id = payment.id
    db.session.commit()
    login_as("handler_baishi")
    lead = _lead(_page(client, a))
    assert b.case_number in lead and "同一笔补贴发放" in lead
