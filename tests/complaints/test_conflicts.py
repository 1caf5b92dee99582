"""Who is it about: 乡镇干部 chosen, a listed township official or the township's handler named → the county."""
import pytest

from portal.complaints import tracking
from portal.complaints.models import Complaint, Recusal
from portal.core import permissions
from portal.extensions import db
from portal.places.models import Township, TownshipOfficial
from tests.complaints.conftest import case_data, user
from tests.demo_ids import VILLAGE

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

NEW = "/complaints/new"


def _county(complaint) -> bool:
    return complaint.handling_level == "county" and complaint.escalation_reason == "township_officials"


def test_the_demo_lists_officials_for_every_township(app):
    for township in db.session.query(Township):
        posts = {o.post for o in db.session.query(TownshipOfficial).filter_by(township_id=township.id)}
        assert "党委书记" in posts and "纪委书记" in posts, township.name


@pytest.mark.parametrize("about_whom, county", [("township", True), ("village", False), ("unknown", False)])
def test_choosing_township_officials_sends_the_case_to_the_county(file_case, about_whom, county):
    complaint, _ = file_case(about_whom=about_whom)
    assert _county(complaint) is county
    assert permissions.can_read_complaint(user("handler_baishi"), complaint) is not county


@pytest.mark.parametrize("where", ["about", "description"])
@pytest.mark.parametrize("written", ["王振华", "王 振华", "王·振华", "党委书记王振华"])
def test_naming_a_listed_official_anywhere_sends_it_to_the_county(file_case, where, written):
    text = {"about": written, "description": f"村里的事情，{written}也参与了，收了好处费。"}[where]
    complaint, _ = file_case(about_whom="village", **{where: text})
    assert _county(complaint) and complaint.concerns_township_officials
    assert not permissions.can_read_complaint(user("handler_baishi"), complaint)


def test_an_official_of_another_township_does_not_move_the_case(file_case):
    complaint, _ = file_case(description="听说东山乡的欧阳建也知道这件事，但本案是村会计的问题。")
    assert complaint.handling_level == "township"


def test_naming_the_handler_it_would_reach_sends_it_to_the_county(file_case):
    handler = user("handler_baishi")
    handler.display_name = "孙丽娟"  # not on the officials list
    db.session.commit()
    complaint, _ = file_case(description="我找过镇里的孙丽娟反映，她让我别管这事。村主任收了礼金。")
    assert _county(complaint)
    plain, _ = file_case()
    assert plain.handling_level == "township"


def test_a_choice_that_is_not_offered_is_refused_beside_the_field(client, forms):
    response = forms.post(NEW, case_data(about_whom="mayor"), form_url=f"{NEW}?village={VILLAGE}")
    assert response.status_code == 400
    assert 'id="field-about_whom"' in response.get_data(as_text=True)


def test_the_form_asks_who_it_is_about_in_plain_choices(client, forms):
    page = client.get(f"{NEW}?all=1&village={VILLAGE}").get_data(as_text=True)  # every question on one page
    for code in ("village", "township", "unknown"):
        assert f'name="about_whom" value="{code}"' in page
    assert 'name="concerns_township_officials"' not in page
    forms.post(NEW, case_data(about_whom="township"), form_url=f"{NEW}?village={VILLAGE}")
    assert _county(db.session.query(Complaint).order_by(Complaint.id.desc()).first())


def test_the_api_takes_about_whom(client):
    answer = client.post("/api/v1/complaints", json=case_data(about_whom="township")).get_json()
    assert _county(db.session.query(Complaint).filter_by(public_reference=answer["case_number"]).one())


def test_information_added_later_that_names_an_official_moves_the_case(file_case, reload):
    complaint, _ = file_case()
    assert complaint.handling_level == "township"
    tracking.add_info(complaint, "补充：镇长刘思远打过招呼。")
    db.session.commit()
    assert _county(reload(complaint))


def _named_case(file_case):
    """A case at the township that names its handler (e.g. sent back by the county, or renamed since)."""
    complaint, _ = file_case(description="举报村主任，赵敏书记也在场收了红包。")
    complaint.handling_level, complaint.escalation_reason = "township", None  # as if the county assigned it back
    db.session.commit()
    return complaint


def test_a_handler_the_case_names_sees_only_the_recusal_action(client, auth, file_case):
    complaint = _named_case(file_case)
    auth.login("handler_baishi")
    page = client.get(f"/triage/{complaint.case_number}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="action" value="recuse"' in body
    assert "红包" not in body and complaint.about not in body
    for action in ('value="accept"', 'value="note"', 'value="escalate"', 'value="message"'):
        assert action not in body
    assert client.get(f"/triage/{complaint.case_number}/contact").get_data(as_text=True).count("红包") == 0


def test_a_named_handler_can_do_nothing_but_recuse(client, auth, file_case, reload):
    from conftest import csrf_from

    complaint = _named_case(file_case)
    auth.login("handler_baishi")
    token = csrf_from(client.get(f"/triage/{complaint.case_number}").get_data(as_text=True))
    refused = client.post(f"/triage/{complaint.case_number}/act", data={"csrf_token": token, "action": "accept"})
    assert refused.status_code == 400 and reload(complaint).status == "received"
    done = client.post(f"/triage/{complaint.case_number}/act",
                       data={"csrf_token": token, "action": "recuse", "reason": "本案点名涉及本人，申请回避。"})
    assert done.status_code == 303
    complaint = reload(complaint)
    assert complaint.handling_level == "county"
    assert db.session.query(Recusal).filter_by(complaint_id=complaint.id).count() == 1


def test_only_the_named_handler_must_recuse(app, file_case):
    complaint = _named_case(file_case)
    assert permissions.must_recuse(user("handler_baishi"), complaint)
    assert not permissions.must_recuse(user("county_handler"), complaint)
    plain, _ = file_case()
    assert not permissions.must_recuse(user("handler_baishi"), plain)
