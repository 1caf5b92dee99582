"""The handler's case page: one next step, the rest grouped, errors on top, a review before 办结, plain confirmations."""
import io
import re

import pytest
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from tests.complaints.conftest import advance, jpeg_bytes

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _english(client):
    client.set_cookie("lang", "en")


def test_the_next_step_stands_first_and_the_rest_are_grouped(client, login_as, file_case):
    complaint, _ = file_case()
    login_as("handler_baishi")
    _english(client)
    page = _text(client.get(f"/triage/{complaint.case_number}"))
    primary = page.split('class="primary-action"', 1)[1].split("</section>", 1)[0]
    assert 'name="action" value="accept"' in primary and "Next step:" in primary
    others = page.split('id="other-actions"', 1)[1]
    assert 'name="action" value="decline"' in others and 'name="action" value="accept"' not in others
    assert page.count('name="action" value="accept"') == 1
    advance(complaint, "accepted")
    page = _text(client.get(f"/triage/{complaint.case_number}"))
    assert 'value="start"' in page.split('class="primary-action"', 1)[1].split("</section>", 1)[0]
    advance(complaint, "in_progress")
    page = _text(client.get(f"/triage/{complaint.case_number}"))
    assert 'value="conclude"' in page.split('class="primary-action"', 1)[1].split("</section>", 1)[0]


def test_a_failed_action_lists_its_errors_at_the_top_linking_to_the_fields(client, login_as, forms, file_case):
    complaint, _ = file_case()
    advance(complaint, "in_progress")
    login_as("handler_baishi")
    _english(client)
    url = f"/triage/{complaint.case_number}"
    page = _text(client.get(url))
    assert f'action="{url}/act#error-summary"' in page  # the browser lands on the summary
    response = forms.post(f"{url}/act", {"action": "conclude", "reply": "", "finding": ""}, form_url=url)
    text = _text(response)
    assert response.status_code == 400
    summary = text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#field-conclude-reply"' in summary and 'href="#field-conclude-finding"' in summary
    assert text.index('id="error-summary"') < text.index('id="actions"')
    assert 'id="field-conclude-reply"' in text


def test_conclude_shows_the_reply_as_the_resident_will_read_it_before_anything_changes(
        client, login_as, forms, file_case, reload):
    complaint, _ = file_case()
    advance(complaint, "in_progress")
    login_as("handler_baishi")
    _english(client)
    url = f"/triage/{complaint.case_number}"
    reply = "经核查，反映问题部分属实，已责令退还礼金。"
    data = {"action": "conclude", "finding": "partly_true", "disposal_mode": "preliminary_check", "reply": reply}
    review = forms.post(f"{url}/act", data, form_url=url)
    text = _text(review)
    assert review.status_code == 200 and "Check before concluding" in text
    assert reply in text.split('class="review"', 1)[1].split("</section>", 1)[0]
    assert reload(complaint).status == "in_progress"  # nothing is published by the review
    back = forms.post(f"{url}/act", {**data, "confirm": "back"}, form_url=url)
    assert reply in _text(back) and reload(complaint).status == "in_progress"
    done = forms.post(f"{url}/act", {**data, "confirm": "1"}, form_url=url)
    assert done.status_code == 303 and reload(complaint).status == "concluded"
    page = _text(client.get(url))
    assert "The case is concluded and the reply is published to the complainant" in page


def test_each_action_says_what_it_did(client, login_as, forms, file_case):
    complaint, _ = file_case()
    login_as("handler_baishi")
    _english(client)
    url = f"/triage/{complaint.case_number}"
    forms.post(f"{url}/act", {"action": "question", "body": "请问礼金是哪一天收的？"}, form_url=url)
    page = _text(client.get(url))
    assert "The question is sent. The complainant sees it with the receipt code" in page
    forms.post(f"{url}/act", {"action": "note", "note": "先调取工程合同"}, form_url=url)
    assert "The internal note is saved. The complainant never sees it." in _text(client.get(url))


def test_photo_evidence_shows_as_thumbnails(client, login_as, file_case):
    photo = FileStorage(io.BytesIO(jpeg_bytes()), filename="现场.jpg", content_type="image/jpeg")
    complaint, _ = file_case(files=[photo])
    login_as("handler_baishi")
    page = _text(client.get(f"/triage/{complaint.case_number}"))
    thumb = re.search(r'<ul class="thumbs"><li><a href="([^"]+)"><img src="([^"]+)"', page)
    assert thumb and thumb.group(1) == thumb.group(2)
    assert client.get(thumb.group(2)).mimetype == "image/jpeg"


def test_the_inbox_opens_on_open_cases_with_a_snippet_and_folded_filters(client, login_as, file_case):
    open_case, _ = file_case(description="村会计虚报误工补贴，金额约三千元，请核查。")
    closed, _ = file_case()
    advance(closed, "concluded")
    login_as("handler_baishi")
    page = _text(client.get("/triage/"))
    assert open_case.case_number in page and closed.case_number not in page
    assert "村会计虚报误工补贴" in page
    assert re.search(r'<details class="card filters">', page)  # folded when nothing is narrowed
    every = _text(client.get("/triage/?status="))
    assert closed.case_number in every and re.search(r'<details class="card filters" open>', every)
    db.session.rollback()
