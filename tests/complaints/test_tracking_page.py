"""The tracking page leads with what the resident came for: the result, a waiting question, what they sent."""
import re

import pytest

from portal.complaints import handling
from portal.extensions import db
from tests.complaints.conftest import DESCRIPTION, advance, user

# These tests call the services and read the database directly, as a script beside the server does.
pytestmark = pytest.mark.usefixtures("ctx")

TRACK = "/complaints/track"


def _open(client, forms, receipt) -> str:
    client.set_cookie("lang", "en")
    forms.post(TRACK, {"receipt": receipt})
    return client.get(TRACK).get_data(as_text=True)


def test_a_concluded_case_leads_with_the_result_and_the_rating_right_under_it(client, forms, file_case):
    complaint, receipt = file_case()
    advance(complaint, "concluded")
    page = _open(client, forms, receipt)
    result, rest = page.index('id="result"'), page.index('id="rate"')
    assert result < rest < page.index("What has happened")
    assert complaint.reply and complaint.reply in page[result:rest]
    assert "Time left" not in page and "No deadline running" not in page


def test_an_open_case_shows_its_time_left_and_no_result(client, forms, file_case):
    _complaint, receipt = file_case()
    page = _open(client, forms, receipt)
    assert "Time left" in page and 'id="result"' not in page


def test_a_waiting_question_is_announced_at_the_top(client, forms, file_case):
    complaint, receipt = file_case()
    handling.send_message(complaint, user("handler_baishi"), "请问具体时间？", question=True)
    db.session.commit()
    page = _open(client, forms, receipt)
    banner = page.index("The handler has asked you a question.")
    assert banner < page.index("Case number") and 'href="#answer"' in page


def test_the_resident_sees_what_they_sent(client, forms, file_case):
    _complaint, receipt = file_case()
    page = _open(client, forms, receipt)
    sent = page[page.index("What you sent"):]
    assert DESCRIPTION in sent and "村主任" in sent and "Anonymous" in sent


def test_each_action_gets_its_own_confirmation(client, forms, file_case):
    complaint, receipt = file_case()
    handling.send_message(complaint, user("handler_baishi"), "请问具体时间？", question=True)
    db.session.commit()
    _open(client, forms, receipt)
    forms.post(f"{TRACK}/answer", {"body": "上个月十五号。"}, form_url=TRACK)
    assert "Your answer was sent to the handler." in client.get(TRACK).get_data(as_text=True)
    forms.post(f"{TRACK}/info", {"body": "补充：有证人。"}, form_url=TRACK)
    assert "Your information was added to the case" in client.get(TRACK).get_data(as_text=True)
    advance(complaint, "concluded")
    forms.post(f"{TRACK}/rate", {"rating": "satisfied"}, form_url=TRACK)
    page = client.get(TRACK).get_data(as_text=True)
    assert "your rating was recorded" in page and re.search(r"Your rating.{0,40}Satisfied", page, re.S)
